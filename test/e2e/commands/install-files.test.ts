import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileAll, covshim, run, statusJson, tempDir } from "../../helpers/fixtures.js";
import { gpdb7 } from "../../helpers/gpdb.js";
import { debianCoveragePython, pyenvPython, PY311 } from "../../helpers/tools.js";
import { hashTree, treeDiff } from "../../../src/fs/treehash.js";

describe("what else is in the install", () => {
  it("the hand procedure's process_startup() in sitecustomize.py: doctor names it, enable disables it while on (one start), off puts it back", () => {
    const python = debianCoveragePython();
    const t = tempDir();
    const home = join(t, "home");
    const lib = join(t, "lib");
    mkdirSync(lib);
    const hand = "import os\nimport coverage; coverage.process_startup()\nos.environ.setdefault('HAND_RAN', '1')\n";
    writeFileSync(join(lib, "sitecustomize.py"), hand);
    compileAll(python, lib);
    const before = hashTree(lib);
    const doc = covshim(home, ["doctor", lib, "--python", python]);
    expect(doc.stdout).toMatch(new RegExp(`warn {2}${lib}/sitecustomize.py starts coverage itself \\(the hand procedure's coverage.process_startup\\(\\), line 2\\)[^\\n]*\\n\\s+fix: remove line 2 of ${lib}/sitecustomize.py`));
    const en = covshim(home, ["enable", lib, "--python", python]);
    expect(en.code, en.stderr).toBe(0);
    expect(en.stderr).toContain("the hand procedure's coverage.process_startup(), line 2");
    const on = readFileSync(join(lib, "sitecustomize.py"), "utf8");
    expect(on).toContain("pass  # covshim-disabled: import coverage; coverage.process_startup()\n");
    const rec = statusJson(home).installs[0]!;
    const prog = join(t, "prog.py");
    writeFileSync(prog, "import os, sys\nprint(os.environ.get('HAND_RAN'))\n");
    const r = run(python, [prog], { ...process.env, PYTHONPATH: lib, COVERAGE_PROCESS_START: rec.rcfile }, t);
    expect(r).toMatchObject({ code: 0, stdout: "1\n", stderr: "" });
    const rep = covshim(home, ["report", "--json", join(t, "r.json")]);
    expect(rep.code, rep.stderr).toBe(0);
    const files = Object.keys(JSON.parse(readFileSync(join(t, "r.json"), "utf8")).files);
    expect(files).toEqual([prog]);
    expect(covshim(home, ["off"]).code).toBe(0);
    expect(readFileSync(join(lib, "sitecustomize.py"), "utf8")).toBe(hand);
    expect(treeDiff(before, hashTree(lib))).toEqual([]);
  });

  it("a sitecustomize.py covshim creates runs the one it shadows (Debian's, which loads apport's hook)", () => {
    const python = debianCoveragePython();
    const t = tempDir();
    const home = join(t, "home");
    const lib = join(t, "lib");
    const hooks = join(t, "hooks");
    mkdirSync(lib);
    mkdirSync(hooks);
    // Debian's /etc/python3.X/sitecustomize.py imports apport_python_hook and calls install(); a stand-in records the call.
    writeFileSync(join(hooks, "apport_python_hook.py"), "import os\ndef install():\n    os.environ['APPORT_HOOK'] = 'installed'\n");
    const prog = join(t, "prog.py");
    writeFileSync(prog, "import os\nprint(os.environ.get('APPORT_HOOK'))\n");
    const env: NodeJS.ProcessEnv = { ...process.env, PYTHONPATH: `${lib}:${hooks}` };
    delete env.COVERAGE_PROCESS_START;
    expect(run(python, [prog], env, t).stdout).toBe("installed\n");
    expect(covshim(home, ["enable", lib, "--python", python]).code).toBe(0);
    const rec = statusJson(home).installs[0]!;
    expect(run(python, [prog], env, t)).toMatchObject({ code: 0, stdout: "installed\n", stderr: "" });
    expect(run(python, [prog], { ...env, COVERAGE_PROCESS_START: rec.rcfile }, t)).toMatchObject({ code: 0, stdout: "installed\n", stderr: "" });
    expect(covshim(home, ["off"]).code).toBe(0);
  });

  it("GPDB 7: the default report is the install's own code (gpMgmt's directories), never the shim; --fail-under on it", () => {
    const t = tempDir();
    const home = join(t, "home");
    const { gphome } = gpdb7(t);
    const env = { PATH: `${gphome}/bin:${process.env.PATH}` };
    const en = covshim(home, ["enable", gphome], env);
    expect(en.code, en.stderr).toBe(0);
    // This layout has no sbin (test/e2e/figures.test.ts has one that does).
    expect(en.stderr).toContain(`reports cover ${gphome}/lib/python, ${gphome}/bin (gpMgmt's Python in this GPDB install, the default`);
    const rec = statusJson(home).installs[0]!;
    const sh = `. ${gphome}/greenplum_path.sh; gpsegwork 3 h1`;
    expect(run("bash", ["-c", sh], { ...process.env, COVERAGE_PROCESS_START: rec.rcfile }, t)).toMatchObject({ code: 0, stderr: "" });
    const rep = covshim(home, ["report", "--json", join(t, "r.json")], env);
    expect(rep.code, rep.stderr).toBe(0);
    const j = JSON.parse(readFileSync(join(t, "r.json"), "utf8"));
    expect(Object.keys(j.files).sort()).toEqual([join(gphome, "bin", "gpsegwork"), join(gphome, "lib", "python", "gppylib", "__init__.py"), join(gphome, "lib", "python", "gppylib", "util.py")]);
    const total = j.totals.percent_covered as number;
    expect(covshim(home, ["report", "--fail-under", String(Math.floor(total))], env).code).toBe(0);
    const fail = covshim(home, ["report", "--fail-under", String(Math.ceil(total) + 1)], env);
    expect(fail.code).toBe(1);
    expect(fail.stderr).toContain(`is below --fail-under ${Math.ceil(total) + 1}`);
    expect(covshim(home, ["off"]).code).toBe(0);
  });

  it("nothing measured, and why: another python3 first on PATH, greenplum_path.sh not sourced", () => {
    const t = tempDir();
    const home = join(t, "home");
    const { gphome, python } = gpdb7(t);
    const before = hashTree(gphome);
    expect(covshim(home, ["enable", gphome, "--python", python]).code).toBe(0);
    const rec = statusJson(home).installs[0]!;
    // The shell this user reports from never sourced greenplum_path.sh.
    const r1 = covshim(home, ["report"], { COVERAGE_PROCESS_START: rec.rcfile });
    expect(r1.code).toBe(1);
    expect(r1.stderr.trim()).toBe(`covshim: no data yet for gpdb7: ${gphome}/lib/python is not on this shell's PYTHONPATH: source ${gphome}/greenplum_path.sh before running the tests; 'covshim doctor gpdb7' checks the install`);
    // greenplum_path.sh sourced, but pyenv's python3 (no coverage) comes first on PATH.
    const other = join(t, "otherbin");
    mkdirSync(other);
    symlinkSync(pyenvPython(PY311), join(other, "python3"));
    const r2 = covshim(home, ["report"], { COVERAGE_PROCESS_START: rec.rcfile, PYTHONPATH: `${gphome}/lib/python`, PATH: `${other}:${gphome}/bin:${process.env.PATH}` });
    expect(r2.code).toBe(1);
    expect(r2.stderr).toContain(`python3 on this shell's PATH is ${join(other, "python3")}, not ${python} that covshim enabled`);
    const st = statusJson(home, { COVERAGE_PROCESS_START: rec.rcfile });
    expect(st.warnings.join("\n")).toContain("gpdb7: nothing measured yet, and");
    expect(covshim(home, ["off"]).code).toBe(0);
    expect(treeDiff(before, hashTree(gphome))).toEqual([]);
  });
});
