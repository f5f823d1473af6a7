import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { covshim, statusJson, tempDir, venvWithCoverage } from "../../helpers/fixtures.js";
import { gpdb7 } from "../../helpers/gpdb.js";
import { hookedShell } from "../../helpers/hooks.js";
import { allCommands } from "../../../src/commands/index.js";

describe("the CLI as people use it", () => {
  it("one rule picks the install for every command: TARGET, config target, the one on, $GPHOME, $VIRTUAL_ENV, else the choices", () => {
    const t = tempDir();
    const home = join(t, "home");
    const { gphome } = gpdb7(t);
    const venv = venvWithCoverage(join(t, "venv"));
    const gp = { PATH: `${gphome}/bin:${process.env.PATH}` };
    expect(covshim(home, ["enable", gphome], gp).code).toBe(0);
    expect(covshim(home, ["enable", venv, "--scope", "install", "--for", "1h"]).code).toBe(0);
    // Two on: name one; $GPHOME decides when nothing else does... but two installs are on, so the error names them.
    const two = covshim(home, ["report"]);
    expect(two.code).toBe(2);
    expect(two.stderr.trim()).toBe("covshim: 2 installs are on (gpdb7, venv): name one");
    expect(covshim(home, ["off", venv]).code).toBe(0);
    // One on: every command takes it.
    for (const cmd of [["report"], ["doctor"], ["data"]]) expect(covshim(home, cmd, gp).stderr, cmd.join(" ")).not.toMatch(/name one|no target/);
    expect(covshim(home, ["off"]).code).toBe(0);
    // Nothing on: $GPHOME, then $VIRTUAL_ENV.
    expect(covshim(home, ["data", "--json"], { GPHOME: gphome }).stdout).toContain('"install": "gpdb7"');
    expect(covshim(home, ["data", "--json"], { VIRTUAL_ENV: venv }).stdout).toContain('"install": "venv"');
    // The config's target wins over the environment.
    mkdirSync(join(home, "config"), { recursive: true });
    writeFileSync(join(home, "config", "config.json"), JSON.stringify({ target: venv }));
    expect(covshim(home, ["data", "--json"], { GPHOME: gphome }).stdout).toContain('"install": "venv"');
    writeFileSync(join(home, "config", "config.json"), "{}");
    const none = covshim(home, ["data"]);
    expect(none.code).toBe(2);
    expect(none.stderr.trim()).toMatch(/^covshim: no target given: name one: .*\(known: gpdb7, venv\)$/);
  });

  it("status: one line per install that is on; --all for every one; data figures after off", () => {
    const t = tempDir();
    const home = join(t, "home");
    const venv = venvWithCoverage(join(t, "venv"));
    expect(covshim(home, ["enable", venv]).code).toBe(0);
    const rec = statusJson(home).installs[0]!;
    writeFileSync(join(rec.dataDir, ".coverage.host.1.2"), "");
    const on = covshim(home, ["status"], { HOME: t });
    expect(on.stdout.split("\n")[0]).toMatch(/^venv {2}ON {2}shell scope, since \d\d:\d\d \(less than a minute\); 1 data file in ~\/home\/data\/installs\/venv-[0-9a-f]+\/data$/);
    expect(covshim(home, ["off"]).code).toBe(0);
    writeFileSync(join(rec.dataDir, ".coverage"), "");
    expect(covshim(home, ["status"]).stdout).toBe("nothing is on (1 install known: covshim status --all)\n");
    expect(covshim(home, ["status", "--all"]).stdout).toMatch(/^venv {2}off; 1 data file \+ combined data in /);
  });

  it("previous runs: an empty one is never moved aside, the last few are kept, data lists and prunes them, --purge keeps saved reports", () => {
    const t = tempDir();
    const home = join(t, "home");
    const venv = venvWithCoverage(join(t, "venv"));
    mkdirSync(join(home, "config"), { recursive: true });
    writeFileSync(join(home, "config", "config.json"), JSON.stringify({ keepRuns: 2 }));
    expect(covshim(home, ["enable", venv]).code).toBe(0);
    const rec = statusJson(home).installs[0]!;
    const parent = join(rec.dataDir, "..");
    const prev = () => readdirSync(parent).filter((n) => n.startsWith("data.prev-")).length;
    expect(covshim(home, ["enable", venv]).code).toBe(0);
    expect(prev()).toBe(0);
    for (let i = 1; i <= 4; i++) {
      writeFileSync(join(rec.dataDir, `.coverage.host.${i}.1`), "x");
      const en = covshim(home, ["enable", venv]);
      expect(en.code).toBe(0);
      if (i > 2) expect(en.stderr).toContain("removed 1 older run beyond the 2 previous runs kept (config keepRuns)");
    }
    expect(prev()).toBe(2);
    const list = covshim(home, ["data"]);
    expect(list.stdout).toMatch(/^venv: current run 0 data files, /);
    expect(list.stdout.match(/previous run of/g)).toHaveLength(2);
    const pr = covshim(home, ["data", "prune"]);
    expect(pr.stderr).toMatch(/deleted 2 previous runs of venv/);
    expect(prev()).toBe(0);
    // A saved report survives --purge.
    writeFileSync(join(rec.dataDir, ".coverage.host.9.9"), "");
    mkdirSync(join(parent, "reports"), { recursive: true });
    writeFileSync(join(parent, "reports", "before.json"), "{}");
    const purge = covshim(home, ["off", "--purge"]);
    expect(purge.stderr).toContain(`deleted ${rec.dataDir.replace(process.env.HOME ?? "/root", "~")}`);
    expect(purge.stderr).toContain("kept the saved reports in");
    expect(readdirSync(join(parent, "reports"))).toEqual(["before.json"]);
  });

  it("every command's --help has a purpose and examples, and says what TARGET is where it takes one; -v; --json parses", async () => {
    for (const spec of await allCommands()) {
      const h = covshim(tempDir(), [spec.name, "--help"]);
      expect(h.code, spec.name).toBe(0);
      expect(h.stdout.replace(/\s+/g, " "), spec.name).toContain(spec.summary);
      expect(h.stdout, spec.name).toMatch(/Examples:\n {2}\$ .*covshim /);
      if (spec.args?.includes("target")) expect(h.stdout.replace(/\s+/g, " "), spec.name).toContain("TARGET is a GPDB install");
    }
    const top = covshim(tempDir(), ["--help"]);
    expect(top.stdout).toContain("Quick start:");
    expect(covshim(tempDir(), ["-v"]).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    const t = tempDir();
    const home = join(t, "home");
    const venv = venvWithCoverage(join(t, "venv"));
    const en = covshim(home, ["enable", venv, "--json"]);
    expect(JSON.parse(en.stdout)).toMatchObject({ name: "venv", kind: "venv", enabled: true });
    expect(JSON.parse(covshim(home, ["doctor", venv, "--json"]).stdout).findings.length).toBeGreaterThan(1);
    expect(JSON.parse(covshim(home, ["status", "--json"]).stdout).installs).toHaveLength(1);
    expect(JSON.parse(covshim(home, ["data", "--json"]).stdout).install).toBe("venv");
    const py = join(venv, "bin", "python");
    const prog = join(t, "p.py");
    writeFileSync(prog, "x = 1\n");
    const r = covshim(home, ["run", "--json", "-", "--", py, prog]);
    expect(JSON.parse(r.stdout)).toMatchObject({ exitCode: 0, files: 1 });
    const rep = covshim(home, ["report", "--json", "-"]);
    expect(JSON.parse(rep.stdout).files[prog].executed_lines).toEqual([1]);
    expect(covshim(home, ["off"]).code).toBe(0);
  });

  it("enable in a pipeline (the hook's function in a subshell) says when the variable arrives", async () => {
    const t = tempDir();
    const home = join(t, "home");
    const venv = venvWithCoverage(join(t, "venv"));
    const s = hookedShell("bash", t, home);
    await s.ready();
    const piped = await s.run(`covshim enable ${venv} 2>&1 | cat`);
    expect(piped).toContain("covshim ran in a pipeline or subshell: this shell gets COVERAGE_PROCESS_START at its next prompt");
    const direct = await s.run(`covshim enable ${venv}`);
    expect(direct).not.toContain("pipeline");
    expect(await s.run('echo "V=$COVERAGE_PROCESS_START"')).toContain(statusJson(home).installs[0]!.rcfile);
  });
});
