import type { CovJson } from "./report.js";
import { branchesByLine } from "./formats.js";

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
  /**
   * With branch data (enable --branch): the branches of the changed lines,
   * and each changed line that ran with a branch that never did: line ->
   * the lines it never went to (negative: never left the function from there).
   */
  branches?: { total: number; taken: number };
  partial?: Record<string, number[]>;
}

export interface ChangedReport {
  base: string | null;
  head: string;
  ref: string;
  files: ChangedFile[];
  totals: { changed: number; covered: number; missing: number; lost: number; coveredBefore?: number; branches?: number; branchesTaken?: number };
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
    if (h.executed_branches !== undefined || h.missing_branches !== undefined) {
      const br = branchesByLine(h);
      f.branches = { total: 0, taken: 0 };
      f.partial = {};
      for (const l of changed) {
        const b = br.get(l);
        if (!b) continue;
        f.branches.total += b.targets.length;
        if (!ran.has(l)) continue;
        f.branches.taken += b.taken.size;
        const never = b.targets.filter((t) => !b.taken.has(t));
        if (never.length) f.partial[String(l)] = never;
      }
    }
    out.push(f);
  }
  out.sort((x, y) => x.repoPath.localeCompare(y.repoPath));
  const sum = (k: "changed" | "covered" | "missing" | "lost") => out.reduce((n, f) => n + f[k].length, 0);
  const totals: ChangedReport["totals"] = { changed: sum("changed"), covered: sum("covered"), missing: sum("missing"), lost: sum("lost") };
  if (base) totals.coveredBefore = out.reduce((n, f) => n + (f.coveredBefore?.length ?? 0), 0);
  addBranchTotals(out, totals);
  return { ...names, files: out, totals };
}

function addBranchTotals(files: ChangedFile[], totals: ChangedReport["totals"]): void {
  if (!files.some((f) => f.branches)) return;
  totals.branches = files.reduce((n, f) => n + (f.branches?.total ?? 0), 0);
  totals.branchesTaken = files.reduce((n, f) => n + (f.branches?.taken ?? 0), 0);
}

/** Percent of the changed lines' branches that HEAD took (100 when they have none); null without branch data. */
export const changedBranchPercent = (r: ChangedReport): number | null =>
  r.totals.branches === undefined ? null : r.totals.branches ? (100 * r.totals.branchesTaken!) / r.totals.branches : 100;

/** "12→14, 20→exit": a changed line's branches that never ran. */
export const partialText = (p: Record<string, number[]>) =>
  Object.entries(p)
    .flatMap(([l, ts]) => ts.map((t) => `${l}→${t < 0 ? "exit" : t}`))
    .join(", ");

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
  addBranchTotals(files, totals);
  return { ...names, ref: [...new Set(parts.map((p) => p.ref))].join(", "), files, totals };
}

const pct = (r: ChangedReport) => `${changedPercent(r).toFixed(1)}%`;

/** For people: a table per file, then the lines not run and the lines lost. `paint` colours on a terminal. */
export function renderChanged(r: ChangedReport, ranges: (l: number[]) => string, paint: { bad: (s: string) => string; warn: (s: string) => string } = { bad: (s) => s, warn: (s) => s }): string {
  const w = Math.max(4, ...r.files.map((f) => f.repoPath.length));
  const withBranches = r.totals.branches !== undefined;
  const brCell = (b?: { total: number; taken: number }) => (withBranches ? `  ${(b ? `${b.taken}/${b.total}` : "-").padStart(8)}` : "");
  const row = (name: string, c: number | string, b: number | string, v: number | string, m: number | string, l: number | string, br = "") =>
    `${name.padEnd(w)}  ${String(c).padStart(7)}  ${String(b).padStart(6)}  ${String(v).padStart(7)}  ${String(m).padStart(7)}  ${String(l).padStart(5)}${br}`;
  const head = row("File", "Changed", "Before", "Covered", "Missing", "Lost", withBranches ? `  ${"Branches".padStart(8)}` : "");
  const lines = [`lines changed since ${r.ref}, run in ${r.head}${r.base ? `, lost against ${r.base}` : ""}`, head, "-".repeat(head.length)];
  for (const f of r.files) lines.push(row(f.repoPath, f.changed.length, f.coveredBefore?.length ?? "-", f.covered.length, f.missing.length, r.base ? f.lost.length : "-", brCell(f.branches)));
  const tb = withBranches ? { total: r.totals.branches!, taken: r.totals.branchesTaken! } : undefined;
  const bp = changedBranchPercent(r);
  lines.push("-".repeat(head.length), row("TOTAL", r.totals.changed, r.totals.coveredBefore ?? "-", r.totals.covered, r.totals.missing, r.base ? r.totals.lost : "-", brCell(tb)), "", `${pct(r)} of the changed lines ran${bp !== null ? `, ${bp.toFixed(1)}% of their branches` : ""}${r.totals.coveredBefore !== undefined ? `; ${r.totals.coveredBefore} of them replaced code that ran in ${r.base}` : ""}`);
  for (const f of r.files) {
    for (const [line, names] of Object.entries(f.contexts ?? {})) if (names.length) lines.push(`${f.repoPath}:${line} — ${names.join(", ")}`);
    if (f.missing.length) lines.push(paint.bad(`${f.repoPath}: changed, never run: ${ranges(f.missing)}`));
    if (f.partial && Object.keys(f.partial).length) lines.push(paint.warn(`${f.repoPath}: changed, a branch never taken: ${partialText(f.partial)}`));
    if (f.lost.length) lines.push(paint.warn(`${f.repoPath}: unchanged, no longer run: ${ranges(f.lost)}`));
  }
  if (!r.files.length) lines.push("the change touches no measured file");
  return lines.join("\n");
}

