import { closeSync, fchmodSync, fchownSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { step } from "../fault.js";
import { setMtimeNs } from "./meta.js";

export const TMP_SUFFIX = ".covshim-tmp";

export interface FileMeta {
  mode: number;
  uid?: number;
  gid?: number;
  /** Set on the temporary file before the rename: the file never appears with another mtime. */
  mtimeNs?: string;
}

/** Creates `path` exclusively (a link planted at its name is not followed), writes, fsyncs. */
function writeNew(path: string, data: string | Buffer, meta: FileMeta): void {
  const fd = openSync(path, "wx", meta.mode);
  try {
    // open() applies the umask; the bits asked for are the bits wanted.
    fchmodSync(fd, meta.mode);
    if (meta.uid !== undefined && meta.gid !== undefined && (meta.uid !== process.getuid?.() || meta.gid !== process.getgid?.())) {
      try {
        fchownSync(fd, meta.uid, meta.gid);
      } catch {
        // Only root may give a file away; a user restoring their own file never needs to.
      }
    }
    writeSync(fd, typeof data === "string" ? Buffer.from(data) : data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * The one writer for every file covshim writes: next to the file, then
 * rename, so a reader sees the old or the new file, never half of one. A
 * rename replaces, never follows, a link at `path`.
 */
export function atomicWrite(path: string, data: string | Buffer, meta: FileMeta | number = 0o644): void {
  const m = typeof meta === "number" ? { mode: meta } : meta;
  const tmp = path + TMP_SUFFIX;
  try {
    unlinkSync(tmp);
  } catch {
    // not there: the usual case
  }
  writeNew(tmp, data, m);
  if (m.mtimeNs !== undefined) setMtimeNs(tmp, m.mtimeNs);
  step(`wrote ${tmp}`);
  renameSync(tmp, path);
  step(`renamed to ${path}`);
}

/** A private copy (0600) that survives a crash: fsynced before anything relies on it. */
export function keepCopy(src: string, dst: string): void {
  mkdirSync(dirname(dst), { recursive: true, mode: 0o700 });
  writeNew(dst, readFileSync(src), { mode: 0o600 });
  step(`backed up ${src}`);
}
