import { cpSync, mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { COVERAGE55 } from "../../helpers/gpdb.js";
import { covshim, run, statusJson, tempDir, venvWithCoverage, venvPurePython } from "../../helpers/fixtures.js";
import { debianCoveragePython, PY312, PY27, pyenvPython } from "../../helpers/tools.js";
import { hashTree, treeDiff } from "../../../src/fs/treehash.js";
import { dataFileCount, marksIn, marksThroughReport, runApp } from "../../helpers/measure.js";

const ALL_PROCESSES = ["fork-pool-worker", "spawn-process", "main", "subprocess-child", "os.system-child", "grandchild", "exec-image"];

describe("enable/off with real interpreters and real coverage", () => {
  it("dir kind: /usr/bin/python3 with Debian's coverage 6.5, an existing sitecustomize.py kept working and restored", () => {
    const py = debianCoveragePython();
    const t = tempDir();
    const home = join(t, "home");
    const lib = join(t, "lib");
    mkdirSync(lib);
    const original = "# user's own sitecustomize\nimport os\nos.environ['USER_SITECUSTOMIZE'] = 'ran'"; // no trailing newline on purpose
    writeFileSync(join(lib, "sitecustomize.py"), original);
    // Python compiles it once before covshim comes: the cached .pyc must come back too.
    run(py, ["-c", "pass"], { ...process.env, PYTHONPATH: lib });
    const before = hashTree(lib);

    const en = covshim(home, ["enable", lib, "--python", py, "--name", "gp"], { PYTHONPATH: lib });
    expect(en.stderr).toContain("measuring gp (dir, Python 3.11");
    expect(en.code).toBe(0);
    const st = statusJson(home);
    expect(st.installs[0]).toMatchObject({ name: "gp", kind: "dir", enabled: true, scope: "shell", core: "ctrace", coverageVersion: "6.5.0", expires: null });
    expect(readFileSync(join(lib, "sitecustomize.py"), "utf8").startsWith(original)).toBe(true);
    const rc = readFileSync(st.installs[0]!.rcfile, "utf8");
    expect(rc.match(/^\[run\]/gm)).toHaveLength(1);
    // Before 7.10 the shim, not coverage's multiprocessing patch, measures the
    // children (starter.py): the patch would save only at the child's normal end.
    expect(rc).not.toMatch(/^concurrency/m);

    const env = { ...process.env, PYTHONPATH: lib, COVERAGE_PROCESS_START: st.installs[0]!.rcfile };
    const app = join(t, "app");
    const probe = run(py, ["-c", "import os; print(os.environ.get('USER_SITECUSTOMIZE'))"], env);
    expect(probe.stdout.trim()).toBe("ran");
    runApp(py, app, env);
    const marks = marksIn(py, st.installs[0]!.rcfile, st.installs[0]!.dataDir, app, t);
    for (const p of ALL_PROCESSES) expect(marks[p], p).toBe(true);

    const off = covshim(home, ["off"]);
    expect(off.code).toBe(0);
    expect(off.stderr).toContain("off: gp");
    expect(treeDiff(before, hashTree(lib))).toEqual([]);
    const n = dataFileCount(st.installs[0]!.dataDir);
    runApp(py, app, env);
    expect(dataFileCount(st.installs[0]!.dataDir)).toBe(n);
    const again = covshim(home, ["off"]);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain("nothing is on");
  });

  it("venv kind: pyenv 3.11 venv with coverage 7.x from pip, exec'd processes saved too", () => {
    const t = tempDir();
    const home = join(t, "home");
    const venv = venvWithCoverage(join(t, "venv"));
    const py = join(venv, "bin", "python");
    const before = hashTree(venv);
    const en = covshim(home, ["enable"], { VIRTUAL_ENV: venv });
    expect(en.stderr).toContain("(venv, Python 3.11.7, coverage 7.");
    expect(en.code).toBe(0);
    const rec = statusJson(home).installs[0]!;
    expect(rec.shim).toBe(join(venv, "lib", "python3.11", "site-packages", "a0_covshim.pth"));
    expect(readFileSync(rec.rcfile, "utf8")).not.toMatch(/^patch =/m);
    const app = join(t, "app");
    runApp(py, app, { ...process.env, COVERAGE_PROCESS_START: rec.rcfile });
    const marks = marksIn(py, rec.rcfile, rec.dataDir, app, t);
    for (const p of [...ALL_PROCESSES, "before-exec"]) expect(marks[p], p).toBe(true);
    expect(covshim(home, ["off", venv]).code).toBe(0);
    expect(treeDiff(before, hashTree(venv))).toEqual([]);
    const n = dataFileCount(rec.dataDir);
    // coverage's own a1_coverage.pth still reacts to the variable: after off, covshim's shell hooks unset it.
    runApp(py, app, { ...process.env });
    expect(dataFileCount(rec.dataDir)).toBe(n);
  });

  it("on Python 3.12 auto is covshim's recorder, --core sysmon is coverage.py's sysmon core, and the processes are measured with either", () => {
    const t = tempDir();
    const home = join(t, "home");
    const venv = venvPurePython(join(t, "venv"), PY312);
    const en = covshim(home, ["enable", venv]);
    expect(en.code, en.stderr).toBe(0);
    expect(en.stderr).toContain("recorder: covshim's own (Python 3.12");
    let rec = statusJson(home).installs[0]!;
    expect(rec.recorder).toBe("covshim");
    // The coveragerc stays coverage.py's (reports, other interpreters): sysmon.
    expect(readFileSync(rec.rcfile, "utf8")).toContain("core = sysmon");
    const app = join(t, "app");
    const py = join(venv, "bin", "python");
    runApp(py, app, { ...process.env, COVERAGE_PROCESS_START: rec.rcfile });
    let marks = marksThroughReport(home, app, t);
    for (const p of [...ALL_PROCESSES, "before-exec"]) expect(marks[p], p).toBe(true);
    const sm = covshim(home, ["enable", venv, "--core", "sysmon"]);
    expect(sm.code, sm.stderr).toBe(0);
    expect(sm.stderr).toContain("recorder: coverage.py, core sysmon (--core sysmon names coverage.py's core)");
    rec = statusJson(home).installs[0]!;
    expect(rec).toMatchObject({ recorder: "coverage", core: "sysmon" });
    runApp(py, app, { ...process.env, COVERAGE_PROCESS_START: rec.rcfile });
    marks = marksIn(py, rec.rcfile, rec.dataDir, app, t);
    for (const p of ALL_PROCESSES) expect(marks[p], p).toBe(true);
    // with --branch before 3.14, auto falls back to ctrace-less pytrace here (no C tracer in this venv) and says so
    const br = covshim(home, ["enable", venv, "--branch"]);
    expect(br.code, br.stderr).toBe(0);
    expect(statusJson(home).installs[0]!.core).toBe("pytrace");
    expect(br.stderr).toContain("10-30x slower");
    expect(covshim(home, ["off"]).code).toBe(0);
  });

  it("moves the previous run's data aside unless --append", () => {
    const t = tempDir();
    const home = join(t, "home");
    const venv = venvWithCoverage(join(t, "venv"));
    expect(covshim(home, ["enable", venv]).code).toBe(0);
    const rec = statusJson(home).installs[0]!;
    writeFileSync(join(rec.dataDir, ".coverage.host.1.1"), "x");
    const appended = covshim(home, ["enable", venv, "--append"]);
    expect(appended.code).toBe(0);
    expect(existsSync(join(rec.dataDir, ".coverage.host.1.1"))).toBe(true);
    const again = covshim(home, ["enable", venv]);
    expect(again.code).toBe(0);
    const m = /moved aside to (\S+)/.exec(again.stderr);
    expect(m).not.toBeNull();
    expect(existsSync(join(m![1]!, ".coverage.host.1.1"))).toBe(true);
    expect(existsSync(join(rec.dataDir, ".coverage.host.1.1"))).toBe(false);
  });

  it("shell scope: enabling a second install turns the first off and says so", () => {
    const t = tempDir();
    const home = join(t, "home");
    const a = venvWithCoverage(join(t, "a"));
    const b = venvWithCoverage(join(t, "b"));
    const hashA = hashTree(a);
    expect(covshim(home, ["enable", a]).code).toBe(0);
    const r = covshim(home, ["enable", b]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("turned off a");
    const st = statusJson(home);
    expect(st.installs.filter((i) => i.enabled).map((i) => i.name)).toEqual(["b"]);
    expect(treeDiff(hashA, hashTree(a))).toEqual([]);
    expect(covshim(home, ["status", "--check"]).code).toBe(1);
    expect(covshim(home, ["off"]).code).toBe(0);
    expect(covshim(home, ["status", "--check"]).code).toBe(0);
  });

  it("--rcfile: a coveragerc with two [run] sections is refused with its line, nothing written", () => {
    const t = tempDir();
    const home = join(t, "home");
    const venv = venvWithCoverage(join(t, "venv"));
    const rc = join(t, "bad.rc");
    writeFileSync(rc, "[run]\nparallel = True\n\n[run]\nomit = x\n");
    const before = hashTree(venv);
    const r = covshim(home, ["enable", venv, "--rcfile", rc]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/DuplicateSectionError at line 4/);
    expect(treeDiff(before, hashTree(venv))).toEqual([]);
    const good = join(t, "good.rc");
    writeFileSync(good, `[run]\nparallel = True\ndata_file = ${t}/mydata/.coverage\n`);
    const ok = covshim(home, ["enable", venv, "--rcfile", good]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(statusJson(home).installs[0]).toMatchObject({ rcfile: good, dataDir: join(t, "mydata") });
  });
});

describe("Python 2.7: the shim with coverage 5.5's API (the stand-in in test/fixtures/coverage55: coverage 5.5 cannot be installed here)", () => {
  it("starts coverage (process_startup() without arguments) only when wanted, silent without coverage, in the block and the .pth form", async () => {
    const { shimModules, renderLoader, renderBlock, renderPth } = await import("../../../src/shim/render.js");
    const py = pyenvPython(PY27);
    const t = tempDir();
    const lib = join(t, "lib");
    const stub = join(t, "stub");
    const data = join(t, "data");
    for (const d of [lib, stub, data]) mkdirSync(d);
    cpSync(COVERAGE55, join(stub, "coverage"), { recursive: true });
    const [x, y] = [join(t, "x.rc"), join(t, "y.rc")];
    writeFileSync(x, `[run]\nparallel = True\ndata_file = ${data}/.coverage\n`);
    writeFileSync(y, `[run]\nparallel = True\ndata_file = ${data}/.coverage\n`);
    // The shim's modules as enable writes them, without a compiled copy: Python 2 compiles the text.
    const write = (home: string, rcfile: string) => {
      mkdirSync(home);
      for (const [path, text] of Object.entries(shimModules(home, { rcfile, dataDir: data, expiresEpoch: 0 }))) writeFileSync(path, text);
      return join(home, "shim.py");
    };
    const [mx, my] = [write(join(t, "x"), x), write(join(t, "y"), y)];
    writeFileSync(join(lib, "sitecustomize.py"), renderBlock(renderLoader(mx)));
    const base = { PATH: process.env.PATH };
    const off = run(py, ["-c", "print('hi')"], { ...base, PYTHONPATH: `${lib}:${stub}` });
    expect(off).toMatchObject({ code: 0, stdout: "hi\n", stderr: "" });
    expect(dataFileCount(data)).toBe(0);
    const on = run(py, ["-c", "import sys; sys.exit(3)"], { ...base, PYTHONPATH: `${lib}:${stub}`, COVERAGE_PROCESS_START: x });
    expect(on).toMatchObject({ code: 3, stderr: "" });
    expect(dataFileCount(data)).toBe(1);
    const missing = run(py, ["-c", "print('ok')"], { ...base, PYTHONPATH: lib, COVERAGE_PROCESS_START: x });
    expect(missing).toMatchObject({ code: 0, stdout: "ok\n", stderr: "" });
    // The .pth form, through site.addsitedir as site-packages would.
    const site = join(t, "site");
    mkdirSync(site);
    writeFileSync(join(site, "a0_covshim.pth"), renderPth(renderLoader(my)));
    const pth = run(py, ["-c", `import site; site.addsitedir(${JSON.stringify(site)})`], { ...base, PYTHONPATH: stub, COVERAGE_PROCESS_START: y });
    expect(pth.stderr).toBe("");
    expect(dataFileCount(data)).toBe(2);
  });
});
