import { expect, it } from "vitest";
import { branchesByLine, cobertura, lcov, reportMarkdown } from "../../src/coverage/formats.js";
import { changedReport, githubAnnotations, parseDiff } from "../../src/coverage/changed.js";
import type { CovFile, CovJson } from "../../src/coverage/report.js";

// Lines 1-5; line 2 an `if` that went to 3 only; line 4 never ran; 5 exits.
const F: CovFile = {
  executed_lines: [1, 2, 3, 5],
  missing_lines: [4],
  executed_branches: [[2, 3]],
  missing_branches: [[2, 4]],
  summary: { num_statements: 5, covered_lines: 4, percent_covered: 71.43 },
};

it("branches per line: every target, and which ran", () => {
  expect([...branchesByLine(F)].map(([l, b]) => [l, b.targets, [...b.taken]])).toEqual([[2, [3, 4], [3]]]);
});

it("LCOV: DA per statement, BRDA per branch, the counts", () => {
  expect(lcov([{ name: "pkg/m.py", file: F }])).toBe(
    ["TN:", "SF:pkg/m.py", "DA:1,1", "DA:2,1", "DA:3,1", "DA:4,0", "DA:5,1", "BRDA:2,0,0,1", "BRDA:2,0,1,0", "BRF:2", "BRH:1", "LF:5", "LH:4", "end_of_record", ""].join("\n"),
  );
});

it("Cobertura: coverage.py's attributes, per line hits, condition coverage and missing branches", () => {
  const x = cobertura([{ name: "pkg/m.py", file: F }], ["/repo"], "7.16.0", 1000);
  expect(x).toContain('<coverage version="7.16.0" timestamp="1000" lines-valid="5" lines-covered="4" line-rate="0.8" branches-covered="1" branches-valid="2" branch-rate="0.5" complexity="0">');
  expect(x).toContain("<source>/repo</source>");
  expect(x).toContain('<package name="pkg" line-rate="0.8" branch-rate="0.5" complexity="0">');
  expect(x).toContain('<class name="m.py" filename="pkg/m.py" complexity="0" line-rate="0.8" branch-rate="0.5">');
  expect(x).toContain('<line number="2" hits="1" branch="true" condition-coverage="50% (1/2)" missing-branches="4"/>');
  expect(x).toContain('<line number="4" hits="0"/>');
  // Without branch data: no branch attributes, rates 0 as coverage writes them.
  const plain = cobertura([{ name: "m.py", file: { ...F, executed_branches: undefined, missing_branches: undefined } }], ["/r"], "6.5.0", 1);
  expect(plain).toContain('branches-covered="0" branches-valid="0" branch-rate="0"');
  expect(plain).not.toContain("condition-coverage");
});

it("the changed lines' branches: a partial line, its target never taken, and one annotation each", () => {
  const change = parseDiff("+++ b/pkg/m.py\n@@ -0,0 +1,5 @@\n");
  const head: CovJson = { files: { "/r/pkg/m.py": F }, totals: { num_statements: 5, covered_lines: 4, percent_covered: 71.43 } };
  const r = changedReport(change, [{ path: "/r/pkg/m.py", repoPath: "pkg/m.py" }], head, null, { base: null, head: "current", ref: "HEAD" });
  expect(r.files[0]).toMatchObject({ missing: [4], branches: { total: 2, taken: 1 }, partial: { "2": [4] } });
  expect(r.totals).toMatchObject({ branches: 2, branchesTaken: 1 });
  expect(githubAnnotations(r)).toBe("::warning file=pkg/m.py,line=4,title=covshim::changed line 4 never ran in current\n::warning file=pkg/m.py,line=2,title=covshim::branch 2→4 never taken in current\n");
});

it("the report's markdown: totals, the threshold, the least covered files first", () => {
  const j: CovJson = {
    files: { "a.py": { ...F, summary: { num_statements: 10, covered_lines: 9, percent_covered: 90 } }, "b.py": { ...F, summary: { num_statements: 4, covered_lines: 1, percent_covered: 25 } } },
    totals: { num_statements: 14, covered_lines: 10, percent_covered: 71.4 },
  };
  const md = reportMarkdown(j, "gp", 80);
  expect(md).toContain("**Coverage of gp**: 10 of 14 statements ran: 71.4%.");
  expect(md).toContain("Threshold 80%: **not held** (71.4% < 80%).");
  expect(md.indexOf("b.py")).toBeLessThan(md.indexOf("a.py"));
});
