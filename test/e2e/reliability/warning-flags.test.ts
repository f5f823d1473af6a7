import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { covshim, run, statusJson, tempDir, venvPurePython, venvWithCoverage } from "../../helpers/fixtures.js";
import { dirInstall } from "../../helpers/installs.js";
import { PY312, need } from "../../helpers/tools.js";

/**
 * Test suites run with warnings shown or made errors: a measured program's
 * stderr is byte for byte the unmeasured one's under -X dev, -W default and
 * -W error (the shim's loader once left a file open: a ResourceWarning in
 * every process), and the loader reads the shim's module once per process,
 * also in a venv whose .pth site.py reads twice (lib64 links to lib).
 */
const PROGRAM = "import sys, warnings\nprint('out')\nsys.stderr.write('err\\n')\nsys.exit(3)\n";
const FLAGS = [["-X", "dev"], ["-W", "default"], ["-W", "error"]];

function check(python: string, env: NodeJS.ProcessEnv, prog: string, module: string, t: string, expectFile: (n: number) => void) {
  const plain = { ...env };
  delete plain.COVERAGE_PROCESS_START;
  for (const flags of FLAGS) {
    const a = run(python, [...flags, prog], plain);
    const b = run(python, [...flags, prog], env);
    expect(a).toMatchObject({ code: 3, stdout: "out\n", stderr: "err\n" });
    expect(b, `${python} ${flags.join(" ")}`).toEqual(a);
  }
  // The loader opens the shim's compiled module once per process.
  const trace = join(t, `trace-${Math.random().toString(36).slice(2)}`);
  expect(run(need("strace"), ["-f", "-e", "trace=openat", "-o", trace, python, prog], env).code).toBe(3);
  const opened = readFileSync(trace, "utf8").split("\n").filter((l) => l.includes(module.replace(/\.py$/, ".")) && !l.includes("ENOENT")).length;
  expectFile(opened);
}

describe("measured processes under -X dev, -W default, -W error", () => {
  for (const [label, make] of [
    ["venv, covshim's recorder (3.12)", (t: string) => ({ path: venvPurePython(join(t, "venv"), PY312), args: [] as string[] })],
    ["venv, coverage.py's collector (3.11, C tracer)", (t: string) => ({ path: venvWithCoverage(join(t, "venv")), args: [] as string[] })],
    ["venv, coverage.py's collector on 3.12 (--core sysmon)", (t: string) => ({ path: venvPurePython(join(t, "venv"), PY312), args: ["--core", "sysmon"] })],
  ] as const) {
    it(`${label}: stderr byte-identical, the loader read once`, () => {
      const t = tempDir();
      const home = join(t, "home");
      const { path, args } = make(t);
      const prog = join(t, "prog.py");
      writeFileSync(prog, PROGRAM);
      expect(covshim(home, ["enable", path, ...args]).code).toBe(0);
      const rec = statusJson(home).installs[0]!;
      check(join(path, "bin", "python"), { ...process.env, COVERAGE_PROCESS_START: rec.rcfile }, prog, join(rec.rcfile, "..", "shim.py"), t, (n) => expect(n).toBe(1));
      expect(covshim(home, ["off"]).code).toBe(0);
    });
  }

  it("directory install (sitecustomize.py block), Debian's Python with coverage 6.5: stderr byte-identical, the loader read once", () => {
    const t = tempDir();
    const home = join(t, "home");
    const { path, python } = dirInstall(t);
    const prog = join(t, "prog.py");
    writeFileSync(prog, PROGRAM);
    expect(covshim(home, ["enable", path, "--python", python]).code).toBe(0);
    const rec = statusJson(home).installs[0]!;
    check(python, { ...process.env, PYTHONPATH: path, COVERAGE_PROCESS_START: rec.rcfile }, prog, join(rec.rcfile, "..", "shim.py"), t, (n) => expect(n).toBe(1));
    expect(covshim(home, ["off"]).code).toBe(0);
  });
});
