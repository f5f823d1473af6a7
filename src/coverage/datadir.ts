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

/** Moves the previous run's data aside (kept, not deleted); returns where, or null. */
export function moveAside(dir: string, now = new Date()): string | null {
  const files = dataFiles(dir);
  if (!files.length) return null;
  const stamp = now.toISOString().replace(/[:.]/g, "-");
  let dest = `${dir}.prev-${stamp}`;
  for (let i = 1; existsSync(dest); i++) dest = `${dir}.prev-${stamp}-${i}`;
  mkdirSync(dest, { recursive: true, mode: 0o700 });
  for (const f of files) renameSync(join(dir, f), join(dest, f));
  return dest;
}
