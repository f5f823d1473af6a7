import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { covshim, tempDir, venvWithCoverage } from "../../helpers/fixtures.js";

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
});
