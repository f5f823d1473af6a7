import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { posixQuote } from "../../src/shells/shell.js";

describe("POSIX single quotes", () => {
  it("sh reads back exactly the value, whatever it holds", () => {
    for (const v of ["plain", "it's", "$(rm -rf /) `x` $HOME", "a\nb", "'", "", "\\'\\"]) {
      const r = spawnSync("sh", ["-c", `printf %s ${posixQuote(v)}`], { encoding: "utf8" });
      expect(r.stdout, v).toBe(v);
    }
  });
});
