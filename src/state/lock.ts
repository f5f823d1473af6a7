import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import { CovshimError } from "../errors.js";

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
};

const ownerOf = (file: string) => {
  try {
    return Number.parseInt(readFileSync(file, "utf8"), 10) || 0;
  } catch {
    return 0;
  }
};

/**
 * An exclusive lock file holding the owner's pid. A lock left by a killed
 * covshim (kill -9, a crash) is taken over at once: its pid is gone. The
 * lock appears by link(2), so it never exists half-written.
 */
export async function takeLock(path: string, timeoutMs = 30_000): Promise<() => void> {
  const mine = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  writeFileSync(mine, String(process.pid), { mode: 0o600 });
  const end = Date.now() + timeoutMs;
  try {
    for (;;) {
      try {
        linkSync(mine, path);
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      }
      const owner = ownerOf(path);
      if (owner && !alive(owner)) {
        // Move the stale lock aside under a name of our own, and drop it only
        // if it is still the dead owner's (another covshim may have won).
        const aside = `${mine}.stale`;
        try {
          renameSync(path, aside);
          if (ownerOf(aside) !== owner) linkSync(aside, path);
          unlinkSync(aside);
        } catch {
          // someone else cleaned it up first
        }
        continue;
      }
      if (Date.now() > end) throw new CovshimError(`another covshim (pid ${owner}) holds ${path}; try again when it is done`);
      await new Promise((r) => setTimeout(r, 25));
    }
  } finally {
    unlinkSync(mine);
  }
  return () => {
    if (ownerOf(path) === process.pid) unlinkSync(path);
  };
}
