import { describe, expect, it } from "vitest";
import { posixQuote } from "../../src/shells/shell.js";
import { fillHook } from "../../src/shells/template.js";

describe("the hook scripts' placeholders", () => {
  it("each is replaced by its value, quoted for the shell; the epoch is in seconds", () => {
    const ctx = { node: "/opt/node it's/bin/node", cli: "/x/covshim.cjs", shellFile: "/h/shells", now: 1_700_000_000_999 };
    expect(fillHook("@NODE@ @CLI@ @FILE@ @EPOCH@ @OTHER@", ctx, posixQuote)).toBe(`'/opt/node it'\\''s/bin/node' '/x/covshim.cjs' '/h/shells' '1700000000' @OTHER@`);
  });
});
