import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { baseEnv, covshim, run, statusJson, tempDir, venvWithCoverage } from "../helpers/fixtures.js";
import { CLI, ROOT, debianCoveragePython } from "../helpers/tools.js";
import { hashTree, treeDiff } from "../../src/treehash.js";
import { runApp } from "../helpers/measure.js";

const FIX = join(ROOT, "test", "fixtures");

/** What raw coverage says about a copy of the same data: the reference for covshim's numbers. */
function rawTotals(python: string, rcfile: string, dataDir: string, work: string) {
  const copy = join(work, `copy-${Math.random().toString(36).slice(2)}`);
  cpSync(dataDir, copy, { recursive: true });
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.COVERAGE_PROCESS_START;
  const dataFile = join(copy, ".coverage");
  expect(run(python, ["-m", "coverage", "combine", "-q", "--append", `--rcfile=${rcfile}`, `--data-file=${dataFile}`, copy], env, copy).code).toBe(0);
  const out = join(work, "raw.json");
  expect(run(python, ["-m", "coverage", "json", "-q", `--rcfile=${rcfile}`, `--data-file=${dataFile}`, "-o", out], env, copy).code).toBe(0);
  return JSON.parse(readFileSync(out, "utf8"));
}

describe.each([
  ["coverage 6.5 (Debian, dir kind)", "dir"],
  ["coverage 7.x (pip, venv kind)", "venv"],
])("report with %s", (_label, kind) => {
  it("totals equal raw combine + json on a copy; --fail-under; runs add up; html", () => {
    const t = tempDir();
    const home = join(t, "home");
    let python: string;
    let target: string;
    let extraEnv: NodeJS.ProcessEnv = {};
    if (kind === "dir") {
      python = debianCoveragePython();
      target = join(t, "lib");
      mkdirSync(target);
      extraEnv = { PYTHONPATH: target };
      expect(covshim(home, ["enable", target, "--python", python]).code).toBe(0);
    } else {
      target = venvWithCoverage(join(t, "venv"));
      python = join(target, "bin", "python");
      expect(covshim(home, ["enable", target]).code).toBe(0);
    }
    const rec = statusJson(home).installs[0]!;
    const env = { ...process.env, ...extraEnv, COVERAGE_PROCESS_START: rec.rcfile };
    // No data yet: a plain message, not a traceback.
    const none = covshim(home, ["report"]);
    expect(none.code).toBe(1);
    expect(none.stderr.trim()).toMatch(/^covshim: no data yet for/);

    runApp(python, join(t, "app"), env);
    run(python, [join(FIX, "workload.py"), "a"], env);
    const raw = rawTotals(python, rec.rcfile, rec.dataDir, t);
    const jsonOut = join(t, "r.json");
    const r = covshim(home, ["report", "--json", jsonOut, "--html", join(t, "html")], {}, t);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^TOTAL\s+\d+/m);
    const mine = JSON.parse(readFileSync(jsonOut, "utf8"));
    expect(mine.totals.covered_lines).toBe(raw.totals.covered_lines);
    expect(mine.totals.num_statements).toBe(raw.totals.num_statements);
    expect(Object.keys(mine.files).sort()).toEqual(Object.keys(raw.files).sort());
    expect(existsSync(join(t, "html", "index.html"))).toBe(true);

    const pct = mine.totals.percent_covered as number;
    expect(pct).toBeLessThan(99); // h() of workload.py is not run yet
    expect(covshim(home, ["report", "--fail-under", String(Math.floor(pct))]).code).toBe(0);
    const fail = covshim(home, ["report", "--fail-under", String(Math.ceil(pct) + 1)]);
    expect(fail.code).toBe(1);
    expect(fail.stderr).toContain("is below --fail-under");

    // A second run adds to the first (runs add up until a new enable).
    run(python, [join(FIX, "workload.py"), "b"], env);
    const second = join(t, "r2.json");
    expect(covshim(home, ["report", "--json", second]).code).toBe(0);
    const both = JSON.parse(readFileSync(second, "utf8"));
    expect(both.totals.covered_lines).toBeGreaterThan(mine.totals.covered_lines);
    expect(Object.keys(both.files)).toContain(join(FIX, "workload.py"));
    expect(Object.keys(both.files)).toContain(join(t, "app", "mpapp.py"));
    expect(covshim(home, ["off"]).code).toBe(0);
  });
});

