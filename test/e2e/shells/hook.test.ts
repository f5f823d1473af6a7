import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { covshim, statusJson, tempDir, venvPurePython, venvWithCoverage } from "../../helpers/fixtures.js";
import { PY312 } from "../../helpers/tools.js";
import { hookedShell, processesOver } from "../../helpers/hooks.js";
import type { ShellName } from "../../helpers/tmux.js";

const SHELLS: ShellName[] = ["bash", "zsh", "fish"];
const show = (sh: ShellName, tag: string) =>
  sh === "fish"
    ? `printf '${tag}[%s|%s]\\n' "$COVERAGE_PROCESS_START" "$COVSHIM_PROMPT"`
    : `printf '${tag}[%s|%s]\\n' "\${COVERAGE_PROCESS_START-}" "\${COVSHIM_PROMPT-}"`;
const and = (sh: ShellName) => (sh === "fish" ? "; and " : " && ");

describe.each(SHELLS)("%s hook", (sh) => {
  it("two shells follow enable and off: same line in the one that ran it, next prompt in the other", async () => {
    const t = tempDir();
    const home = join(t, "covshim");
    const venv = venvWithCoverage(join(t, "venv"));
    const a = hookedShell(sh, t, home);
    const b = hookedShell(sh, t, home);
    await a.ready();
    await b.ready();
    expect(await a.run(show(sh, "A0"))).toContain("A0[|]");

    const outA = await a.run(`covshim enable ${venv} --name v1${and(sh)}${show(sh, "A1")}`);
    const rc = statusJson(home).installs[0]!.rcfile;
    expect(outA).toContain(`A1[${rc}|cov:v1]`);
    // B's current prompt was drawn before the enable; the next one is in step.
    expect(await b.run(show(sh, "B0"))).toContain("B0[|]");
    expect(await b.run(show(sh, "B1"))).toContain(`B1[${rc}|cov:v1]`);

    const outB = await b.run(`covshim off${and(sh)}${show(sh, "B2")}`);
    expect(outB).toContain("B2[|]");
    await a.ready();
    expect(await a.run(show(sh, "A2"))).toContain("A2[|]");
    // Nothing on: no warnings were printed in either shell.
    expect(a.screen()).not.toContain("warning");
    expect(b.screen()).not.toMatch(/covshim: (measurement|COVERAGE_PROCESS_START)/);
  });

  it("what a user changes by hand at a prompt is put back at the next, the shells' file unchanged: the variable, COVSHIM_PROMPT, the marker with COVSHIM_PS1 set to '' then unset", async () => {
    const t = tempDir();
    const home = join(t, "covshim");
    const venv = venvWithCoverage(join(t, "venv"));
    const a = hookedShell(sh, t, home);
    await a.ready();
    await a.run(`covshim enable ${venv} --name v1`);
    const rc = statusJson(home).installs[0]!.rcfile;
    const unset = (v: string) => (sh === "fish" ? `set -e ${v}` : `unset ${v}`);
    const mark = sh === "fish" ? `printf 'M[%s]\\n' "$__covshim_mark"` : `printf 'M[%s]\\n' "\${__covshim_mark-}"`;
    expect(await a.run(mark)).toContain("M[cov:v1]");
    // The sync's short way (the file as it was) must still see these.
    await a.run(`${unset("COVERAGE_PROCESS_START")}; ${unset("COVSHIM_PROMPT")}`);
    expect(await a.run(show(sh, "R1"))).toContain(`R1[${rc}|cov:v1]`);
    await a.run(sh === "fish" ? "set -gx COVSHIM_PS1 ''" : "export COVSHIM_PS1=");
    expect(await a.run(mark)).toContain("M[]");
    await a.run(unset("COVSHIM_PS1"));
    expect(await a.run(mark)).toContain("M[cov:v1]");
    await a.run("covshim off");
  });

  it("the very first terminal: started before covshim ever ran (no state at all), enable in it, the marker on its next prompt", async () => {
    const t = tempDir();
    const home = join(t, "covshim");
    const venv = venvWithCoverage(join(t, "venv"));
    const s = hookedShell(sh, t, home);
    await s.waitFor(/^\[0\]PROMPT> $/m);
    expect(existsSync(home)).toBe(false);
    s.type(`covshim enable ${venv} --name first`);
    await s.waitFor(/^\(cov:first\) \[0\]PROMPT> $/m);
    s.type("covshim off");
    await s.waitFor(/covshim off\n[\s\S]*\n\[0\]PROMPT>\s*$/);
  });

  it("warns at shell start while on, once left on past warnAfter (then not again within warnEvery), and for a hand-set variable; COVSHIM_QUIET silences", async () => {
    const t = tempDir();
    const home = join(t, "covshim");
    mkdirSync(join(home, "config"), { recursive: true });
    // Long enough for a shell to start on a loaded machine before it is due.
    writeFileSync(join(home, "config", "config.json"), JSON.stringify({ warnAfter: "5s", warnEvery: "1h" }));
    const venv = venvWithCoverage(join(t, "venv"));
    expect(covshim(home, ["enable", venv, "--name", "v2"]).code).toBe(0);
    const on = Date.now();
    const s = hookedShell(sh, t, home);
    await s.waitFor(/measurement is on in this shell \(cov:v2\)/);
    await s.ready();
    expect(s.screen()).not.toContain("has been on for");
    await new Promise((r) => setTimeout(r, Math.max(0, on + 5600 - Date.now())));
    await s.ready();
    await s.waitFor(/measurement has been on for 0 min \(cov:v2\)/);
    await s.ready();
    await s.ready();
    expect(s.screen().match(/has been on for/g)).toHaveLength(1);
    // A shell started after the warning time says one thing, not two.
    const late = hookedShell(sh, t, home);
    await late.waitFor(/measurement has been on for 0 min \(cov:v2\)/);
    await late.ready();
    expect(late.screen()).not.toContain("measurement is on in this shell");
    // The rc sourced again within warnEvery says nothing more.
    await late.run(sh === "fish" ? "source ~/.config/fish/config.fish" : sh === "zsh" ? "source ~/.zshrc" : "source ~/.bashrc");
    await late.ready();
    expect(late.screen().match(/covshim:/g)).toHaveLength(1);

    const quiet = hookedShell(sh, t, home, { env: { COVSHIM_QUIET: "1" } });
    await quiet.ready();
    expect(await quiet.run(show(sh, "Q"))).toContain("|cov:v2]");
    expect(quiet.screen()).not.toContain("covshim:");

    expect(covshim(home, ["off"]).code).toBe(0);
    const hand = hookedShell(sh, t, home, { env: { COVERAGE_PROCESS_START: "/my/own.rc" } });
    await hand.waitFor(/COVERAGE_PROCESS_START is set but covshim has nothing on/);
    // Left alone: covshim did not set it, so it does not unset it.
    expect(await hand.run(show(sh, "H"))).toContain("H[/my/own.rc|]");
  });
});

