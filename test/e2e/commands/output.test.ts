import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileAll, covshim, run, statusJson, tempDir } from "../../helpers/fixtures.js";
import { debianCoveragePython } from "../../helpers/tools.js";

/** A package that starts forked pool workers: coverage 7.x restarts in each, after mpapp was imported. */
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
      "    sys.stderr.write('done\\n')",
      "    sys.exit(3)",
      "",
    ].join("\n"),
  );
}

describe("the program's output is the program's", () => {
  it("--source naming an already-imported module (6.5, pool workers): measured and unmeasured runs write the same bytes; the warnings are logged and summarised", () => {
    const t = tempDir();
    const home = join(t, "home");
    const python = debianCoveragePython();
    const lib = join(t, "lib");
    mkdirSync(lib);
    // The install's own sitecustomize imports `helper` before coverage starts.
    writeFileSync(join(lib, "sitecustomize.py"), "import helper\n");
    writeFileSync(join(lib, "helper.py"), "X = 1\n");
    compileAll(python, lib);
    mpapp(t);
    const en = covshim(home, ["enable", lib, "--python", python, "--source", "helper,mpapp"]);
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
    expect(rep.stderr).toMatch(/\d+ warnings? from measured processes: module-not-measured: Module helper was previously imported, but not measured \(\d+×\)/);
    const doc = covshim(home, ["doctor", lib]);
    expect(doc.stdout).toMatch(/warn {2}\d+ warnings? from measured processes: module-not-measured/);
    expect(covshim(home, ["off"]).code).toBe(0);
  });
});
