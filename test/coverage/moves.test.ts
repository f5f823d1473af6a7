import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { mapOld } from "../../src/coverage/changed.js";
import { loadSources, readSources, sourceMoves } from "../../src/coverage/moves.js";

describe("how lines moved between two saved sources", () => {
  it("one git diff for every changed file; unchanged and missing files have no entry", () => {
    const before = { "/a.py": "a\nb\nc\n", "/same.py": "x\n", "/gone.py": "y\n" };
    const after = { "/a.py": "new\na\nb\nc\n", "/same.py": "x\n" };
    const moves = sourceMoves(before, after);
    expect([...moves.keys()]).toEqual(["/a.py"]);
    const hunks = moves.get("/a.py")!;
    // Line 3 of before ("c") is line 4 now.
    expect(mapOld(hunks, 3)).toBe(4);
    expect(sourceMoves({}, {}).size).toBe(0);
  });

  it("an edited line maps to nothing, the lines around it keep their place", () => {
    const hunks = sourceMoves({ f: "a\nb\nc\n" }, { f: "a\nB\nc\n" }).get("f")!;
    expect([1, 2, 3].map((l) => mapOld(hunks, l))).toEqual([1, null, 3]);
  });

  it("reads the sources that are there, and a saved set back", () => {
    const d = mkdtempSync(join(tmpdir(), "covshim-moves-test-"));
    try {
      writeFileSync(join(d, "m.py"), "x = 1\n");
      const s = readSources([join(d, "m.py"), join(d, "missing.py")]);
      expect(s).toEqual({ [join(d, "m.py")]: "x = 1\n" });
      writeFileSync(join(d, "saved.json"), JSON.stringify(s));
      expect(loadSources(join(d, "saved.json"))).toEqual(s);
      expect(loadSources(join(d, "none.json"))).toBeUndefined();
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
});
