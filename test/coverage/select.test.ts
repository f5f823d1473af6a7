import { describe, expect, it } from "vitest";
import { commandsFor, enclosingDef, featureNames, lineRanges, piecesOf, rankTests, renderSelection, testOf } from "../../src/coverage/select.js";
import type { CovFile } from "../../src/coverage/report.js";

const REF = `import os


def start(n):
    if n:
        return "started"
    return "idle"


def stop():
    return "stopped"


class Pool(object):
    def run(self):
        return 1

X = 1
`;
// Statements of REF, as coverage counts them; contexts: start ran by gpstart, stop by gpstop, run by a pytest test.
const base: CovFile = {
  executed_lines: [1, 4, 5, 6, 7, 10, 11, 14, 15, 16, 18],
  missing_lines: [],
  contexts: { "1": [""], "4": [""], "5": ["gpstart"], "6": ["gpstart"], "7": ["gpstart|t.test_idle"], "10": [""], "11": ["gpstop"], "14": [""], "15": [""], "16": ["tests/test_pool.py::test_run"], "18": [""] },
  summary: { num_statements: 11, covered_lines: 11, percent_covered: 100 },
};
const file = (hunks: { a: number; b: number; c: number; d: number }[], newText: string) => piecesOf({ path: "/r/tool.py", repoPath: "tool.py", hunks, refText: REF, newText, base });
const lines = REF.split("\n");

describe("which code of BASE a hunk stands for", () => {
  it("the def around a line, by indentation (Python 2 reads the same)", () => {
    expect(enclosingDef(lines, 5, 8)).toEqual({ start: 4, end: 7 });
    expect(enclosingDef(lines, 11, 4)).toEqual({ start: 10, end: 11 });
    expect(enclosingDef(lines, 16, 8)).toEqual({ start: 15, end: 16 });
    // At module level, or in a class body between methods: none.
    expect(enclosingDef(lines, 8, 0)).toBeNull();
    expect(enclosingDef(lines, 16, 4)).toBeNull();
  });

  it("an edit: the lines it replaced", () => {
    const [p] = file([{ a: 11, b: 1, c: 11, d: 1 }], REF.replace('"stopped"', '"down"'));
    expect(p).toMatchObject({ kind: "edit", lines: [11], weight: 1, reached: [11], contexts: ["gpstop"] });
  });

  it("an insertion in a function: its body's lines (every test that ran any of it; the def line ran at import, by every importer)", () => {
    const now = REF.replace('    return "idle"', '    log()\n    return "idle"');
    const [p] = file([{ a: 6, b: 0, c: 7, d: 1 }], now);
    expect(p).toMatchObject({ kind: "insert", lines: [7], reached: [5, 6, 7] });
    expect(p!.contexts).toEqual(["gpstart", "t.test_idle"]);
  });

  it("a new signature: the function's body", () => {
    const [p] = file([{ a: 10, b: 1, c: 10, d: 1 }], REF.replace("def stop():", "def stop(force=False):"));
    expect(p).toMatchObject({ kind: "edit", reached: [11], contexts: ["gpstop"] });
  });

  it("a deletion: the lines deleted and the two it joined", () => {
    const [p] = file([{ a: 6, b: 1, c: 5, d: 0 }], REF.replace('        return "started"\n', ""));
    expect(p).toMatchObject({ kind: "delete", lines: [5], weight: 1, reached: [5, 6, 7] });
  });

  it("a new function, a new file, a file BASE did not measure: reached by none, and why", () => {
    const now = REF + "\n\ndef never():\n    return 1\n";
    const [p] = file([{ a: 18, b: 0, c: 20, d: 3 }], now);
    expect(p).toMatchObject({ contexts: [], why: "a new function or class", lines: [21, 22], weight: 2 });
    const [q] = piecesOf({ path: "/r/new.py", repoPath: "new.py", hunks: [{ a: 0, b: 0, c: 1, d: 1 }], refText: null, newText: "x = 1\n", base: undefined });
    expect(q!.why).toBe("not measured in BASE");
    const [r] = file([{ a: 18, b: 0, c: 19, d: 1 }], REF + "Y = 2\n");
    // A module-level statement: the statements around it at its level, run outside any test.
    expect(r).toMatchObject({ reached: [18], contexts: [], why: "BASE ran it outside any test" });
  });

  it("BASE measured other text than REF's: REF's lines are followed into BASE's", () => {
    const shifted = { ...base, contexts: { "12": ["gpstop"] }, executed_lines: [12] };
    const [p] = piecesOf({ path: "/r/tool.py", repoPath: "tool.py", hunks: [{ a: 11, b: 1, c: 11, d: 1 }], refText: REF, newText: REF, base: shifted, toBase: (l) => l + 1 });
    expect(p).toMatchObject({ reached: [12], contexts: ["gpstop"] });
  });
});

