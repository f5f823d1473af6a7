import {
  closeSync, existsSync, fsyncSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync,
  renameSync, rmdirSync, statSync, unlinkSync, utimesSync, writeSync,
} from "node:fs";
import { dirname, join } from "node:path";
import shimTemplate from "../templates/shim.py?raw";
import type { ShimRecord } from "./state.js";
import { CovshimError } from "./errors.js";
import { step } from "./fault.js";

export const BEGIN = "# >>> covshim >>> managed by covshim; `covshim off` removes this block";
export const END = "# <<< covshim <<<";
export const PTH_NAME = "a0_covshim.pth";
const TMP_SUFFIX = ".covshim-tmp";

/**
 * Python literal for a string: JSON's escapes are valid Python escapes; non-ASCII
 * is escaped too, so the file is ASCII whatever locale Python reads it in.
 */
const pyStr = (s: string) => JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);

export function renderShimCode(rcfile: string, expiresEpoch: number): string {
  return shimTemplate.replace("__EXPIRES__", String(Math.floor(expiresEpoch))).replace("__RCFILE__", pyStr(rcfile));
}

/**
 * A .pth runs lines that start with `import`; the shim goes in as one exec,
 * guarded so that a process that wants no measurement does not even compile
 * it (this is what keeps start-up within the noise; see docs/benchmarks.md).
 */
export function renderPth(code: string, expiresEpoch = 0): string {
  // eval(compile(...)) rather than exec(): an expression on Python 2 as well.
  const run = `eval(compile(${pyStr(code)}, "<covshim>", "exec"))`;
  const guard = expiresEpoch
    ? `import time; time.time() < ${Math.floor(expiresEpoch)} and ${run}`
    : `import os; "COVERAGE_PROCESS_START" in os.environ and ${run}`;
  return guard + "\n";
}

export const renderBlock = (code: string) => `${BEGIN}\n${code.trimEnd()}\n${END}\n`;

/** Where covshim's marked block stands, markers and its newline included; null when there is none. */
function blockAt(text: string): { start: number; stop: number } | null {
  const start = text.indexOf(BEGIN);
  const endAt = start < 0 ? -1 : text.indexOf(END, start);
  if (endAt < 0) return null;
  return { start, stop: endAt + END.length + (text[endAt + END.length] === "\n" ? 1 : 0) };
}

/** Removes covshim's marked block; null when there is none. */
export function stripBlock(text: string): string | null {
  const at = blockAt(text);
  if (!at) return null;
  const stop = at.stop;
  let begin = at.start;
  // The block was appended after a separating newline that covshim added.
  if (text.slice(0, begin).endsWith("\n\n") && stop === text.length) begin--;
  return text.slice(0, begin) + text.slice(stop);
}

