import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { covshim, run, statusJson, tempDir } from "../../helpers/fixtures.js";
import { dirInstall, venvInstall } from "../../helpers/installs.js";
import { pyenvPython, PY311 } from "../../helpers/tools.js";

const PROGRAM = "import sys\nprint('out')\nsys.stderr.write('err\\n')\nsys.exit(5)\n";

/** The program's own output and exit code, plus at most `lines` covshim lines on stderr. */
function same(r: { code: number; stdout: string; stderr: string }, lines: number, what: string) {
  expect(r.code, what).toBe(5);
  expect(r.stdout, what).toBe("out\n");
  const extra = r.stderr.split("\n").filter((l) => l && l !== "err");
  expect(extra.length, `${what}: ${r.stderr}`).toBeLessThanOrEqual(lines);
  for (const l of extra) expect(l, what).toMatch(/^covshim: /);
  expect(r.stderr, what).not.toContain("Traceback");
}

describe("Python never breaks", () => {
  it("coveragerc missing or invalid, data directory unwritable, coverage broken or absent, -E and -I", () => {
    const t = tempDir();
    const home = join(t, "home");
    const { path: lib, python } = dirInstall(t);
    const prog = join(t, "prog.py");
    writeFileSync(prog, PROGRAM);
    expect(covshim(home, ["enable", lib, "--python", python]).code).toBe(0);
    const rec = statusJson(home).installs[0]!;
    const env = { ...process.env, PYTHONPATH: lib, COVERAGE_PROCESS_START: rec.rcfile };
    same(run(python, [prog], env), 0, "measured, all well");

    same(run(python, [prog], { ...env, COVERAGE_PROCESS_START: join(t, "missing.rc") }), 1, "rcfile missing");
    const bad = join(t, "bad.rc");
    writeFileSync(bad, "[run]\nparallel = True\n[run]\nx = 1\n");
    same(run(python, [prog], { ...env, COVERAGE_PROCESS_START: bad }), 1, "rcfile with two [run] sections");
    const garbage = join(t, "garbage.rc");
    writeFileSync(garbage, "\u0000\u0001 not ini at all [[[");
    same(run(python, [prog], { ...env, COVERAGE_PROCESS_START: garbage }), 1, "rcfile garbage");

    // Data directory replaced by a file: every save fails.
    rmSync(rec.dataDir, { recursive: true });
    writeFileSync(rec.dataDir, "not a directory");
    same(run(python, [prog], env), 1, "data directory unwritable");
    rmSync(rec.dataDir);
    mkdirSync(rec.dataDir);

    // Another interpreter sharing the PYTHONPATH: pyenv 3.11 has no coverage at all.
    const other = pyenvPython(PY311);
    same(run(other, [prog], env), 0, "coverage absent: silent");
    // coverage present but broken.
    const broken = join(t, "broken");
    mkdirSync(join(broken, "coverage"), { recursive: true });
    writeFileSync(join(broken, "coverage", "__init__.py"), "raise RuntimeError('half-installed coverage')\n");
    same(run(other, [prog], { ...env, PYTHONPATH: `${lib}:${broken}` }), 1, "coverage broken");

    // -E ignores PYTHONPATH (the shim is not reached); -I too; neither breaks.
    same(run(python, ["-E", prog], env), 0, "python -E");
    same(run(python, ["-I", prog], env), 0, "python -I");
    expect(covshim(home, ["off"]).code).toBe(0);
  });

  it("venv: .pth shim with the variable pointing nowhere, the rcfile deleted, install scope expired", async () => {
    const t = tempDir();
    const home = join(t, "home");
    const v = venvInstall(t);
    const prog = join(t, "prog.py");
    writeFileSync(prog, PROGRAM);
    // On for longer than any of these runs takes, however loaded the machine.
    expect(covshim(home, ["enable", v.path, "--scope", "install", "--for", "1h"]).code).toBe(0);
    const rec = statusJson(home).installs[0]!;
    same(run(v.python, [prog], { ...process.env }), 0, "install scope on");
    same(run(v.python, [prog], { ...process.env, COVERAGE_PROCESS_START: "/nonexistent/rc" }), 1, "variable points nowhere");
    rmSync(rec.rcfile);
    same(run(v.python, [prog], { ...process.env }), 1, "install scope, rcfile deleted");
    // Expired: waited for from the real expiry time, not a fixed sleep.
    expect(covshim(home, ["enable", v.path, "--scope", "install", "--for", "2s"]).code).toBe(0);
    const expires = Date.parse(statusJson(home).installs[0]!.expires!);
    while (Date.now() <= expires + 50) await new Promise((r) => setTimeout(r, 100));
    const files = () => readdirSync(rec.dataDir).filter((n) => n.startsWith(".coverage.")).length;
    const before = files();
    same(run(v.python, [prog], { ...process.env }), 0, "install scope expired");
    expect(files(), "an expired install measures nothing").toBe(before);
    expect(covshim(home, ["off"]).code).toBe(0);
  });
});
