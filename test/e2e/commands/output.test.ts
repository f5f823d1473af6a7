import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileAll, covshim, run, statusJson, tempDir, venvWithCoverage } from "../../helpers/fixtures.js";

/** A package that starts forked pool workers. */
function mpapp(dir: string): void {
  mkdirSync(join(dir, "mpapp"), { recursive: true });
  writeFileSync(join(dir, "mpapp", "__init__.py"), "");
  writeFileSync(
    join(dir, "mpapp", "main.py"),
    [
      "import multiprocessing, sys",
      "def work(x):",
      "    return x * 2",
      "if __name__ == '__main__':",
      "    with multiprocessing.get_context('fork').Pool(2) as pool:",
      "        print(pool.map(work, range(4)))",
      "    sys.settrace(None)",
      "    sys.stderr.write('done\\n')",
      "    sys.exit(3)",
      "",
    ].join("\n"),
  );
}

describe("the program's output is the program's", () => {
  // A program that takes the trace function for itself (a debugger or a
  // profiler of its own) makes coverage's Python tracer warn at exit.
  it("a program that replaces the trace function (coverage 7.x, pytrace, pool workers): measured and unmeasured runs write the same bytes; the warning is logged and summarised", () => {
    const t = tempDir();
    const home = join(t, "home");
    const python = join(venvWithCoverage(join(t, "venv")), "bin", "python");
    const lib = join(t, "lib");
    mkdirSync(lib);
    writeFileSync(join(lib, "sitecustomize.py"), "import os\n");
    compileAll(python, lib);
    mpapp(t);
    const en = covshim(home, ["enable", lib, "--python", python, "--source", "mpapp", "--core", "pytrace"]);
    expect(en.code, en.stderr).toBe(0);
    const rec = statusJson(home).installs[0]!;
    const env: NodeJS.ProcessEnv = { ...process.env, PYTHONPATH: lib };
    delete env.COVERAGE_PROCESS_START;
    const plain = run(python, ["-m", "mpapp.main"], env, t);
    const measured = run(python, ["-m", "mpapp.main"], { ...env, COVERAGE_PROCESS_START: rec.rcfile }, t);
    expect(plain).toMatchObject({ code: 3, stdout: "[0, 2, 4, 6]\n", stderr: "done\n" });
    expect(measured).toEqual(plain);
    const rep = covshim(home, ["report"]);
    expect(rep.code, rep.stderr).toBe(0);
    expect(rep.stdout).toContain(join("mpapp", "main.py"));
    expect(rep.stderr).toMatch(/1 warning from measured processes: warning: Trace function changed, data is likely wrong: None != .* \(1×\)/);
    const doc = covshim(home, ["doctor", lib]);
    expect(doc.stdout).toMatch(/warn {2}1 warning from measured processes: warning: Trace function changed/);
    expect(covshim(home, ["off"]).code).toBe(0);
  });
});
