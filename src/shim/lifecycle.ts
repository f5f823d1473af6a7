import { existsSync, lstatSync, readdirSync, readFileSync, rmdirSync, statSync, unlinkSync } from "node:fs";
import { dirname, join } from "node:path";
import type { ShimRecord } from "../state/state.js";
import { CovshimError } from "../errors.js";
import { step } from "../fault.js";
import { TMP_SUFFIX, atomicWrite, keepCopy } from "../fs/atomic.js";
import { type Meta, dirMetaOf, metaOf, restoreDirMtime } from "../fs/meta.js";
import { type Removal, hasBlock, onText, removal } from "./block.js";
import { PTH_NAME, renderBlock, renderPth } from "./render.js";

/**
 * The two ways a shim sits in an install, behind one interface: a `.pth`
 * file of covshim's own (venv, python) or a marked block in the install's
 * sitecustomize.py (dir, gpdb). Everything else of the lifecycle is shared.
 */
interface Variant {
  fileName: string;
  /** The file's text while measurement is on. */
  content(original: string | null, code: string, expiresEpoch: number, py3: boolean): string;
  isOurs(text: string): boolean;
  removal(current: string, original: string | null): Removal;
  /** Compiled copies Python keeps of the file; they are saved and restored with it. */
  pycs(path: string): string[];
}

/**
 * A sitecustomize.py while on: the original's text (null: there was none)
 * with covshim's block after it. Cluster hosts get this text from the tool.
 */
export const blockFileText = (original: string | null, code: string, expiresEpoch: number) => onText(original ?? "", renderBlock(code, expiresEpoch, original === null));

const pycDir = (shimPath: string) => join(dirname(shimPath), "__pycache__");
/** __pycache__ for Python 3, beside the source for Python 2 (GPDB 6). */
function pycsOf(shimPath: string): string[] {
  let found: string[] = [];
  try {
    found = readdirSync(pycDir(shimPath)).filter((n) => n.startsWith("sitecustomize.") && n.endsWith(".pyc")).map((n) => join(pycDir(shimPath), n));
  } catch {
    // no __pycache__
  }
  const py2 = join(dirname(shimPath), "sitecustomize.pyc");
  return existsSync(py2) ? [...found, py2] : found;
}

const VARIANTS: Record<ShimRecord["type"], Variant> = {
  pth: {
    fileName: PTH_NAME,
    content: (_original, code, expiresEpoch, py3) => renderPth(code, expiresEpoch, py3),
    isOurs: (text) => text.includes("covshim"),
    removal: (current, original) => (current.includes("covshim") ? { action: original === null ? "delete" : "restore" } : { action: "none" }),
    pycs: () => [],
  },
  block: {
    fileName: "sitecustomize.py",
    content: (original, code, expiresEpoch) => blockFileText(original, code, expiresEpoch),
    isOurs: hasBlock,
    removal,
    pycs: pycsOf,
  },
};

/** The directories whose entries the shim changes: their mtimes are put back too. */
const dirsOf = (path: string) => [dirname(path), pycDir(path)].filter((d) => existsSync(d));

/**
 * Saves what a shim will replace, before anything in the install changes.
 * The returned record is all `removeShim` needs, also after a crash.
 */
export function saveOriginal(type: ShimRecord["type"], path: string, backupDir: string): ShimRecord {
  let isLink = false;
  try {
    isLink = lstatSync(path).isSymbolicLink();
  } catch {
    // does not exist yet
  }
  if (isLink) throw new CovshimError(`${path} is a symbolic link; covshim does not write through links (copy the file in its place, or use another directory)`);
  let backup: string | null = null;
  let meta: Meta | undefined;
  if (existsSync(path)) {
    backup = join(backupDir, type === "pth" ? "original.pth" : "sitecustomize.py");
    meta = metaOf(path);
    keepCopy(path, backup);
  }
  const pycs = VARIANTS[type].pycs(path).map((p, i) => {
    const b = join(backupDir, `pyc-${i}`);
    const m = metaOf(p);
    keepCopy(p, b);
    return { path: p, backup: b, meta: m };
  });
  const dirs = dirsOf(path).map(dirMetaOf);
  return { type, path, backup, meta, pycs, pycacheExisted: existsSync(pycDir(path)), dirs };
}

