import { existsSync, mkdirSync, readdirSync, renameSync } from "node:fs";
import { join } from "node:path";

export const isDataFile = (n: string) => n === ".coverage" || n.startsWith(".coverage.");

export function dataFiles(dir: string): string[] {
  try {
    return readdirSync(dir).filter(isDataFile);
  } catch {
    return [];
  }
}

/** What belongs to one run: data files, the measured processes' warnings, files set aside. */
const ofRun = (n: string) => isDataFile(n) || n === "warnings.log" || n === "unreadable";

/** Moves the previous run aside (kept, not deleted); returns where, or null when there was nothing. */
export function moveAside(dir: string, now = new Date()): string | null {
  let names: string[] = [];
  try {
    names = readdirSync(dir).filter(ofRun);
  } catch {
    return null;
  }
  if (!names.length) return null;
  const stamp = now.toISOString().replace(/[:.]/g, "-");
  let dest = `${dir}.prev-${stamp}`;
  for (let i = 1; existsSync(dest); i++) dest = `${dir}.prev-${stamp}-${i}`;
  mkdirSync(dest, { recursive: true, mode: 0o700 });
  for (const f of names) renameSync(join(dir, f), join(dest, f));
  return dest;
}
