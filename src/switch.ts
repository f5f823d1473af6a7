import { accessSync, constants, mkdirSync } from "node:fs";
import { basename, join } from "node:path";
import { CovshimError } from "./errors.js";
import { type Dirs, installDir } from "./paths.js";
import type { Probe } from "./probe.js";
import { type Target, installId } from "./install.js";
import { type InstallRecord, type State, recordTouched, writeState } from "./state.js";
import { PTH_NAME, atomicWrite, hasShim, planShim, removeShim, renderShimCode, writeShim } from "./shim.js";

export interface Blocker {
  problem: string;
  fix: string;
}

/** Everything that would stop measurement, found before anything is written. */
export function blockers(t: Target, p: Probe): Blocker[] {
  const out: Blocker[] = [];
  if (!p.coverage.importable) {
    const debian = t.python.startsWith("/usr/bin/");
    out.push({
      problem: `coverage is not importable by ${t.python} (${p.coverage.error ?? "missing"})`,
      fix: debian ? "apt-get install python3-coverage" : `${t.python} -m pip install coverage`,
    });
  }
  const dir = shimDirOf(t, p);
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    out.push({ problem: `${dir} is not writable`, fix: `run covshim as the owner of ${dir} (or: sudo chown -R "$USER" ${dir})` });
  }
  if (t.kind === "dir" || t.kind === "gpdb") {
    const ours = join(dir, "sitecustomize.py");
    const first = p.sitecustomizes[0];
    if (first && first !== ours && !first.startsWith(dir + "/")) {
      const firstDir = first.replace(/\/sitecustomize(\.pyc|\.py|\/__init__\.py)$/, "");
      const ourIdx = p.sysPath.indexOf(dir);
      const theirIdx = p.sysPath.indexOf(firstDir);
      if (ourIdx < 0 || (theirIdx >= 0 && theirIdx < ourIdx)) {
        out.push({
          problem: `${first} comes first on sys.path and would shadow ${ours} (Python imports only the first sitecustomize)`,
          fix: `put ${dir} before ${firstDir} on PYTHONPATH, or remove ${first}`,
        });
      }
    }
  }
  return out;
}

export const shimDirOf = (t: Target, p: Probe) => t.shimDir ?? p.purelib;
export const shimPathOf = (t: Target, p: Probe) =>
  t.kind === "dir" || t.kind === "gpdb" ? join(shimDirOf(t, p), "sitecustomize.py") : join(shimDirOf(t, p), PTH_NAME);

/** Removes an install's shim and marks it off. Does not write the state. */
export function deactivate(rec: InstallRecord): string[] {
  const notes: string[] = [];
  if (rec.shim) {
    const r = removeShim(rec.shim);
    if (r.note) notes.push(r.note);
  }
  rec.enabled = false;
  rec.since = null;
  rec.expires = null;
  return notes;
}

export interface ActivateArgs {
  d: Dirs;
  state: State;
  target: Target;
  probe: Probe;
  name?: string;
  scope: "shell" | "install" | "run";
  ttlSeconds: number;
  rcText?: string;
  userRcfile?: string;
  dataDir: string;
  core: string;
  now?: Date;
}

/**
 * Puts the shim in, in an order that a kill at any point leaves recoverable:
 * rcfile and backups first (outside the install), then the record of what
 * will be touched, then the state, and only then the one write inside the
 * install (atomic rename), then the state again.
 */
export async function activate(a: ActivateArgs): Promise<InstallRecord> {
  const { d, state, target: t, probe: p } = a;
  const id = installId(t.path);
  const home = installDir(d, id);
  mkdirSync(home, { recursive: true, mode: 0o700 });
  mkdirSync(a.dataDir, { recursive: true, mode: 0o700 });
  const rcfile = a.userRcfile ?? join(home, "coveragerc");
  if (a.rcText !== undefined) atomicWrite(rcfile, a.rcText, 0o600);
  const now = a.now ?? new Date();
  const expires = a.scope === "install" ? new Date(now.getTime() + a.ttlSeconds * 1000) : null;
  const shimPath = shimPathOf(t, p);
  const backupDir = join(home, "backup", String(now.getTime()));
  const shim = planShim(t.kind === "dir" || t.kind === "gpdb" ? "block" : "pth", shimPath, backupDir);
  recordTouched(d, { id, path: t.path, shim });
  const rec: InstallRecord = {
    id,
    name: a.name ?? state.installs[id]?.name ?? defaultName(t.path),
    path: t.path,
    kind: t.kind,
    enabled: false,
    scope: a.scope,
    since: null,
    expires: null,
    rcfile,
    dataDir: a.dataDir,
    shim,
    python: t.python,
    pythonVersion: p.version,
    coverageVersion: p.coverage.version ?? null,
    core: a.core,
  };
  state.installs[id] = rec;
  await writeState(d, state);
  try {
    const exp = expires ? expires.getTime() / 1000 : 0;
    writeShim(shim, renderShimCode(rcfile, exp), exp);
    if (!hasShim(shim)) throw new CovshimError(`could not write the shim to ${shimPath}`);
  } catch (e) {
    // A failed enable leaves the install as it was.
    removeShim(shim);
    await writeState(d, state);
    throw e instanceof CovshimError ? e : new CovshimError(`cannot write ${shimPath}: ${(e as Error).message}`);
  }
  rec.enabled = true;
  rec.since = now.toISOString();
  rec.expires = expires ? expires.toISOString() : null;
  await writeState(d, state);
  return rec;
}

/** A name safe in a prompt and a shell file: the directory's name, tamed. */
export const defaultName = (path: string) => (basename(path).replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^[-_.]+/, "").slice(0, 40) || "install");
