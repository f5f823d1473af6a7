import { mkdirSync, readFileSync, appendFileSync, existsSync, chmodSync } from "node:fs";
import * as v from "valibot";
import { CovshimError } from "../errors.js";
import { type Dirs, lockFile, stateFile, touchedFile } from "../paths.js";
import { step } from "../fault.js";
import { atomicWrite } from "../fs/atomic.js";

export const KINDS = ["gpdb", "venv", "python", "dir"] as const;
export type Kind = (typeof KINDS)[number];
export const CORES = ["auto", "ctrace", "sysmon", "pytrace"] as const;
export type Core = (typeof CORES)[number];

/** Mode, owner and mtime (ns, decimal) of a file covshim replaced: restored with it. */
const MetaSchema = v.object({ mode: v.number(), uid: v.number(), gid: v.number(), mtimeNs: v.pipe(v.string(), v.regex(/^\d+$/)) });

const ShimSchema = v.object({
  type: v.picklist(["pth", "block"]),
  path: v.string(),
  /** The file as it was before covshim touched it; null: it did not exist. */
  backup: v.nullable(v.string()),
  meta: v.optional(MetaSchema),
  /** __pycache__ files of the shim module: original copies, or null if new. */
  pycs: v.array(v.object({ path: v.string(), backup: v.nullable(v.string()), meta: v.optional(MetaSchema) })),
  pycacheExisted: v.boolean(),
  /** The directories whose entries the shim changes, and their mtimes before. */
  dirs: v.optional(v.array(v.object({ path: v.string(), mtimeNs: v.string(), entries: v.optional(v.string()) }))),
});
export type ShimRecord = v.InferOutput<typeof ShimSchema>;

const InstallSchema = v.object({
  id: v.string(),
  name: v.string(),
  path: v.string(),
  kind: v.picklist(KINDS),
  enabled: v.boolean(),
  /** "run": on for one `covshim run` command only; the shell hooks ignore it. */
  scope: v.picklist(["shell", "install", "run"]),
  since: v.nullable(v.string()),
  expires: v.nullable(v.string()),
  rcfile: v.string(),
  dataDir: v.string(),
  shim: v.nullable(ShimSchema),
  python: v.string(),
  pythonVersion: v.string(),
  coverageVersion: v.nullable(v.string()),
  core: v.string(),
  /** Which recorder the install's processes use: covshim's own (Python 3.12+) or coverage.py's. */
  recorder: v.optional(v.picklist(["covshim", "coverage"])),
  /** What the install's processes get: PYTHONPATH entries, and for gpdb what greenplum_path.sh sets. */
  pythonPath: v.optional(v.array(v.string())),
  /** `enable --group`: the group whose members' processes are measured too. */
  group: v.optional(v.string()),
  env: v.optional(v.record(v.string(), v.string())),
  /** Cluster hosts (`enable --hosts`): where the shim also is, and how each one stands. */
  hosts: v.optional(
    v.array(
      v.object({
        host: v.string(),
        python: v.string(),
        dir: v.string(),
        shim: v.string(),
        dataDir: v.string(),
        /** What the install's own processes get on PYTHONPATH there (GPDB 6: coverage in $GPHOME/lib/python). */
        pythonPath: v.optional(v.array(v.string())),
        state: v.picklist(["on", "off", "unreachable"]),
        error: v.optional(v.string()),
        /** A collect under way: its id, and whether its file is here already (then only the ack is left). */
        collecting: v.optional(v.object({ id: v.string(), received: v.boolean() })),
        /** The last collect: what it brought and what crossed the wire. */
        collected: v.optional(v.object({ at: v.string(), files: v.number(), rawBytes: v.number(), wireBytes: v.number() })),
      }),
    ),
  ),
});
export type HostRecord = NonNullable<InstallRecord["hosts"]>[number];
export type InstallRecord = v.InferOutput<typeof InstallSchema>;

const StateSchema = v.object({
  version: v.literal(1),
  installs: v.record(v.string(), InstallSchema),
});
export type State = v.InferOutput<typeof StateSchema>;

export const emptyState = (): State => ({ version: 1, installs: {} });

export class DamagedStateError extends CovshimError {}

/** Reads and validates the state; a missing file is an empty state. */
export function readState(d: Dirs): State {
  const file = stateFile(d);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return emptyState();
    throw new DamagedStateError(`cannot read state file ${file}: ${(e as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new DamagedStateError(`state file ${file} is damaged (not JSON); run 'covshim off' to reset, it finds covshim's changes without it`);
  }
  if (data && typeof data === "object" && typeof (data as { version?: unknown }).version === "number" && (data as { version: number }).version > 1) {
    throw new DamagedStateError(`state file ${file} was written by a newer covshim (format ${(data as { version: number }).version}); upgrade covshim`);
  }
  const r = v.safeParse(StateSchema, data);
  if (!r.success) {
    const issue = r.issues[0];
    const where = issue?.path?.map((p) => String(p.key)).join(".") ?? "";
    throw new DamagedStateError(`state file ${file} is damaged (${where ? where + ": " : ""}${issue?.message}); run 'covshim off' to reset`);
  }
  return r.output;
}

export function ensureDirs(d: Dirs): void {
  for (const p of [d.state, d.data, d.config]) {
    mkdirSync(p, { recursive: true, mode: 0o700 });
  }
}

export async function writeState(d: Dirs, s: State): Promise<void> {
  ensureDirs(d);
  atomicWrite(stateFile(d), JSON.stringify(s, null, 2) + "\n", 0o600);
}

/** Runs fn while holding the state lock, so concurrent covshims serialise. */
export async function withLock<T>(d: Dirs, fn: () => Promise<T>): Promise<T> {
  ensureDirs(d);
  const { takeLock } = await import("./lock.js");
  const release = await takeLock(lockFile(d));
  try {
    return await fn();
  } finally {
    release();
  }
}

/**
 * Append-only record of every place covshim has written a shim. It survives a
 * damaged state.json, so `off` can still find and undo its changes.
 */
export interface Touched {
  id: string;
  path: string;
  shim: ShimRecord;
}

export function recordTouched(d: Dirs, t: Touched): void {
  ensureDirs(d);
  const file = touchedFile(d);
  const fresh = !existsSync(file);
  appendFileSync(file, JSON.stringify(t) + "\n", { mode: 0o600 });
  if (fresh) chmodSync(file, 0o600);
  step("recorded touched");
}

export function readTouched(d: Dirs): Touched[] {
  let text = "";
  try {
    text = readFileSync(touchedFile(d), "utf8");
  } catch {
    return [];
  }
  const out: Touched[] = [];
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    try {
      const t = JSON.parse(line) as Touched;
      if (t && typeof t.path === "string" && t.shim && typeof t.shim.path === "string") out.push(t);
    } catch {
      // A torn last line after a crash is expected; the others still count.
    }
  }
  return out;
}

/**
 * Drops the records `off` has finished with, so that a later `off` does not
 * touch those files again. Rewritten atomically under the lock.
 */
export function forgetTouched(d: Dirs, done: (t: Touched) => boolean): void {
  const keep = readTouched(d).filter((t) => !done(t));
  if (!existsSync(touchedFile(d))) return;
  atomicWrite(touchedFile(d), keep.map((t) => JSON.stringify(t) + "\n").join(""), 0o600);
}
