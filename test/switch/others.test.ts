import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Probe } from "../../src/install/probe.js";
import { otherStarters } from "../../src/switch/others.js";

const probe = (coveragePths: string[]) => ({ coveragePths }) as unknown as Probe;

describe("other things that start coverage in the install's processes", () => {
  it("the hand procedure's line in the sitecustomize.py, with its line number and fix", () => {
    const d = mkdtempSync(join(tmpdir(), "covshim-starters-"));
    try {
      const site = join(d, "sitecustomize.py");
      writeFileSync(site, "import os\nimport coverage; coverage.process_startup()\n");
      const [s] = otherStarters(probe([]), site);
      expect(s!.fine).toBe(false);
      expect(s!.text).toContain("line 2");
      expect(s!.fix).toBe(`remove line 2 of ${site} and let covshim start coverage`);
      expect(otherStarters(probe([]), join(d, "none.py"))).toEqual([]);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  it(".pth hooks: coverage's own is fine, pytest-cov's and others are named with a fix", () => {
    const got = otherStarters(probe(["/sp/a1_coverage.pth", "/sp/pytest-cov.pth", "/sp/coverage_hook.pth"]), undefined);
    expect(got.map((s) => s.fine)).toEqual([true, false, false]);
    expect(got[1]!.fix).toBe("run pytest without --cov while covshim is on");
    expect(got[2]!.fix).toBe("rm /sp/coverage_hook.pth (covshim does the same, and turns it off)");
  });
});
