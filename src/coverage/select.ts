import { type Hunk, contextNames } from "./changed.js";
import type { CovFile } from "./report.js";

/**
 * Test selection: which tests of BASE ran the code a change touches, from
 * BASE's contexts (enable --contexts). Pure: the command (commands/tests.ts)
 * brings the texts, the hunks and BASE's report. Lines are REF's (the code
 * BASE measured; `toBase` maps them where BASE's own text differs).
 */

/** One hunk of the change, and the lines of BASE it reaches. */
export interface Piece {
  path: string;
  repoPath: string;
  kind: "edit" | "insert" | "delete";
  /** Work-tree lines the hunk added or edited; for a deletion, the line after which code went. */
  lines: number[];
  /** How much of the change this is: its lines (a deletion counts one). */
  weight: number;
  /** BASE's statement lines that stand for it: the replaced lines, the function an insertion is in, the lines a deletion joined. */
  reached: number[];
  /** The tests that ran any of `reached` in BASE. */
  contexts: string[];
  /** Why no test reaches it, when none does. */
  why?: string;
}

const blank = (s: string | undefined) => s === undefined || /^\s*(#.*)?$/.test(s);
const indentOf = (s: string) => /^[ \t]*/.exec(s)![0].replace(/\t/g, "        ").length;
const DEF = /^\s*(async\s+)?def\s/;
const NEW_DEF = /^\s*((async\s+)?def|class)\s|^\s*@/;

/**
 * The `def` block (first and last line, 1-based) that a line with this
 * indentation after line `at` of `lines` would be in; null at module or
 * class level. By indentation, so that Python 2 source reads as well.
 */
export function enclosingDef(lines: string[], at: number, indent: number): { start: number; end: number } | null {
  let limit = indent;
  for (let i = Math.min(at, lines.length); i >= 1; i--) {
    const t = lines[i - 1]!;
    if (blank(t)) continue;
    const ind = indentOf(t);
    if (ind >= limit) continue;
    if (DEF.test(t)) {
      let end = i;
      for (let j = i + 1; j <= lines.length; j++) {
        if (blank(lines[j - 1])) continue;
        if (indentOf(lines[j - 1]!) <= ind) break;
        end = j;
      }
      return { start: i, end };
    }
    if (ind === 0) return null;
    limit = ind;
  }
  return null;
}

export interface FileInput {
  path: string;
  repoPath: string;
  hunks: Hunk[];
  /** REF's text of the file (null: it is new). */
  refText: string | null;
  /** The work tree's text. */
  newText: string;
  /** BASE's report of the file (undefined: BASE did not measure it). */
  base: CovFile | undefined;
  /** REF line -> BASE line (identity when BASE measured REF's text); null: not in BASE. */
  toBase?: (refLine: number) => number | null;
}

/** The hunks of one file as pieces, each with the BASE lines and tests it reaches. */
export function piecesOf(f: FileInput): Piece[] {
  const ref = f.refText === null ? [] : f.refText.split("\n");
  const now = f.newText.split("\n");
  const toBase = f.toBase ?? ((l: number) => l);
  const statements = new Set([...(f.base?.executed_lines ?? []), ...(f.base?.missing_lines ?? [])]);
  const isStatement = (refLine: number) => {
    const b = toBase(refLine);
    return b !== null && statements.has(b);
  };
  const isHeader = (l: number) => NEW_DEF.test(ref[l - 1] ?? "");
  /**
   * The nearest statement of REF from `from` going `step` (±1), indented no
   * deeper than `indent`. Not a def, class or decorator line: those run when
   * the module is imported, by every test that imports it.
   */
  const nearest = (from: number, step: 1 | -1, indent = Infinity) => {
    for (let l = from; l >= 1 && l <= ref.length; l += step) if (isStatement(l) && !isHeader(l) && indentOf(ref[l - 1]!) <= indent) return [l];
    return [];
  };
  const range = (a: number, n: number) => Array.from({ length: n }, (_, i) => a + i);
  /** The statements of a def's body (its def line ran at import). */
  const body = (d: { start: number; end: number }) => range(d.start + 1, d.end - d.start).filter((l) => isStatement(l) && !isHeader(l));
  const defLines = (at: number, indent: number) => {
    const d = enclosingDef(ref, at, indent);
    return d ? body(d) : null;
  };
  /** A replaced statement stands for itself; a replaced def line (a new signature) for the function's body. */
  const standsFor = (l: number) => {
    if (!isHeader(l)) return [l];
    const t = ref[l - 1]!;
    return DEF.test(t) ? (defLines(l + 1, indentOf(t) + 1) ?? []) : [];
  };
  const out: Piece[] = [];
  for (const h of f.hunks) {
    const added = range(h.c, h.d);
    const firstNew = added.map((l) => now[l - 1]).find((s) => !blank(s));
    let kind: Piece["kind"];
    let reachedRef: number[];
    let why: string | undefined;
    if (h.b > 0 && h.d === 0) {
      // Code went: the lines it was, and the two it joined.
      kind = "delete";
      reachedRef = [...range(h.a, h.b).filter(isStatement).flatMap(standsFor), ...nearest(h.a - 1, -1), ...nearest(h.a + h.b, 1)];
    } else {
      kind = h.b > 0 ? "edit" : "insert";
      reachedRef = range(h.a, h.b).filter(isStatement).flatMap(standsFor);
      if (!reachedRef.length) {
        // Inserted (or only comments replaced): the function it is in, else the lines around it.
        const after = h.b > 0 ? h.a + h.b - 1 : h.a;
        const indent = firstNew !== undefined ? indentOf(firstNew) : h.b > 0 ? indentOf(ref[h.a - 1] ?? "") : 0;
        // A new function or class at module or class level: nothing of BASE ran its body.
        const newDef = firstNew !== undefined && NEW_DEF.test(firstNew);
        reachedRef = defLines(after, indent) ?? (newDef ? [] : [...nearest(after, -1, indent), ...nearest(after + 1, 1, indent)]);
        if (newDef && !reachedRef.length) why = "a new function or class";
      }
    }
    const reached = [...new Set(reachedRef.map((l) => toBase(l)!))].sort((x, y) => x - y);
    const contexts = contextNames(reached.flatMap((l) => f.base?.contexts?.[String(l)] ?? []).flatMap((c) => c.split("|")));
    // Blank lines and comments are not code the change adds.
    const code = added.filter((l) => !blank(now[l - 1]));
    const p: Piece = { path: f.path, repoPath: f.repoPath, kind, lines: kind === "delete" ? [h.c] : code.length ? code : added, weight: kind === "delete" ? 1 : Math.max(1, code.length), reached, contexts };
    if (!contexts.length) {
      const ran = reached.filter((l) => f.base?.executed_lines.includes(l));
      p.why = why ?? (!f.base ? "not measured in BASE" : f.refText === null ? "a new file" : !reached.length ? "no statement of BASE stands for it" : !ran.length ? "BASE never ran this code" : "BASE ran it outside any test");
    }
    out.push(p);
  }
  return out;
}

export type Runner = "behave" | "pytest" | "unittest" | "other";

/** A test as its runner names it. */
export interface TestId {
  runner: Runner;
  /** What the runner takes on its command line: a feature file (with :line), a pytest node id, unittest's dotted name. */
  id: string;
}

export interface Resolver {
  /** Feature files by their `Feature:` name. */
  features: Map<string, string[]>;
  /** The repository's Python files (repository paths). */
  pyFiles: string[];
}

/**
 * Which runner a context label names, and the test as it takes it:
 * `features/x.feature[:N]` (behave's scenario.location), a behave feature's
 * name, pytest's node id (`tests/x.py::test_y`, from PYTEST_CURRENT_TEST),
 * coverage's test function (`module.Class.test` or `module.test`: unittest
 * where the module is the file's dotted path from the repository's top,
 * pytest's node id otherwise, pytest naming modules from its rootdir).
 */
export function testOf(label: string, r: Resolver): TestId {
  if (/\.feature(:\d+)?$/.test(label)) return { runner: "behave", id: label };
  if (label.includes("::")) return { runner: "pytest", id: label };
  const files = r.features.get(label);
  if (files?.length) return { runner: "behave", id: files[0]! };
  const parts = label.split(".");
  if (parts.length >= 2 && parts.every((p) => /^[A-Za-z_]\w*$/.test(p))) {
    // The longest module prefix that is a file of the repository.
    for (let k = parts.length - 1; k >= 1; k--) {
      const mod = parts.slice(0, k).join("/") + ".py";
      const file = r.pyFiles.find((f) => f === mod) ?? r.pyFiles.find((f) => f.endsWith("/" + mod));
      if (!file) continue;
      const rest = parts.slice(k);
      if (file === mod && rest.length === 2) return { runner: "unittest", id: label };
      return { runner: "pytest", id: `${file}::${rest.join("::")}` };
    }
  }
  return { runner: "other", id: label };
}

export interface Selected extends TestId {
  /** The context labels it was recorded under. */
  contexts: string[];
  /** How much of the change it reaches (the pieces' weights). */
  reaches: number;
  /** The pieces it reaches: repoPath:first line. */
  pieces: string[];
}

/** The tests that reach the change, most of it first, then by runner and id. */
export function rankTests(pieces: Piece[], r: Resolver): Selected[] {
  const byId = new Map<string, Selected>();
  for (const p of pieces) {
    const seen = new Set<string>();
    for (const c of p.contexts) {
      const t = testOf(c, r);
      const key = `${t.runner}\0${t.id}`;
      const s = byId.get(key) ?? { ...t, contexts: [], reaches: 0, pieces: [] };
      if (!s.contexts.includes(c)) s.contexts.push(c);
      if (!seen.has(key)) {
        seen.add(key);
        s.reaches += p.weight;
        s.pieces.push(`${p.repoPath}:${p.lines[0]}`);
      }
      byId.set(key, s);
    }
  }
  return [...byId.values()].sort((a, b) => b.reaches - a.reaches || a.runner.localeCompare(b.runner) || a.id.localeCompare(b.id));
}

const quote = (s: string) => (/^[\w./:=@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** The command line that runs exactly these tests, one per runner (run from the repository's top). */
export function commandsFor(tests: Selected[]): { runner: Runner; argv: string[]; line: string }[] {
  const out: { runner: Runner; argv: string[]; line: string }[] = [];
  const of = (runner: Runner) => [...new Set(tests.filter((t) => t.runner === runner).map((t) => t.id))].sort();
  const add = (runner: Runner, head: string[], ids: string[], always = false) => {
    if (!ids.length) return;
    const argv = [...head, ...ids];
    // pytest's ids are quoted always: [params] and :: read as they are.
    out.push({ runner, argv, line: argv.map((a, i) => (always && i >= head.length ? `'${a.replace(/'/g, `'\\''`)}'` : quote(a))).join(" ") });
  };
  // A feature chosen whole runs every scenario; its scenarios' lines add nothing.
  const behave = of("behave");
  add("behave", ["behave"], behave.filter((id) => !/:\d+$/.test(id) || !behave.includes(id.replace(/:\d+$/, ""))));
  add("pytest", ["pytest"], of("pytest"), true);
  add("unittest", ["python", "-m", "unittest"], of("unittest"));
  return out;
}

/** The table of `covshim tests`: the tests, most of the change first, the command lines, what no test reached. */
export function renderSelection(base: string, refs: string, top: string, selected: Selected[], commands: { line: string }[], pieces: Piece[]): string {
  const total = pieces.reduce((n, p) => n + p.weight, 0);
  const unreached = pieces.filter((p) => !p.contexts.length);
  const lines: string[] = [];
  if (selected.length) {
    lines.push(`${selected.length} test${selected.length === 1 ? "" : "s"} of '${base}' ran the code of the change since ${refs} (${total} line${total === 1 ? "" : "s"}), most of it first:`);
    const w = Math.max(5, ...selected.map((t) => String(t.reaches).length));
    lines.push(`  ${"lines".padStart(w)}  ${"runner".padEnd(8)}  test`);
    for (const t of selected) lines.push(`  ${String(t.reaches).padStart(w)}  ${t.runner.padEnd(8)}  ${t.id}${t.contexts.length === 1 && t.contexts[0] !== t.id ? `  (${t.contexts[0]})` : ""}`);
    if (commands.length) {
      lines.push("", `Run them (from ${top}), with measurement on, then covshim diff ${base} --changed:`);
      for (const c of commands) lines.push(`  ${c.line}`);
    }
  } else lines.push(`No test of '${base}' ran the code of the change since ${refs}.`);
  if (unreached.length) {
    lines.push("", `Reached by no test in '${base}':`);
    for (const p of unreached) lines.push(`  ${p.repoPath}:${p.kind === "delete" ? `${p.lines[0]} (deleted code)` : lineRanges(p.lines)}  ${p.why}`);
  }
  return lines.join("\n");
}

/** `a.py:3-5, 9` */
export function lineRanges(lines: number[]): string {
  const s = [...new Set(lines)].sort((a, b) => a - b);
  const out: string[] = [];
  for (let i = 0; i < s.length; i++) {
    let j = i;
    while (j + 1 < s.length && s[j + 1] === s[j]! + 1) j++;
    out.push(j > i ? `${s[i]}-${s[j]}` : String(s[i]));
    i = j;
  }
  return out.join(", ");
}

/** Feature files by their `Feature:` name (the name behave's before_feature hook gives COVSHIM_CONTEXT). */
export function featureNames(files: { path: string; text: string }[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const f of files) {
    const m = /^\s*Feature:\s*(.+?)\s*$/m.exec(f.text);
    if (m) out.set(m[1]!, [...(out.get(m[1]!) ?? []), f.path].sort());
  }
  return out;
}
