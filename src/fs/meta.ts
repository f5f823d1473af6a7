import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readdirSync, statSync, utimesSync } from "node:fs";

/** What `off` puts back besides the bytes: permission bits, owner, mtime to the nanosecond. */
export interface Meta {
  mode: number;
  uid: number;
  gid: number;
  /** Nanoseconds since the epoch, as a decimal string (a bigint does not fit JSON). */
  mtimeNs: string;
}

export function metaOf(path: string): Meta {
  const st = statSync(path, { bigint: true });
  return { mode: Number(st.mode & 0o7777n), uid: Number(st.uid), gid: Number(st.gid), mtimeNs: String(st.mtimeNs) };
}

/**
 * Sets the modification time to the nanosecond. Node's utimes goes through
 * a double (about 240 ns apart at today's times), so when that is not exact
 * touch sets it, from an ISO 8601 time in UTC with nine digits of fraction:
 * the one form that coreutils' touch and macOS's (BSD) touch both read
 * (docs/os.md).
 */
export function setMtimeNs(path: string, mtimeNs: string): void {
  const ns = BigInt(mtimeNs);
  const sec = ns / 1_000_000_000n;
  const frac = String(ns % 1_000_000_000n).padStart(9, "0");
  const now = new Date();
  utimesSync(path, now, Number(`${sec}.${frac}`));
  if (statSync(path, { bigint: true }).mtimeNs === ns) return;
  const iso = new Date(Number(sec) * 1000).toISOString().slice(0, 19);
  execFileSync("touch", ["-m", "-c", "-d", `${iso}.${frac}Z`, "--", path], { stdio: "ignore" });
}

/** A directory's mtime and which entries it had: put back only while the entries are the same. */
export interface DirMeta {
  path: string;
  mtimeNs: string;
  entries?: string;
}

const entriesOf = (dir: string) => createHash("sha256").update(readdirSync(dir).sort().join("\0")).digest("hex").slice(0, 16);

export const dirMetaOf = (dir: string): DirMeta => ({ path: dir, mtimeNs: metaOf(dir).mtimeNs, entries: entriesOf(dir) });

/**
 * Sets a directory's mtime back when it holds the same entries as when it
 * was saved: then only covshim's own write and removal changed it. A
 * directory the user or Python changed meanwhile keeps the time of that change.
 */
export function restoreDirMtime(d: DirMeta): void {
  try {
    if (d.entries !== undefined && entriesOf(d.path) !== d.entries) return;
    setMtimeNs(d.path, d.mtimeNs);
  } catch {
    // gone meanwhile: nothing to put back
  }
}