describe.each(SHELLS)("%s hook: the variable follows the recorder", (sh) => {
  it("COVSHIM_START for an install covshim's recorder measures, COVERAGE_PROCESS_START for coverage.py's; switching installs and off leave neither behind", async () => {
    const t = tempDir();
    const home = join(t, "covshim");
    const rec = venvPurePython(join(t, "v312"), PY312);
    const cov = venvWithCoverage(join(t, "v311"));
    const both = sh === "fish" ? `printf 'V[%s|%s]\\n' "$COVSHIM_START" "$COVERAGE_PROCESS_START"` : `printf 'V[%s|%s]\\n' "\${COVSHIM_START-}" "\${COVERAGE_PROCESS_START-}"`;
    const s = hookedShell(sh, t, home);
    await s.ready();
    s.type(`covshim enable ${rec}${and(sh)}${both}`);
    const rc1 = () => statusJson(home).installs.find((i) => i.path === rec)!.rcfile;
    await s.waitFor(/^V\[\/.*\|\]$/m);
    expect(s.screen()).toContain(`V[${rc1()}|]`);
    s.type("clear");
    await s.ready();
    s.type(`covshim enable ${cov}${and(sh)}${both}`);
    await s.waitFor(/^V\[\|\/.*\]$/m);
    expect(s.screen()).toContain(`V[|${statusJson(home).installs.find((i) => i.path === cov)!.rcfile}]`);
    s.type("clear");
    await s.ready();
    s.type(`covshim off${and(sh)}${both}`);
    await s.waitFor(/^V\[\|\]$/m);
  });
});

describe("fish hook without /proc (macOS has none)", () => {
  it("the left-on warning on the file's clock, the marker, no process per prompt", async () => {
    const t = tempDir();
    const home = join(t, "covshim");
    mkdirSync(join(home, "config"), { recursive: true });
    writeFileSync(join(home, "config", "config.json"), JSON.stringify({ warnAfter: "2s", warnEvery: "1h" }));
    const venv = venvWithCoverage(join(t, "venv"));
    const s = hookedShell("fish", t, home, { noProc: true });
    await s.ready();
    expect(await s.run("test -r /proc/uptime; or echo no-proc")).toContain("no-proc");
    s.type(`covshim enable ${venv} --name mac`);
    await s.waitFor(/^\(cov:mac\) \[0\]PROMPT> $/m);
    expect(await s.run(`echo "clock=$__covshim[8]"`)).toContain("clock=file");
    await new Promise((r) => setTimeout(r, 2500));
    await s.ready();
    await s.waitFor(/measurement has been on for 0 min \(cov:mac\)/);
    await s.ready();
    expect(s.screen().match(/has been on for/g)).toHaveLength(1);
    expect(await processesOver(s, 5, t, "noproc")).toEqual([]);
    expect(s.screen()).not.toMatch(/Unknown|error|No such file/i);
  });
});

describe.each(SHELLS)("%s hook and install scope", (sh) => {
  it("install scope: says at shell start that it is on, the marker shows and COVSHIM_PROMPT is set (no COVERAGE_PROCESS_START) until it expires, also in a shell already open; then says it has expired", async () => {
    const t = tempDir();
    const home = join(t, "covshim");
    const venv = venvWithCoverage(join(t, "venv"));
    // Long enough for a shell to start on a loaded machine before it expires.
    expect(covshim(home, ["enable", venv, "--name", "wide", "--scope", "install", "--for", "8s"]).code).toBe(0);
    const until = Date.parse(statusJson(home).installs[0]!.expires!);
    const on = hookedShell(sh, t, home);
    await on.waitFor(/install scope: every process of wide is measured until/);
    // Install scope needs no variable in the shell; the prompt says it is on.
    expect(await on.run(show(sh, "I"))).toContain("I[|cov:wide]");
    await on.waitFor(/\(cov:wide\) \[0\]PROMPT> $/m);
    await new Promise((r) => setTimeout(r, Math.max(0, until + 600 - Date.now())));
    // Expired with covshim not running: the open shell drops the marker at its next prompt.
    await on.ready();
    expect(await on.run(show(sh, "E"))).toContain("E[|]");
    await on.waitFor(/^\[0\]PROMPT> $/m);
    const later = hookedShell(sh, t, home);
    await later.waitFor(/install scope of wide has expired: nothing is measured; 'covshim off' removes the shim/);
    expect(covshim(home, ["off"]).code).toBe(0);
    const after = hookedShell(sh, t, home);
    await after.ready();
    expect(after.screen()).not.toContain("install scope");
  });
});
