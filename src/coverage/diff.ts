import { type Change, mapOld } from "./changed.js";
import type { CovJson } from "./report.js";

export interface FileChange {
  file: string;
  statements: number;
  before: number;
  after: number;
  change: number;
  /** HEAD's numbering: lines that ran in HEAD and did not in BASE (new code that ran counts). */
  newlyCovered: number[];
  /** HEAD's numbering: lines that ran in BASE, are still there, and did not run in HEAD. */
  lost: number[];
  /** The file is in one report only: BASE or HEAD did not measure it (its figures are not a change). */
  only?: "base" | "head";
  /** Its source changed between BASE and HEAD: lines were matched across the edit. */
  edited?: boolean;
}

/**
 * Per-file change between two coverage JSON reports, biggest change first.
 * `moves` (moves.ts: from the sources saved with BASE and HEAD) says how each
 * edited file's lines moved: a line that only moved is neither lost nor
 * newly covered, and a line the edit removed is not lost.
 */
export function diffReports(base: CovJson, head: CovJson, moves: Change = new Map()): FileChange[] {
  const files = new Set([...Object.keys(base.files), ...Object.keys(head.files)]);
  const out: FileChange[] = [];
  for (const f of files) {
    const b = base.files[f];
    const h = head.files[f];
    const hunks = moves.get(f);
    // BASE's lines in HEAD's numbering; those the edit removed or rewrote are gone.
    const bLines = new Set((b?.executed_lines ?? []).map((l) => (hunks ? mapOld(hunks, l) : l)).filter((l): l is number => l !== null));
    const hLines = new Set(h?.executed_lines ?? []);
    const row: FileChange = {
      file: f,
      statements: (h ?? b)!.summary.num_statements,
      before: b?.summary.covered_lines ?? 0,
      after: h?.summary.covered_lines ?? 0,
      change: (h?.summary.covered_lines ?? 0) - (b?.summary.covered_lines ?? 0),
      newlyCovered: b && h ? [...hLines].filter((l) => !bLines.has(l)).sort((x, y) => x - y) : [],
      lost: b && h ? [...bLines].filter((l) => !hLines.has(l)).sort((x, y) => x - y) : [],
    };
    if (!b) row.only = "head";
    if (!h) row.only = "base";
    if (hunks) row.edited = true;
    out.push(row);
  }
  return out.sort((x, y) => Math.abs(y.change) - Math.abs(x.change) || y.newlyCovered.length + y.lost.length - (x.newlyCovered.length + x.lost.length) || x.file.localeCompare(y.file));
}

/** "3-5, 9" from [3,4,5,9]. */
export function ranges(lines: number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < lines.length; ) {
    let j = i;
    while (j + 1 < lines.length && lines[j + 1] === lines[j]! + 1) j++;
    parts.push(i === j ? `${lines[i]}` : `${lines[i]}-${lines[j]}`);
    i = j + 1;
  }
  return parts.join(", ");
}

export function renderDiff(rows: FileChange[], baseName: string, headName: string, totals: { before: number; after: number; statements: number }): string {
  const changed = rows.filter((r) => r.change !== 0 || r.newlyCovered.length || r.lost.length || r.only);
  const w = Math.max(4, ...rows.map((r) => r.file.length));
  const lines = [`${"File".padEnd(w)}  Stmts  ${baseName.slice(0, 10).padStart(10)}  ${headName.slice(0, 10).padStart(10)}  Change`];
  lines.push("-".repeat(lines[0]!.length));
  for (const r of rows) {
    const sign = r.change > 0 ? `+${r.change}` : `${r.change}`;
    lines.push(`${r.file.padEnd(w)}  ${String(r.statements).padStart(5)}  ${String(r.before).padStart(10)}  ${String(r.after).padStart(10)}  ${sign.padStart(6)}`);
  }
  lines.push("-".repeat(lines[0]!.length));
  const tc = totals.after - totals.before;
  lines.push(`${"TOTAL".padEnd(w)}  ${String(totals.statements).padStart(5)}  ${String(totals.before).padStart(10)}  ${String(totals.after).padStart(10)}  ${(tc > 0 ? `+${tc}` : `${tc}`).padStart(6)}`);
  if (changed.length) lines.push("");
  for (const r of changed) {
    if (r.only === "head") lines.push(`${r.file}: not measured in ${baseName} (${r.after} of ${r.statements} lines ran in ${headName})`);
    if (r.only === "base") lines.push(`${r.file}: not measured in ${headName}`);
    if (r.newlyCovered.length) lines.push(`${r.file}: newly covered ${ranges(r.newlyCovered)}`);
    if (r.lost.length) lines.push(`${r.file}: no longer covered ${ranges(r.lost)}`);
  }
  if (!changed.length) lines.push("\nno file changed");
  return lines.join("\n");
}
