import { describe, expect, it } from "vitest";
import { diffReports, renderDiff } from "../../src/coverage/diff.js";
import { sourceMoves } from "../../src/coverage/moves.js";
import type { CovJson } from "../../src/coverage/report.js";

/** A coverage JSON of one file per entry: its statements and the lines that ran. */
const report = (files: Record<string, { statements: number[]; ran: number[] }>): CovJson => ({
  files: Object.fromEntries(
    Object.entries(files).map(([f, v]) => [f, { executed_lines: v.ran, missing_lines: v.statements.filter((l) => !v.ran.includes(l)), summary: { num_statements: v.statements.length, covered_lines: v.ran.length, percent_covered: 0 } }]),
  ),
  totals: { num_statements: 0, covered_lines: 0, percent_covered: 0 },
});

const V1 = "def a():\n    return 1\n\n\ndef b():\n    return 2\n\n\na()\nb()\n";
const f = "/src/m.py";

describe("diff BASE HEAD follows lines across edits", () => {
  it("lines inserted above: the same code run again is neither lost nor newly covered", () => {
    const v2 = `# one\n# two\n# three\n${V1}`;
    const base = report({ [f]: { statements: [1, 2, 5, 6, 9, 10], ran: [1, 2, 5, 6, 9, 10] } });
    const head = report({ [f]: { statements: [4, 5, 8, 9, 12, 13], ran: [4, 5, 8, 9, 12, 13] } });
    // By line number alone this was "no longer covered 1-3, ..., newly covered ...".
    expect(diffReports(base, head)[0]).toMatchObject({ lost: [1, 2, 6, 10], newlyCovered: [4, 8, 12, 13] });
    expect(diffReports(base, head, sourceMoves({ [f]: V1 }, { [f]: v2 }))[0]).toMatchObject({ lost: [], newlyCovered: [], edited: true, change: 0 });
  });

  it("a function added and run: its lines are newly covered, nothing else moves", () => {
    const v2 = V1.replace("a()\n", "def c():\n    return 3\n\n\na()\nc()\n");
    const base = report({ [f]: { statements: [1, 2, 5, 6, 9, 10], ran: [1, 2, 5, 6, 9, 10] } });
    const head = report({ [f]: { statements: [1, 2, 5, 6, 9, 10, 13, 14, 15], ran: [1, 2, 5, 6, 9, 10, 13, 14, 15] } });
    expect(diffReports(base, head, sourceMoves({ [f]: V1 }, { [f]: v2 }))[0]).toMatchObject({ lost: [], newlyCovered: [9, 10, 14] });
  });

  it("a function deleted: its lines are gone, not lost; a line that really stopped running is lost", () => {
    const v2 = "def b():\n    return 2\n\n\nb()\n";
    const base = report({ [f]: { statements: [1, 2, 5, 6, 9, 10], ran: [1, 2, 5, 6, 9, 10] } });
    const head = report({ [f]: { statements: [1, 2, 5], ran: [1, 5] } });
    expect(diffReports(base, head, sourceMoves({ [f]: V1 }, { [f]: v2 }))[0]).toMatchObject({ lost: [2], newlyCovered: [] });
  });

  it("a file BASE did not measure is named as such, not counted as newly covered", () => {
    const base = report({ [f]: { statements: [1], ran: [1] } });
    const head = report({ [f]: { statements: [1], ran: [1] }, "/src/new.py": { statements: [1, 2, 3], ran: [1, 2] } });
    const rows = diffReports(base, head);
    expect(rows.find((r) => r.file === "/src/new.py")).toMatchObject({ only: "head", newlyCovered: [], lost: [] });
    const text = renderDiff(rows, "before", "current", { before: 1, after: 3, statements: 4 });
    expect(text).toContain("/src/new.py: not measured in before (2 of 3 lines ran in current)");
    expect(text).not.toContain("newly covered");
  });

  it("sources that are the same, or missing on one side, give no moves", () => {
    expect(sourceMoves({ [f]: V1 }, { [f]: V1 }).size).toBe(0);
    expect(sourceMoves({ [f]: V1 }, {}).size).toBe(0);
    expect(sourceMoves({ [f]: V1, "/src/x.py": "x = 1\n" }, { [f]: `#\n${V1}`, "/src/x.py": "x = 1\n" })).toEqual(new Map([[f, [{ a: 0, b: 0, c: 1, d: 1 }]]]));
  });
});