describe("diff", () => {
  it("two saved reports with different workloads: per-file numbers and lines", () => {
    const t = tempDir();
    const home = join(t, "home");
    const venv = venvWithCoverage(join(t, "venv"));
    const py = join(venv, "bin", "python");
    const wl = join(FIX, "workload.py");
    const src = readFileSync(wl, "utf8").split("\n");
    const lineOf = (s: string) => src.findIndex((l) => l.trim() === s) + 1;
    expect(covshim(home, ["enable", venv]).code).toBe(0);
    const rc = statusJson(home).installs[0]!.rcfile;
    run(py, [wl, "a"], { ...process.env, COVERAGE_PROCESS_START: rc });
    expect(covshim(home, ["report", "--save", "before"]).code).toBe(0);
    expect(covshim(home, ["enable", venv]).code).toBe(0); // afresh: data moved aside
    run(py, [wl, "b"], { ...process.env, COVERAGE_PROCESS_START: rc });
    expect(covshim(home, ["report", "--save", "after"]).code).toBe(0);
    const j = covshim(home, ["diff", "before", "after", "--json"]);
    expect(j.code, j.stderr).toBe(0);
    const d = JSON.parse(j.stdout);
    const row = d.files.find((f: { file: string }) => f.file === wl);
    // g's two lines lost, h's two lines gained; the `if`/`else` lines swap too.
    expect(row.newlyCovered).toEqual([lineOf("y = 3"), lineOf("return y"), lineOf("h()")]);
    expect(row.lost).toEqual([lineOf("x = 2"), lineOf("return x"), lineOf("g()")]);
    expect(row.after - row.before).toBe(row.change);
    expect(row.change).toBe(row.newlyCovered.length - row.lost.length);
    const text = covshim(home, ["diff", "before", "after"]);
    expect(text.stdout).toContain(`${wl}: newly covered`);
    expect(text.stdout).toMatch(/^TOTAL/m);
    // HEAD defaults to the current data.
    expect(covshim(home, ["diff", "before"]).stdout).toContain(`${wl}: no longer covered`);
    const missing = covshim(home, ["diff", "nope"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("no saved report 'nope'");
  });
});

describe("run", () => {
  it("returns the command's exit code and leaves nothing on", () => {
    const t = tempDir();
    const home = join(t, "home");
    const venv = venvWithCoverage(join(t, "venv"));
    const before = hashTree(venv);
    const script = join(t, "seven.py");
    writeFileSync(script, "import sys\nx = 1\nsys.exit(7)\n");
    const r = covshim(home, ["run", venv, "--", join(venv, "bin", "python"), script]);
    expect(r.code).toBe(7);
    expect(r.stdout).toMatch(/covshim: \d+ files measured; TOTAL/);
    expect(statusJson(home).installs.every((i) => !i.enabled)).toBe(true);
    expect(treeDiff(before, hashTree(venv))).toEqual([]);
    expect(covshim(home, ["run", venv]).code).toBe(2);
  });

  it("restores everything after SIGTERM to covshim itself", async () => {
    const t = tempDir();
    const home = join(t, "home");
    const venv = venvWithCoverage(join(t, "venv"));
    const before = hashTree(venv);
    const marker = join(t, "started");
    const child = spawn(process.execPath, [CLI, "run", venv, "--", join(venv, "bin", "python"), "-c", `import time; open(${JSON.stringify(marker)}, "w").close(); time.sleep(60)`], { env: baseEnv(home), stdio: "pipe" });
    const end = Date.now() + 30_000;
    while (!existsSync(marker) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(marker)).toBe(true);
    expect(statusJson(home).installs[0]!.enabled).toBe(true);
    child.kill("SIGTERM");
    const code = await new Promise<number | null>((r) => child.on("exit", (c) => r(c)));
    expect(code).toBe(143);
    expect(statusJson(home).installs[0]!.enabled).toBe(false);
    expect(treeDiff(before, hashTree(venv))).toEqual([]);
  });
});

describe("many data files", () => {
  it("500+ real processes: report equals raw coverage; quiet when stdout is not a terminal", () => {
    const t = tempDir();
    const home = join(t, "home");
    const venv = venvWithCoverage(join(t, "venv"));
    const py = join(venv, "bin", "python");
    expect(covshim(home, ["enable", venv]).code).toBe(0);
    const rec = statusJson(home).installs[0]!;
    const r = run(py, [join(FIX, "many.py"), "520"], { ...process.env, COVERAGE_PROCESS_START: rec.rcfile });
    expect(r.code, r.stderr).toBe(0);
    const n = readdirSync(rec.dataDir).filter((f) => f.startsWith(".coverage.")).length;
    expect(n).toBeGreaterThan(500);
    const raw = rawTotals(py, rec.rcfile, rec.dataDir, t);
    const out = join(t, "m.json");
    const rep = covshim(home, ["report", "--json", out]);
    expect(rep.code, rep.stderr).toBe(0);
    expect(rep.stderr).not.toContain("combining");
    expect(rep.stderr).toContain(`combined ${n} data files`);
    const mine = JSON.parse(readFileSync(out, "utf8"));
    expect(mine.totals.covered_lines).toBe(raw.totals.covered_lines);
    // work() runs only in the forked children, both branches of it.
    const many = mine.files[join(FIX, "many.py")];
    const src = readFileSync(join(FIX, "many.py"), "utf8").split("\n");
    for (const mark of ["# odd", "# even"]) expect(many.executed_lines).toContain(src.findIndex((l) => l.includes(mark)) + 1);
  });
});

describe("progress", () => {
  it("shows combining progress on a terminal (tmux pty)", async () => {
    const { Term } = await import("../helpers/tmux.js");
    const t = tempDir();
    const home = join(t, "home");
    const venv = venvWithCoverage(join(t, "venv"));
    const py = join(venv, "bin", "python");
    expect(covshim(home, ["enable", venv]).code).toBe(0);
    const rec = statusJson(home).installs[0]!;
    expect(run(py, [join(FIX, "many.py"), "30"], { ...process.env, COVERAGE_PROCESS_START: rec.rcfile }).code).toBe(0);
    const n = readdirSync(rec.dataDir).filter((f) => f.startsWith(".coverage.")).length;
    const term = new Term("bash", t, baseEnv(home, { TERM: "xterm" }), "");
    await term.run(`${process.execPath} ${CLI} report >/dev/null`);
    expect(term.screen()).toContain(`covshim: combining ${n}/${n} data files`);
  });
});

describe("run and Ctrl-C", () => {
  it("Ctrl-C in a terminal reaches the command; covshim restores and exits 130", async () => {
    const { Term } = await import("../helpers/tmux.js");
    const t = tempDir();
    const home = join(t, "home");
    const venv = venvWithCoverage(join(t, "venv"));
    const before = hashTree(venv);
    const marker = join(t, "started");
    const script = join(t, "sleepy.py");
    writeFileSync(script, `import time\nopen(${JSON.stringify(marker)}, "w").close()\ntime.sleep(60)\n`);
    const term = new Term("bash", t, baseEnv(home, { TERM: "xterm" }), "");
    await term.ready();
    term.type(`${process.execPath} ${CLI} run ${venv} -- ${join(venv, "bin", "python")} ${script}; echo "EXIT=$?"`);
    const end = Date.now() + 30_000;
    while (!existsSync(marker) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    expect(statusJson(home).installs[0]!.enabled).toBe(true);
    const { execFileSync } = await import("node:child_process");
    execFileSync("tmux", ["-L", term.socket, "send-keys", "-t", term.name, "C-c"]);
    await term.waitFor(/^EXIT=130$/m);
    expect(term.screen()).toContain("KeyboardInterrupt");
    expect(statusJson(home).installs[0]!.enabled).toBe(false);
    expect(treeDiff(before, hashTree(venv))).toEqual([]);
  });
});
