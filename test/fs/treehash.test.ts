import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { setMtimeNs } from "../../src/fs/meta.js";
import { hashTree, treeDiff } from "../../src/fs/treehash.js";

describe("what restored is checked against", () => {
  it("sees a byte, a mode, an mtime a nanosecond apart, a link's target, an entry more or less", () => {
    const d = mkdtempSync(join(tmpdir(), "covshim-treehash-"));
    try {
      mkdirSync(join(d, "sub"));
      writeFileSync(join(d, "sub", "f"), "abc");
      symlinkSync("f", join(d, "sub", "l"));
      setMtimeNs(join(d, "sub", "f"), "1614834367123456789");
      const a = hashTree(d);
      expect(Object.keys(a).sort()).toEqual(["sub/", "sub/f", "sub/l"]);
      expect(treeDiff(a, hashTree(d))).toEqual([]);
      setMtimeNs(join(d, "sub", "f"), "1614834367123456790");
      expect(treeDiff(a, hashTree(d))).toEqual(["sub/f"]);
      setMtimeNs(join(d, "sub", "f"), "1614834367123456789");
      chmodSync(join(d, "sub", "f"), 0o600);
      expect(treeDiff(a, hashTree(d))).toEqual(["sub/f"]);
      chmodSync(join(d, "sub", "f"), a["sub/f"]!.includes(" 644 ") ? 0o644 : 0o664);
      rmSync(join(d, "sub", "l"));
      symlinkSync("g", join(d, "sub", "l"));
      writeFileSync(join(d, "new"), "");
      expect(treeDiff(a, hashTree(d))).toEqual(expect.arrayContaining(["new", "sub/l"]));
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
});