function fsyncWrite(path: string, data: string | Buffer, mode: number): void {
  const fd = openSync(path, "wx", mode);
  try {
    writeSync(fd, typeof data === "string" ? Buffer.from(data) : data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Write next to the file, then rename: a reader sees the old or the new file,
 * never half. The temporary file is created exclusively, so a link planted
 * at its name is not followed; the rename replaces, never follows, a link.
 */
export function atomicWrite(path: string, data: string | Buffer, mode = 0o644): void {
  const tmp = path + TMP_SUFFIX;
  try {
    unlinkSync(tmp);
  } catch {
    // not there: the usual case
  }
  fsyncWrite(tmp, data, mode);
  step(`wrote ${tmp}`);
  renameSync(tmp, path);
  step(`renamed to ${path}`);
}

/** A private copy (0600) that survives a crash: fsynced before anything relies on it. */
function copyKeep(src: string, dst: string): void {
  mkdirSync(dirname(dst), { recursive: true, mode: 0o700 });
  fsyncWrite(dst, readFileSync(src), 0o600);
  step(`backed up ${src}`);
}

const pycDir = (shimPath: string) => join(dirname(shimPath), "__pycache__");
/** Compiled copies of the shim module: __pycache__ (Python 3) and beside it (Python 2). */
const pycsOf = (shimPath: string) => {
  const dir = pycDir(shimPath);
  const py2 = join(dirname(shimPath), "sitecustomize.pyc");
  let found: string[] = [];
  try {
    found = readdirSync(dir).filter((n) => n.startsWith("sitecustomize.") && n.endsWith(".pyc")).map((n) => join(dir, n));
  } catch {
    // no __pycache__
  }
  return existsSync(py2) ? [...found, py2] : found;
};

/**
 * Saves what a shim will replace, before anything in the install changes.
 * The returned record is all `removeShim` needs, also after a crash.
 */
export function planShim(type: "pth" | "block", path: string, backupDir: string): ShimRecord {
  let backup: string | null = null;
  let mtimeMs: number | null = null;
  let isLink = false;
  try {
    isLink = lstatSync(path).isSymbolicLink();
  } catch {
    // does not exist yet
  }
  if (isLink) throw new CovshimError(`${path} is a symbolic link; covshim does not write through links (copy the file in its place, or use another directory)`);
  if (existsSync(path)) {
    backup = join(backupDir, type === "pth" ? "original.pth" : "sitecustomize.py");
    copyKeep(path, backup);
    mtimeMs = statSync(path).mtimeMs;
  }
  const pycs = type === "block"
    ? pycsOf(path).map((p, i) => {
        const b = join(backupDir, `pyc-${i}`);
        copyKeep(p, b);
        return { path: p, backup: b, mtimeMs: statSync(p).mtimeMs };
      })
    : [];
  return { type, path, backup, mtimeMs, pycs, pycacheExisted: existsSync(pycDir(path)) };
}

/** The block goes at the end, after a blank line, so a `from __future__` import stays first. */
const withBlock = (original: string, block: string) =>
  original + (original === "" || original.endsWith("\n\n") ? "" : original.endsWith("\n") ? "\n" : "\n\n") + block;

/** The marked block as it stands in a file, markers included. */
function blockIn(text: string): string | null {
  const at = blockAt(text);
  return at ? text.slice(at.start, at.stop) : null;
}

export function writeShim(rec: ShimRecord, code: string, expiresEpoch = 0): void {
  if (rec.type === "pth") {
    atomicWrite(rec.path, renderPth(code, expiresEpoch));
    return;
  }
  const original = rec.backup ? readFileSync(rec.backup, "utf8") : "";
  const mode = rec.backup ? statSync(rec.backup).mode & 0o777 : 0o644;
  atomicWrite(rec.path, withBlock(original, renderBlock(code)), mode);
}

export interface RemoveResult {
  changed: boolean;
  note?: string;
}

/** Puts back what `planShim` saved: byte for byte when the user has not edited the file since. */
export function removeShim(rec: ShimRecord): RemoveResult {
  let changed = false;
  let note: string | undefined;
  const tmp = rec.path + TMP_SUFFIX;
  if (existsSync(tmp)) {
    unlinkSync(tmp);
    step(`removed ${tmp}`);
    changed = true;
  }
  const restoreOriginal = () => {
    atomicWrite(rec.path, readFileSync(rec.backup!), statSync(rec.backup!).mode & 0o777);
    if (rec.mtimeMs !== null) utimesSync(rec.path, new Date(), new Date(rec.mtimeMs));
  };
  if (rec.type === "pth") {
    if (existsSync(rec.path)) {
      const current = readFileSync(rec.path, "utf8");
      if (current.includes("covshim")) {
        if (rec.backup && existsSync(rec.backup)) restoreOriginal();
        else {
          unlinkSync(rec.path);
          step(`removed ${rec.path}`);
        }
        changed = true;
      }
    }
  } else if (existsSync(rec.path)) {
    const current = readFileSync(rec.path, "utf8");
    const stripped = stripBlock(current);
    const block = blockIn(current);
    if (stripped !== null && block !== null) {
      const original = rec.backup && existsSync(rec.backup) ? readFileSync(rec.backup, "utf8") : "";
      if (current === withBlock(original, block)) {
        if (rec.backup && existsSync(rec.backup)) restoreOriginal();
        else {
          unlinkSync(rec.path);
          step(`removed ${rec.path}`);
        }
      } else {
        // Edited since enable: keep the user's edits, take out only our block.
        atomicWrite(rec.path, stripped, statSync(rec.path).mode & 0o777);
        note = `${rec.path} was edited while covshim was on; removed covshim's block and kept the edits`;
      }
      changed = true;
    }
    if (changed) restorePycs(rec);
  }
  return { changed, note };
}

function restorePycs(rec: ShimRecord): void {
  const saved = new Map(rec.pycs.map((p) => [p.path, p]));
  for (const p of pycsOf(rec.path)) {
    if (!saved.has(p)) {
      unlinkSync(p);
      step(`removed ${p}`);
    }
  }
  for (const p of rec.pycs) {
    if (p.backup && existsSync(p.backup)) {
      atomicWrite(p.path, readFileSync(p.backup), statSync(p.backup).mode & 0o777);
      if (p.mtimeMs) utimesSync(p.path, new Date(), new Date(p.mtimeMs));
    }
  }
  const dir = pycDir(rec.path);
  if (!rec.pycacheExisted && existsSync(dir) && readdirSync(dir).length === 0) rmdirSync(dir);
}

/** True when the file holds a covshim shim (used by status, doctor and off). */
export function hasShim(rec: Pick<ShimRecord, "type" | "path">): boolean {
  try {
    const text = readFileSync(rec.path, "utf8");
    return rec.type === "pth" ? text.includes("covshim") : text.includes(BEGIN);
  } catch {
    return false;
  }
}
