import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { onText, removal } from "../../src/shim/block.js";
import { BEGIN, END, renderBlock } from "../../src/shim/render.js";
import { PY27, ROOT, pyenvPython } from "../helpers/tools.js";

/**
 * One set of rules for a sitecustomize.py, locally (src/shim/block.ts) and on
 * cluster hosts (templates/agent/remote.py, in the hosts' own Python): the same
 * cases through both must give the same text while on and the same decision
 * at off. Python 2.7 too: GPDB 6 hosts run the agent with it.
 */
const block = renderBlock("import os  # the shim");
const HAND = "import coverage; coverage.process_startup()";

type Case = { name: string; original: string | null; edit?: (on: string) => string };
const CASES: Case[] = [
  { name: "no file before, untouched", original: null },
  { name: "a file of its own, untouched", original: "import os\n" },
  { name: "no trailing newline", original: "import os" },
  { name: "ends in a blank line", original: "import os\n\n" },
  { name: "CRLF line ends", original: "import os\r\nx = 1\r\n" },
  { name: "the hand procedure's start of coverage", original: `import os\n${HAND}\n` },
  { name: "the hand procedure inside an if", original: `if True:\n    ${HAND}\n` },
  { name: "no file before, a line added while on", original: null, edit: (on) => `${on}USER = 1\n` },
  { name: "no file before, only blank lines added", original: null, edit: (on) => `\n\n${on}\n` },
  { name: "its own file, a line added at the top while on", original: `import os\n${HAND}\n`, edit: (on) => `USER = 1\n${on}` },
  { name: "its own file, a line edited while on", original: "a = 1\nb = 2\n", edit: (on) => on.replace("b = 2", "b = 3") },
  { name: "the block taken out by hand", original: "import os\n", edit: () => "import os\n" },
  { name: "non-ASCII text", original: "# é ü ☃\nx = 'ß'\n", edit: (on) => `${on}y = 'ø'\n` },
];

const TS = CASES.map((c) => {
  const on = onText(c.original ?? "", block);
  const current = c.edit ? c.edit(on) : on;
  const r = removal(current, c.original);
  return { on, current, action: r.action, text: r.action === "strip" ? r.text : null };
});

function viaAgent(python: string) {
  const input = JSON.stringify({ begin: BEGIN, end: END, block, cases: CASES.map((c, i) => ({ original: c.original, current: TS[i]!.current })) });
  const driver = [
    "import json, sys",
    "sys.path.insert(0, sys.argv[1])",
    "import remote",
    "a = json.loads(sys.stdin.read())",
    "enc = lambda s: None if s is None else s.encode('utf-8')",
    "dec = lambda b: None if b is None else b.decode('utf-8')",
    "out = []",
    "for c in a['cases']:",
    "    on = remote.on_text(enc(c['original']) or b'', enc(a['block']))",
    "    action, text = remote.removal(enc(c['current']), enc(c['original']), enc(a['begin']), enc(a['end']))",
    "    out.append({'on': dec(on), 'action': action, 'text': dec(text)})",
    "sys.stdout.write(json.dumps(out))",
  ].join("\n");
  const r = spawnSync(python, ["-c", driver, join(ROOT, "templates", "agent")], { input, encoding: "utf8", env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" } });
  if (r.status !== 0) throw new Error(`${python}: ${r.stderr}`);
  return JSON.parse(r.stdout) as { on: string; action: string; text: string | null }[];
}

describe("sitecustomize.py rules: the local ones and the hosts' agent agree", () => {
  for (const [label, python] of [
    ["Python 3", "python3"],
    ["Python 2.7 (GPDB 6 hosts)", pyenvPython(PY27)],
  ] as const) {
    it(`${CASES.length} cases, ${label}`, () => {
      const got = viaAgent(python);
      CASES.forEach((c, i) => {
        expect(got[i], c.name).toEqual({ on: TS[i]!.on, action: TS[i]!.action, text: TS[i]!.text });
      });
      // The cases cover every decision.
      expect(new Set(TS.map((t) => t.action))).toEqual(new Set(["restore", "delete", "strip", "none"]));
    });
  }
});
