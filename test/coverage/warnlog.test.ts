import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readWarnings, warningSummary, warningsLog } from "../../src/coverage/warnlog.js";

describe("the warnings measured processes logged", () => {
  it("grouped by kind and message, most frequent first, coverage's slug and link taken off the message", () => {
    const d = mkdtempSync(join(tmpdir(), "covshim-warnlog-"));
    try {
      expect(readWarnings(d)).toEqual([]);
      writeFileSync(
        warningsLog(d),
        [
          "11 module-not-measured Module mpapp was previously imported, but not measured (module-not-measured); see https://coverage.readthedocs.io/messages.html",
          "12 module-not-measured Module mpapp was previously imported, but not measured (module-not-measured); see https://coverage.readthedocs.io/messages.html",
          "13 - Something else",
          "not a line of the log",
          "",
        ].join("\n"),
      );
      const groups = readWarnings(d);
      expect(groups).toEqual([
        { slug: "module-not-measured", message: "Module mpapp was previously imported, but not measured", count: 2 },
        { slug: "-", message: "Something else", count: 1 },
      ]);
      expect(warningSummary(groups)).toBe("3 warnings from measured processes: module-not-measured: Module mpapp was previously imported, but not measured (2×); Something else (1×)");
      expect(warningSummary(groups, 1)).toContain("; and 1 more kinds in warnings.log");
      expect(warningSummary([])).toBeUndefined();
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
});