/**
 * Writes the shim in, readable by whoever could read the file before.
 * `py3`: the install's interpreter is Python 3 (a .pth then uses exec itself).
 */
export function writeShim(rec: ShimRecord, code: string, expiresEpoch = 0, py3 = false): void {
  const original = rec.backup ? readFileSync(rec.backup, "utf8") : null;
  const meta = rec.meta ?? { mode: 0o644 };
  atomicWrite(rec.path, VARIANTS[rec.type].content(original, code, expiresEpoch, py3), meta);
}

export interface RemoveResult {
  changed: boolean;
  note?: string;
}

/**
 * Copies a saved file back with its mode, owner and mtime, all set before
 * the rename: a kill cannot leave the bytes back and the mtime not.
 */
function putBack(path: string, backup: string, meta: Meta | undefined): void {
  atomicWrite(path, readFileSync(backup), meta ?? { mode: 0o644 });
}

/** Puts back what `saveOriginal` saved: byte for byte when the user has not edited the file since. */
export function removeShim(rec: ShimRecord): RemoveResult {
  const v = VARIANTS[rec.type];
  let changed = false;
  let note: string | undefined;
  // Half-written files of an earlier, killed run of this removal or of enable.
  for (const tmp of [rec.path, ...rec.pycs.map((p) => p.path)].map((p) => p + TMP_SUFFIX)) {
    if (existsSync(tmp)) {
      unlinkSync(tmp);
      step(`removed ${tmp}`);
      changed = true;
    }
  }
  if (existsSync(rec.path)) {
    const haveBackup = !!rec.backup && existsSync(rec.backup);
    const original = haveBackup ? readFileSync(rec.backup!, "utf8") : null;
    const r = v.removal(readFileSync(rec.path, "utf8"), original);
    if (r.action === "restore" && haveBackup) putBack(rec.path, rec.backup!, rec.meta);
    else if (r.action === "restore" || r.action === "delete") {
      unlinkSync(rec.path);
      step(`removed ${rec.path}`);
    } else if (r.action === "strip") {
      atomicWrite(rec.path, r.text, metaOf(rec.path));
      note = `${rec.path} was edited while covshim was on; removed covshim's block and kept the edits`;
    }
    if (r.action !== "none") changed = true;
  }
  // Also when the file itself was back already: a removal killed half-way
  // has not yet put the .pyc files and the directories' mtimes back.
  restorePycs(rec, v);
  for (const d of rec.dirs ?? []) restoreDirMtime(d);
  return { changed, note };
}

/** The file is already what a restore would make of it. */
function sameAs(path: string, backup: string, meta: Meta | undefined): boolean {
  try {
    const m = metaOf(path);
    return !!meta && m.mtimeNs === meta.mtimeNs && m.mode === meta.mode && readFileSync(path).equals(readFileSync(backup));
  } catch {
    return false;
  }
}

function restorePycs(rec: ShimRecord, v: Variant): void {
  const saved = new Set(rec.pycs.map((p) => p.path));
  for (const p of v.pycs(rec.path)) {
    if (!saved.has(p)) {
      unlinkSync(p);
      step(`removed ${p}`);
    }
  }
  for (const p of rec.pycs) {
    if (p.backup && existsSync(p.backup) && !sameAs(p.path, p.backup, p.meta)) putBack(p.path, p.backup, p.meta);
  }
  const dir = pycDir(rec.path);
  if (!rec.pycacheExisted && existsSync(dir) && readdirSync(dir).length === 0) rmdirSync(dir);
}

/** True when the file holds a covshim shim (status, doctor and off ask). */
export function hasShim(rec: Pick<ShimRecord, "type" | "path">): boolean {
  try {
    return statSync(rec.path).isFile() && VARIANTS[rec.type].isOurs(readFileSync(rec.path, "utf8"));
  } catch {
    return false;
  }
}
