import { describe, expect, it } from "vitest";
import { type ChangedReport, changedLines, changedReport, changedThresholds, mapOld, parseDiff } from "../../src/coverage/changed.js";

const DIFF = `diff --git a/pkg/m.py b/pkg/m.py
index 1111111..2222222 100644
--- a/pkg/m.py
+++ b/pkg/m.py
@@ -2 +2 @@ def f():
-    return 1
+    return 2
@@ -5,0 +6,2 @@ def g():
+    x = 1
+    return x
@@ -9,2 +11,0 @@ def h():
-    a = 1
-    b = 2
diff --git a/gone.py b/gone.py
deleted file mode 100644
--- a/gone.py
+++ /dev/null
@@ -1,3 +0,0 @@
-x = 1
diff --git a/new.py b/new.py
new file mode 100644
--- /dev/null
+++ b/new.py
@@ -0,0 +1,3 @@
+a = 1
`;

describe("the lines of a git change", () => {
  const change = parseDiff(DIFF);
  const m = change.get("pkg/m.py")!;

  it("reads git diff -U0: an edit, an insertion, a deletion; deleted files left out, new files whole", () => {
    expect([...change.keys()]).toEqual(["pkg/m.py", "new.py"]);
    expect(m).toEqual([
      { a: 2, b: 1, c: 2, d: 1 },
      { a: 5, b: 0, c: 6, d: 2 },
      { a: 9, b: 2, c: 11, d: 0 },
    ]);
    expect([...changedLines(m)]).toEqual([2, 6, 7]);
    expect([...changedLines(change.get("new.py")!)]).toEqual([1, 2, 3]);
  });

  it("maps REF's unchanged lines onto the work tree; edited and deleted lines map to nothing", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map((l) => mapOld(m, l))).toEqual([1, null, 3, 4, 5, 8, 9, 10, null, null, 11, 12]);
  });

  it("changed, covered, missing among statements only; lost: unchanged lines BASE ran and HEAD did not", () => {
    const file = (executed: number[], missing: number[]) => ({ executed_lines: executed, missing_lines: missing, summary: { num_statements: 0, covered_lines: 0, percent_covered: 0 } });
    const totals = { num_statements: 0, covered_lines: 0, percent_covered: 0 };
    const base = { files: { "/i/pkg/m.py": file([1, 2, 6, 11], [4]) }, totals };
    // HEAD: line 7 of the change is no statement here (say, a blank); old 6 is now 8, not run; old 11 is now 12, run.
    const head = { files: { "/i/pkg/m.py": file([1, 2, 6, 12], [4, 8]) }, totals };
    const r = changedReport(change, [{ path: "/i/pkg/m.py", repoPath: "pkg/m.py" }], head, base, { base: "b", head: "h", ref: "HEAD" });
    expect(r.files).toEqual([{ path: "/i/pkg/m.py", repoPath: "pkg/m.py", changed: [2, 6], covered: [2, 6], missing: [], lost: [8], coveredBefore: [2] }]);
    // coveredBefore: line 2's hunk replaced old line 2, which BASE ran; line 6 was inserted.
    expect(r.totals).toEqual({ changed: 2, covered: 2, missing: 0, lost: 1, coveredBefore: 1 });
    expect(changedReport(change, [{ path: "/i/pkg/m.py", repoPath: "pkg/m.py" }], head, null, { base: null, head: "h", ref: "HEAD" }).totals.lost).toBe(0);
  });
});

describe("thresholds on the change", () => {
  const report = (covered: number, changed: number, branches?: { total: number; taken: number }) =>
    ({ base: null, head: "current", ref: "HEAD", files: branches ? [{ path: "/a.py", repoPath: "a.py", changed: [], covered: [], missing: [], lost: [], branches }] : [], totals: { changed, covered, missing: changed - covered, lost: 0 } }) as ChangedReport;
  it("what failed, and the sentence for the Markdown", () => {
    expect(changedThresholds(report(3, 4), 80, undefined)).toEqual({ failed: ["75.0% of the changed lines ran, under --fail-under 80"], threshold: "Threshold 80% of the changed lines: **not held**." });
    expect(changedThresholds(report(4, 4), 80, undefined)).toEqual({ failed: [], threshold: "Threshold 80% of the changed lines: held." });
    expect(changedThresholds(report(4, 4), undefined, undefined)).toEqual({ failed: [], threshold: undefined });
  });
});
