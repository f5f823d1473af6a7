import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { covshim, tempDir, venvWithCoverage } from "../../helpers/fixtures.js";

describe("doctor", () => {
  it("names a stray variable, hand-procedure leftovers in TMPDIR and an old pytest-cov hook, each with a fix", () => {
    const t = tempDir();
    const venv = venvWithCoverage(join(t, "venv"));
    writeFileSync(join(venv, "lib", "python3.11", "site-packages", "pytest-cov.pth"), "import os\n");
    writeFileSync(join(t, "coverage-data.host.1.2"), "");
    const r = covshim(join(t, "home"), ["doctor", venv], { TMPDIR: t, COVERAGE_PROCESS_START: "/etc/hand.rc" });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("COVERAGE_PROCESS_START=/etc/hand.rc is set, not by covshim");
    expect(r.stdout).toContain(`1 data files of the hand procedure in ${t}`);
    expect(r.stdout).toMatch(/pytest-cov\.pth: an old pytest-cov hook[^\n]*\n\s+fix: rm /);
    expect(r.stdout).toContain("a1_coverage.pth: coverage's own hook");
    expect(r.stdout).toContain("core auto would use ctrace");
  });

  it("exits 1 with the fix when coverage is missing", () => {
    const t = tempDir();
    const venv = venvWithCoverage(join(t, "venv"), false);
    const r = covshim(join(t, "home"), ["doctor", venv], { TMPDIR: t });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`fix: ${venv}/bin/python -m pip install coverage`);
  });
});
