import { describe, expect, it } from "vitest";
import { blockIn, disableHand, handStarts, hasBlock, onText, removal, stripBlock, withBlock } from "../../src/shim/block.js";
import { BEGIN, END, renderBlock } from "../../src/shim/render.js";

const block = renderBlock("import os  # the shim");

describe("the marked block in a sitecustomize.py", () => {
  it("goes at the end after one blank line, whatever the original ends with", () => {
    expect(withBlock("", block)).toBe(block);
    expect(withBlock("import os\n", block)).toBe(`import os\n\n${block}`);
    expect(withBlock("import os", block)).toBe(`import os\n\n${block}`);
    expect(withBlock("import os\n\n", block)).toBe(`import os\n\n${block}`);
    // `from __future__` must stay the first statement.
    expect(withBlock("from __future__ import print_function\n", block).startsWith("from __future__")).toBe(true);
  });

  it("comes out as it went in (off restores the saved original itself; this is for files edited while on)", () => {
    for (const original of ["", "import os\n", "# only a comment\n", "a = 1\nb = 2\n"]) {
      expect(stripBlock(withBlock(original, block)), JSON.stringify(original)).toBe(original);
    }
    // The text alone cannot tell "x\n\n" + block from "x\n" + a separating "\n" + block,
    // nor where a missing final newline was: the usual form is kept.
    expect(stripBlock(withBlock("import os\n\n", block))).toBe("import os\n");
    expect(stripBlock(withBlock("import os", block))).toBe("import os\n");
  });

  it("is found with its markers, and not without both", () => {
    const text = withBlock("a = 1\n", block) + "b = 2\n";
    expect(blockIn(text)).toBe(block);
    expect(hasBlock(text)).toBe(true);
    expect(hasBlock(`${BEGIN}\nimport os\n`)).toBe(false);
    expect(hasBlock(`${END}\n${BEGIN}\n`)).toBe(false);
    expect(stripBlock("a = 1\n")).toBeNull();
  });

  it("a block in the middle of a file (the user added lines after it) comes out alone", () => {
    const text = withBlock("a = 1\n", block) + "b = 2\n";
    expect(stripBlock(text)).toBe("a = 1\n\nb = 2\n");
  });
});

describe("what off does with the file", () => {
  it("restores an untouched original, deletes an untouched new file", () => {
    expect(removal(withBlock("a = 1\n", block), "a = 1\n")).toEqual({ action: "restore" });
    expect(removal(block, null)).toEqual({ action: "delete" });
  });

  it("keeps edits made while on and takes out only the block", () => {
    const edited = "# added by the user\n" + withBlock("a = 1\n", block);
    expect(removal(edited, "a = 1\n")).toEqual({ action: "strip", text: "# added by the user\na = 1\n" });
    // No original, but the user wrote into the file: the file stays, with the user's lines.
    expect(removal(block + "import site_extra\n", null)).toEqual({ action: "strip", text: "import site_extra\n" });
  });

  it("a new file holding nothing but the block (and blank lines) goes", () => {
    expect(removal(`\n${block}`, null)).toEqual({ action: "delete" });
  });

  it("does nothing to a file without the block", () => {
    expect(removal("a = 1\n", "a = 1\n")).toEqual({ action: "none" });
    expect(removal("a = 1\n", null)).toEqual({ action: "none" });
  });
});

describe("the hand procedure's process_startup() in the same file", () => {
  const hand = "import os\nimport coverage; coverage.process_startup()\nif os.environ.get('X'):\n    coverage.process_startup()\n# coverage.process_startup() in a comment stays\n";

  it("is found, line by line", () => {
    expect(handStarts(hand)).toEqual([2, 4]);
    expect(handStarts("import coverage\n")).toEqual([]);
  });

  it("is disabled while on (still valid Python, indentation kept) and back after off", () => {
    const on = onText(hand, block);
    expect(on).toContain("pass  # covshim-disabled: import coverage; coverage.process_startup()\n");
    expect(on).toContain("    pass  # covshim-disabled: coverage.process_startup()\n");
    expect(handStarts(on)).toEqual([]);
    expect(removal(on, hand)).toEqual({ action: "restore" });
    // Edited while on: the block goes, the hand lines come back, the edit stays.
    expect(removal("# edit\n" + on, hand)).toEqual({ action: "strip", text: "# edit\n" + hand });
  });
});

describe("every decision of off, on the cases hosts and the local install meet", () => {
  // Cluster hosts get these texts and decisions from here (src/cluster/hosts.ts).
  const block = renderBlock("import os  # the shim");  const HAND = "import coverage; coverage.process_startup()";  type Case = { name: string; original: string | null; edit?: (on: string) => string };  const CASES: Case[] = [    { name: "no file before, untouched", original: null },    { name: "a file of its own, untouched", original: "import os\n" },    { name: "no trailing newline", original: "import os" },    { name: "ends in a blank line", original: "import os\n\n" },    { name: "CRLF line ends", original: "import os\r\nx = 1\r\n" },    { name: "the hand procedure's start of coverage", original: `import os\n${HAND}\n` },    { name: "the hand procedure inside an if", original: `if True:\n    ${HAND}\n` },    { name: "no file before, a line added while on", original: null, edit: (on) => `${on}USER = 1\n` },    { name: "no file before, only blank lines added", original: null, edit: (on) => `\n\n${on}\n` },    { name: "its own file, a line added at the top while on", original: `import os\n${HAND}\n`, edit: (on) => `USER = 1\n${on}` },    { name: "its own file, a line edited while on", original: "a = 1\nb = 2\n", edit: (on) => on.replace("b = 2", "b = 3") },    { name: "the block taken out by hand", original: "import os\n", edit: () => "import os\n" },    { name: "non-ASCII text", original: "# é ü ☃\nx = 'ß'\n", edit: (on) => `${on}y = 'ø'\n` },  ];  const TS = CASES.map((c) => {    const on = onText(c.original ?? "", block);    const current = c.edit ? c.edit(on) : on;    const r = removal(current, c.original);    return { on, current, action: r.action, text: r.action === "strip" ? r.text : null };  });

  it("untouched files come back as they were, edited ones keep the edits", () => {
    const want = ["delete", "restore", "restore", "restore", "restore", "restore", "restore", "strip", "delete", "strip", "strip", "none", "strip"];
    expect(TS.map((t) => t.action)).toEqual(want);
    CASES.forEach((c, i) => {
      const t = TS[i]!;
      if (t.action === "strip") {
        expect(t.text, c.name).not.toContain(BEGIN);
        expect(t.text, c.name).not.toContain("covshim");
      }
      if (t.action === "restore") expect(t.on.startsWith(disableHand(c.original!)), c.name).toBe(true);
    });
  });
});
