import { existsSync, readdirSync, rmSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { dataFiles } from "./datadir.js";

export interface Run {
  dir: string;
  /** When it was moved aside (from the directory name); null for the current run. */
  when: string | null;
  files: number;
  bytes: number;
}

/** Bytes under a path (files only). */
export function sizeOf(path: string): number {
  let total = 0;
  try {
    const st = statSync(path);
    if (!st.isDirectory()) return st.size;
    for (const n of readdirSync(path)) total += sizeOf(join(path, n));
  } catch {
    // gone meanwhile
  }
  return total;
}

const STAMP = /\.prev-(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})-(\d{3})Z(?:-\d+)?$/;

/** The previous runs `enable` moved aside (DATADIR.prev-TIME), oldest first. */
export function previousRuns(dataDir: string): Run[] {
  let names: string[] = [];
  try {
    names = readdirSync(dirname(dataDir)).filter((n) => n.startsWith(`${basename(dataDir)}.prev-`));
  } catch {
    return [];
  }
  return names
    .sort()
    .map((n) => {
      const dir = join(dirname(dataDir), n);
      const m = STAMP.exec(n);
      return { dir, when: m ? `${m[1]}T${m[2]}:${m[3]}:${m[4]}.${m[5]}Z` : null, files: dataFiles(dir).length, bytes: sizeOf(dir) };
    });
}

export function currentRun(dataDir: string): Run {
  return { dir: dataDir, when: null, files: existsSync(dataDir) ? dataFiles(dataDir).length : 0, bytes: sizeOf(dataDir) };
}

/** Deletes the previous runs beyond the newest `keep`; returns what it deleted. */
export function pruneRuns(dataDir: string, keep: number): Run[] {
  const runs = previousRuns(dataDir);
  const gone = runs.slice(0, Math.max(0, runs.length - keep));
  for (const r of gone) rmSync(r.dir, { recursive: true, force: true });
  return gone;
}

/** "12 KiB", "3.4 MiB". */
export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KiB", "MiB", "GiB"];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}