describe("the tests, ranked, and how to run them", () => {
  const resolver = {
    features: featureNames([
      { path: "features/gpstart.feature", text: "@tag\nFeature: gpstart\n  Scenario: x\n" },
      { path: "features/gpstop.feature", text: "Feature: gpstop\n" },
    ]),
    pyFiles: ["tests/test_pool.py", "tests/t.py", "t.py", "pkg/tests/test_units.py"],
  };

  it("each runner's way of naming a test", () => {
    expect(testOf("gpstart", resolver)).toEqual({ runner: "behave", id: "features/gpstart.feature" });
    expect(testOf("features/gpstop.feature:12", resolver)).toEqual({ runner: "behave", id: "features/gpstop.feature:12" });
    expect(testOf("tests/test_pool.py::test_run[2]", resolver)).toEqual({ runner: "pytest", id: "tests/test_pool.py::test_run[2]" });
    // coverage's test function: unittest where the module is the file's dotted path from the top.
    expect(testOf("pkg.tests.test_units.T.test_a", resolver)).toEqual({ runner: "unittest", id: "pkg.tests.test_units.T.test_a" });
    // pytest's module names are from its rootdir: the node id of the file found.
    expect(testOf("test_units.T.test_a", resolver)).toEqual({ runner: "pytest", id: "pkg/tests/test_units.py::T::test_a" });
    expect(testOf("test_pool.test_run", resolver)).toEqual({ runner: "pytest", id: "tests/test_pool.py::test_run" });
    expect(testOf("nightly run", resolver)).toEqual({ runner: "other", id: "nightly run" });
  });

  it("ranked by how much of the change each reaches; one command per runner", () => {
    const now = REF.replace('"stopped"', '"down"').replace('    return "idle"', '    log()\n    return "idle"');
    const pieces = file(
      [
        { a: 6, b: 0, c: 7, d: 1 },
        { a: 11, b: 1, c: 12, d: 1 },
      ],
      now,
    );
    pieces[0]!.weight = 3;
    const ranked = rankTests(pieces, resolver);
    expect(ranked.map((t) => [t.runner, t.id, t.reaches])).toEqual([
      ["behave", "features/gpstart.feature", 3],
      ["pytest", "t.py::test_idle", 3],
      ["behave", "features/gpstop.feature", 1],
    ]);
    expect(commandsFor(ranked).map((c) => c.line)).toEqual(["behave features/gpstart.feature features/gpstop.feature", "pytest 't.py::test_idle'"]);
    const more = [...ranked, { runner: "pytest" as const, id: "tests/x.py::test_y[a b]", contexts: [], reaches: 1, pieces: [] }, { runner: "unittest" as const, id: "a.B.test_c", contexts: [], reaches: 1, pieces: [] }];
    expect(commandsFor(more).map((c) => c.line)).toEqual(["behave features/gpstart.feature features/gpstop.feature", "pytest 't.py::test_idle' 'tests/x.py::test_y[a b]'", "python -m unittest a.B.test_c"]);
    // A scenario of a feature already chosen whole adds nothing.
    expect(commandsFor([{ runner: "behave", id: "f.feature", contexts: [], reaches: 1, pieces: [] }, { runner: "behave", id: "f.feature:3", contexts: [], reaches: 1, pieces: [] }])[0]!.argv).toEqual(["behave", "f.feature"]);
  });

  it("the table: tests with how much each reaches, the commands, what no test reached", () => {
    const now = REF.replace('"stopped"', '"down"').replace('return "idle"', 'return "off"');
    const pieces = file(
      [
        { a: 7, b: 1, c: 7, d: 1 },
        { a: 11, b: 1, c: 11, d: 1 },
      ],
      now,
    );
    pieces[1]!.contexts = [];
    pieces[1]!.why = "BASE never ran this code";
    const ranked = rankTests(pieces, resolver);
    const text = renderSelection("base", "main", "/repo", ranked, commandsFor(ranked), pieces);
    expect(text).toBe(
      [
        "2 tests of 'base' ran the code of the change since main (2 lines), most of it first:",
        "  lines  runner    test",
        "      1  behave    features/gpstart.feature  (gpstart)",
        "      1  pytest    t.py::test_idle  (t.test_idle)",
        "",
        "Run them (from /repo), with measurement on, then covshim diff base --changed:",
        "  behave features/gpstart.feature",
        "  pytest 't.py::test_idle'",
        "",
        "Reached by no test in 'base':",
        "  tool.py:11  BASE never ran this code",
      ].join("\n"),
    );
  });

  it("line ranges", () => {
    expect(lineRanges([5, 3, 4, 9, 11, 10])).toBe("3-5, 9-11");
  });
});
