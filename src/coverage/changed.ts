import type { CovJson } from "./report.js";

/**
 * The lines of a git change, and coverage restricted to them. Pure: git's
 * output and the coverage JSON reports go in, figures come out.
 */

/** One hunk of `git diff -U0`: old lines [a, a+b) became new lines [c, c+d). */
export interface Hunk {
  a: number;
  b: number;
  c: number;
  d: number;
}

/** Per file of the work tree (path relative to the repository): its hunks against REF. */
export type Change = Map<string, Hunk[]>;

/** Parses `git diff -U0 --no-renames` output. Deleted files are left out: nothing of them runs now. */
export function parseDiff(text: string): Change {
  const out: Change = new Map();
  let file: string | null = null;
  for (const line of text.split("\n")) {
    if (line.startsWith("+++ ")) {
      const p = line.slice(4);
      file = p === "/dev/null" ? null : p.replace(/^b\//, "");
      if (file !== null && !out.has(file)) out.set(file, []);
      continue;
    }
    const m = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/.exec(line);
    if (m && file !== null) out.get(file)!.push({ a: +m[1]!, b: m[2] === undefined ? 1 : +m[2], c: +m[3]!, d: m[4] === undefined ? 1 : +m[4] });
  }
  return out;
}

/** The new (work-tree) numbers of the lines the change added or edited. */
export function changedLines(hunks: Hunk[]): Set<number> {
  const s = new Set<number>();
  for (const h of hunks) for (let i = 0; i < h.d; i++) s.add(h.c + i);
  return s;
}

/** Where an unchanged line of REF stands in the work tree; null when the change removed or edited it. */
export function mapOld(hunks: Hunk[], line: number): number | null {
  let delta = 0;
  for (const h of [...hunks].sort((x, y) => x.a - y.a)) {
    // A pure insertion (b = 0) goes after old line a.
    const start = h.b === 0 ? h.a + 1 : h.a;
    if (line < start) return line + delta;
    if (line < start + h.b) return null;
    delta += h.d - h.b;
  }
  return line + delta;
}

export interface ChangedFile {
  /** The measured file, as in the reports. */
  path: string;
  /** The same file in its repository. */
  repoPath: string;
  changed: number[];
  covered: number[];
  missing: number[];
  lost: number[];
  /** With a BASE: changed lines whose hunk replaced code that BASE ran (the change touched tested code). */
  coveredBefore?: number[];
  /** With --contexts: for each changed line that ran, the tests or features that ran it. */
  contexts?: Record<string, string[]>;
}

export interface ChangedReport {
  base: string | null;
  head: string;
  ref: string;
  files: ChangedFile[];
  totals: { changed: number; covered: number; missing: number; lost: number; coveredBefore?: number };
}

const sorted = (xs: Iterable<number>) => [...xs].sort((a, b) => a - b);

/**
 * Coverage of the change. `files` pairs each measured file with its place in
 * the repository (files the change does not touch are left out). Changed:
 * the change's lines that are statements now; covered/missing: of those,
 * run or not in HEAD; lost: unchanged lines BASE ran that HEAD did not, in
 * work-tree numbering (BASE is taken to be a report of the code at REF).
 */
export function changedReport(
  change: Change,
  files: { path: string; repoPath: string }[],
  head: CovJson,
  base: CovJson | null,
  names: { base: string | null; head: string; ref: string },
  withContexts = false,
): ChangedReport {
  const out: ChangedFile[] = [];
  for (const { path, repoPath } of files) {
    const hunks = change.get(repoPath);
    const h = head.files[path];
    if (!hunks || !h) continue;
    const ran = new Set(h.executed_lines);
    const statements = new Set([...h.executed_lines, ...h.missing_lines]);
    const changed = sorted([...changedLines(hunks)].filter((l) => statements.has(l)));
    const lost = new Set<number>();
    for (const l of base?.files[path]?.executed_lines ?? []) {
      const now = mapOld(hunks, l);
      if (now !== null && statements.has(now) && !ran.has(now)) lost.add(now);
    }
    const covered = changed.filter((l) => ran.has(l));
    const f: ChangedFile = { path, repoPath, changed, covered, missing: changed.filter((l) => !ran.has(l)), lost: sorted(lost) };
    if (base) {
      const before = new Set(base.files[path]?.executed_lines ?? []);
      const tested = hunks.filter((k) => Array.from({ length: k.b }, (_, i) => k.a + i).some((l) => before.has(l)));
      f.coveredBefore = changed.filter((l) => tested.some((k) => l >= k.c && l < k.c + k.d));
    }
    if (withContexts) f.contexts = Object.fromEntries(covered.map((l) => [String(l), contextNames(h.contexts?.[String(l)])]));
    out.push(f);
  }
  out.sort((x, y) => x.repoPath.localeCompare(y.repoPath));
  const sum = (k: "changed" | "covered" | "missing" | "lost") => out.reduce((n, f) => n + f[k].length, 0);
  const totals: ChangedReport["totals"] = { changed: sum("changed"), covered: sum("covered"), missing: sum("missing"), lost: sum("lost") };
  if (base) totals.coveredBefore = out.reduce((n, f) => n + (f.coveredBefore?.length ?? 0), 0);
  return { ...names, files: out, totals };
}

/** Percent of the changed lines that HEAD ran (100 when the change has none). */
export const changedPercent = (r: ChangedReport) => (r.totals.changed ? (100 * r.totals.covered) / r.totals.changed : 100);

/** coverage's labels ("static|test_function"), without the empty one of code run outside any. */
export const contextNames = (labels: string[] | undefined) => [...new Set((labels ?? []).filter((c) => c !== ""))].sort();

/** Several repositories' reports as one (their files keep their repository paths). */
export function mergeReports(parts: ChangedReport[], names: { base: string | null; head: string }): ChangedReport {
  const files = parts.flatMap((p) => p.files);
  const sum = (k: "changed" | "covered" | "missing" | "lost" | "coveredBefore") => parts.reduce((n, p) => n + (p.totals[k] ?? 0), 0);
  const totals: ChangedReport["totals"] = { changed: sum("changed"), covered: sum("covered"), missing: sum("missing"), lost: sum("lost") };
  if (names.base) totals.coveredBefore = sum("coveredBefore");
  return { ...names, ref: [...new Set(parts.map((p) => p.ref))].join(", "), files, totals };
}

const pct = (r: ChangedReport) => `${changedPercent(r).toFixed(1)}%`;

/** For people: a table per file, then the lines not run and the lines lost. `paint` colours on a terminal. */
export function renderChanged(r: ChangedReport, ranges: (l: number[]) => string, paint: { bad: (s: string) => string; warn: (s: string) => string } = { bad: (s) => s, warn: (s) => s }): string {
  const w = Math.max(4, ...r.files.map((f) => f.repoPath.length));
  const row = (name: string, c: number | string, b: number | string, v: number | string, m: number | string, l: number | string) =>
    `${name.padEnd(w)}  ${String(c).padStart(7)}  ${String(b).padStart(6)}  ${String(v).padStart(7)}  ${String(m).padStart(7)}  ${String(l).padStart(5)}`;
  const head = row("File", "Changed", "Before", "Covered", "Missing", "Lost");
  const lines = [`lines changed since ${r.ref}, run in ${r.head}${r.base ? `, lost against ${r.base}` : ""}`, head, "-".repeat(head.length)];
  for (const f of r.files) lines.push(row(f.repoPath, f.changed.length, f.coveredBefore?.length ?? "-", f.covered.length, f.missing.length, r.base ? f.lost.length : "-"));
  lines.push("-".repeat(head.length), row("TOTAL", r.totals.changed, r.totals.coveredBefore ?? "-", r.totals.covered, r.totals.missing, r.base ? r.totals.lost : "-"), "", `${pct(r)} of the changed lines ran${r.totals.coveredBefore !== undefined ? `; ${r.totals.coveredBefore} of them replaced code that ran in ${r.base}` : ""}`);
  for (const f of r.files) {
    for (const [line, names] of Object.entries(f.contexts ?? {})) if (names.length) lines.push(`${f.repoPath}:${line} — ${names.join(", ")}`);
    if (f.missing.length) lines.push(paint.bad(`${f.repoPath}: changed, never run: ${ranges(f.missing)}`));
    if (f.lost.length) lines.push(paint.warn(`${f.repoPath}: unchanged, no longer run: ${ranges(f.lost)}`));
  }
  if (!r.files.length) lines.push("the change touches no measured file");
  return lines.join("\n");
}

/** For a review comment. */
export function renderChangedMarkdown(r: ChangedReport, ranges: (l: number[]) => string): string {
  const out = [`**Coverage of the change** (since \`${r.ref}\`): ${r.totals.covered} of ${r.totals.changed} changed lines ran (${pct(r)})${r.base ? `; ${r.totals.lost} unchanged lines no longer run (against \`${r.base}\`)` : ""}.`, "", "| File | Changed | Covered | Never run | Lost |", "| --- | ---: | ---: | --- | --- |"];
  for (const f of r.files) out.push(`| \`${f.repoPath}\` | ${f.changed.length} | ${f.covered.length} | ${f.missing.length ? ranges(f.missing) : ""} | ${f.lost.length ? ranges(f.lost) : ""} |`);
  return out.join("\n") + "\n";
}