/** For a review comment. */
export function renderChangedMarkdown(r: ChangedReport, ranges: (l: number[]) => string, threshold?: string): string {
  const bp = changedBranchPercent(r);
  const wb = bp !== null;
  const out = [
    `**Coverage of the change** (since \`${r.ref}\`): ${r.totals.covered} of ${r.totals.changed} changed lines ran (${pct(r)})${wb ? `, ${r.totals.branchesTaken} of ${r.totals.branches} of their branches taken (${bp.toFixed(1)}%)` : ""}${r.base ? `; ${r.totals.lost} unchanged lines no longer run (against \`${r.base}\`)` : ""}.`,
  ];
  if (threshold) out.push("", threshold);
  out.push("", `| File | Changed | Covered | Never run |${wb ? " Branches never taken |" : ""} Lost |`, `| --- | ---: | ---: | --- |${wb ? " --- |" : ""} --- |`);
  for (const f of r.files) out.push(`| \`${f.repoPath}\` | ${f.changed.length} | ${f.covered.length} | ${f.missing.length ? ranges(f.missing) : ""} |${wb ? ` ${f.partial ? partialText(f.partial) : ""} |` : ""} ${f.lost.length ? ranges(f.lost) : ""} |`);
  return out.join("\n") + "\n";
}

/**
 * GitHub Actions workflow commands: one warning per changed line never run
 * and per branch of a changed line never taken, at its place in the
 * repository, so that they show on the pull request's diff.
 */
export function githubAnnotations(r: ChangedReport): string {
  const prop = (s: string) => s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A").replace(/:/g, "%3A").replace(/,/g, "%2C");
  const out: string[] = [];
  for (const f of r.files) {
    for (const l of f.missing) out.push(`::warning file=${prop(f.repoPath)},line=${l},title=covshim::changed line ${l} never ran in ${r.head}`);
    for (const [l, ts] of Object.entries(f.partial ?? {})) {
      for (const t of ts) out.push(`::warning file=${prop(f.repoPath)},line=${l},title=covshim::branch ${l}→${t < 0 ? "exit" : t} never taken in ${r.head}`);
    }
  }
  return out.length ? out.join("\n") + "\n" : "";
}

/**
 * --fail-under and --fail-under-branches on a change: what failed (the
 * error's parts) and the Markdown's threshold sentence. Branches need
 * branch data (changedBranchPercent not null).
 */
export function changedThresholds(r: ChangedReport, failUnder: number | undefined, failUnderBranches: number | undefined): { failed: string[]; threshold: string | undefined } {
  const p = changedPercent(r);
  const bp = changedBranchPercent(r) ?? 0;
  const failed = [
    failUnder !== undefined && p < failUnder ? `${p.toFixed(1)}% of the changed lines ran, under --fail-under ${failUnder}` : "",
    failUnderBranches !== undefined && bp < failUnderBranches ? `${bp.toFixed(1)}% of the changed lines' branches were taken, under --fail-under-branches ${failUnderBranches}` : "",
  ].filter(Boolean);
  const threshold = [
    failUnder !== undefined ? `Threshold ${failUnder}% of the changed lines: ${p >= failUnder ? "held" : "**not held**"}.` : "",
    failUnderBranches !== undefined ? `Threshold ${failUnderBranches}% of their branches: ${bp >= failUnderBranches ? "held" : "**not held**"}.` : "",
  ].filter(Boolean).join(" ");
  return { failed, threshold: threshold || undefined };
}
