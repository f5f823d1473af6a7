import { mkdirSync, renameSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { covshim, tempDir, venvWithCoverage } from "../../helpers/fixtures.js";
import { gpdb7 } from "../../helpers/gpdb.js";
import { PY311, pyenvPython } from "../../helpers/tools.js";

describe("doctor", () => {
  it("names a stray variable, hand-procedure leftovers in TMPDIR and other coverage starters, each with a fix", () => {
    const t = tempDir();
    const venv = venvWithCoverage(join(t, "venv"));
    const site = join(venv, "lib", "python3.11", "site-packages");
    // The shapes of pytest-cov's and coverage-enable-subprocess's hooks.
    writeFileSync(join(site, "pytest-cov.pth"), "import os, sys;exec('if \\'COV_CORE_SOURCE\\' in os.environ:\\n try:\\n  from pytest_cov.embed import init\\n  init()\\n except Exception:\\n  pass')\n");
    writeFileSync(join(site, "coverage_enable_subprocess.pth"), "import coverage; coverage.process_startup()\n");
    writeFileSync(join(site, "unrelated.pth"), "import os\n");
    writeFileSync(join(t, "coverage-data.host.1.2"), "");
    const r = covshim(join(t, "home"), ["doctor", venv], { TMPDIR: t, COVERAGE_PROCESS_START: "/etc/hand.rc" });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("COVERAGE_PROCESS_START=/etc/hand.rc is set, not by covshim");
    expect(r.stdout).toContain(`1 data files of the hand procedure in ${t}`);
    expect(r.stdout).toMatch(/pytest-cov\.pth: pytest-cov's hook starts coverage in the subprocesses of 'pytest --cov' runs[^\n]*\n\s+fix: run pytest without --cov/);
    expect(r.stdout).toMatch(/coverage_enable_subprocess\.pth starts coverage whenever COVERAGE_PROCESS_START is set[^\n]*\n\s+fix: rm /);
    expect(r.stdout).not.toContain("unrelated.pth");
    expect(r.stdout).toContain("a1_coverage.pth: coverage's own start-up hook");
    expect(r.stdout).toContain("recorder: coverage.py, core ctrace (Python 3.11.7 has no sys.monitoring, which came in 3.12)");
  });

  it("exits 1 with the fix when coverage is missing", () => {
    const t = tempDir();
    const venv = venvWithCoverage(join(t, "venv"), false);
    const r = covshim(join(t, "home"), ["doctor", venv], { TMPDIR: t });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`fix: ${venv}/bin/python -m pip install coverage`);
  });

  it("probes the interpreter enable would use now (python3 on PATH for GPDB 7) and says when the install was enabled with another", () => {
    const t = tempDir();
    const home = join(t, "home");
    const { gphome } = gpdb7(t);
    // As on a real GPDB 7 host, python3 is the system's, not in $GPHOME/bin.
    const system = join(t, "usrbin");
    mkdirSync(system);
    const python = join(system, "python3");
    renameSync(join(gphome, "bin", "python3"), python);
    // pyenv's 3.11 has no coverage: first on PATH, enable would take it and fail.
    const other = join(t, "otherbin");
    mkdirSync(other);
    symlinkSync(pyenvPython(PY311), join(other, "python3"));
    const good = { PATH: `${system}:${process.env.PATH}` };
    const bad = { PATH: `${other}:${system}:${process.env.PATH}` };
    const en = covshim(home, ["enable", gphome], good);
    expect(en.code, en.stderr).toBe(0);
    expect(covshim(home, ["doctor", gphome], good)).toMatchObject({ code: 0 });
    const d = covshim(home, ["doctor", gphome], bad);
    // What enable says on that PATH, doctor says too.
    const e = covshim(home, ["enable", gphome], bad);
    expect(e.code).toBe(1);
    expect(d.code).toBe(1);
    expect(d.stdout).toContain(`Python 3.11.7 (${join(other, "python3")})`);
    expect(d.stdout).toContain(`enabled with ${python}, but enable would now use ${join(other, "python3")} (python3 on this shell's PATH)`);
    expect(d.stdout).toContain("coverage is not importable");
    expect(covshim(home, ["off"], good).code).toBe(0);
  });
});
