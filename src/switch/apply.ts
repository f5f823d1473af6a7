import { chmodSync, chownSync, mkdirSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { CovshimError } from "../errors.js";
import { type Dirs, backupDir, installHome } from "../paths.js";
import { atomicWrite } from "../fs/atomic.js";
import { type InstallRecord, type State, recordTouched, writeState } from "../state/state.js";
import { hasShim, removeShim, saveOriginal, writeShim } from "../shim/lifecycle.js";
import { renderLoader } from "../shim/render.js";
import { atLeast } from "../install/probe.js";
import { writeShimModule } from "../shim/module.js";
import { moveAside } from "../coverage/datadir.js";
import { pruneRuns } from "../coverage/runs.js";
import { enableHosts, offHosts } from "../cluster/hosts.js";
import { type EnablePlan } from "./plan.js";
import { shimPathOf, usesBlock } from "./blockers.js";

/**
 * `--group`: a directory of the user's own that the group may enter (rcfile
 * readable) and a data directory the group may write (setgid, so every data
 * file stays in the group); no one else can do either.
 */
function shareWith(group: NonNullable<EnablePlan["group"]>, dataDir: string): void {
  const uid = process.getuid?.() ?? 0;
  const root = dirname(group.home);
  mkdirSync(root, { recursive: true, mode: 0o755 });
  const st = statSync(root);
  if (st.uid !== uid || (st.mode & 0o022) !== 0) throw new CovshimError(`${root} is not yours alone (owner ${st.uid}, mode ${(st.mode & 0o777).toString(8)}): remove it and enable again`);
  for (const [dir, mode] of [[group.home, 0o750], [dataDir, 0o2770]] as const) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chownSync(dir, uid, group.gid);
    chmodSync(dir, mode);
  }
}

/** Removes an install's shim and marks it off. Does not write the state. */
export function deactivate(rec: InstallRecord): string[] {
  const notes: string[] = [];
  if (rec.shim) {
    const r = removeShim(rec.shim);
    if (r.note) notes.push(r.note);
    // Done with: a later `off` leaves these files and directories alone.
    rec.shim = null;
  }
  rec.enabled = false;
  rec.since = null;
  rec.expires = null;
  return notes;
}

export interface Applied {
  rec: InstallRecord;
  /** Names of the shell-scope installs turned off. */
  turnedOff: string[];
  /** Where the previous run's data went, if anywhere. */
  movedAside: string | null;
  /** Older runs deleted beyond the config's keepRuns. */
  pruned: string[];
  notes: string[];
}

/**
 * Carries out a plan, in an order that a kill at any point leaves
 * recoverable by `off`: the rcfile and backups first (outside the install),
 * then the record of what will be touched, then the state, and only then the
 * one write inside the install (an atomic rename), then the state again.
 * Anything that fails after the install was touched is rolled back.
 */
export async function applyEnable(d: Dirs, state: State, plan: EnablePlan, now = new Date()): Promise<Applied> {
  const { target: t, id } = plan;
  const notes: string[] = [];
  const turnedOff: string[] = [];
  let pendingHosts: InstallRecord["hosts"] = [];
  const same = state.installs[id];
  if (same?.hosts?.some((h) => h.state !== "off")) {
    const r = await offHosts(same);
    notes.push(...r.failed);
    pendingHosts = (same.hosts ?? []).filter((h) => h.state === "unreachable");
  }
  if (same?.enabled) deactivate(same);
  for (const other of plan.turnsOff) {
    const o = state.installs[other];
    if (!o) continue;
    notes.push(...deactivate(o));
    turnedOff.push(o.name);
  }
  const movedAside = plan.append ? null : moveAside(plan.dataDir, now);
  const pruned = movedAside ? pruneRuns(plan.dataDir, plan.keepRuns).map((r) => r.dir) : [];

  mkdirSync(installHome(d, id), { recursive: true, mode: 0o700 });
  if (plan.group) shareWith(plan.group, plan.dataDir);
  else mkdirSync(plan.dataDir, { recursive: true, mode: 0o700 });
  const uid = process.getuid?.() ?? 0;
  const mode = plan.group ? { mode: 0o640, uid, gid: plan.group.gid } : 0o600;
  if (plan.rcText !== undefined) atomicWrite(plan.rcfile, plan.rcText, mode);
  const expires = plan.scope === "install" ? new Date(now.getTime() + plan.ttlSeconds * 1000) : null;
  const exp = expires ? expires.getTime() / 1000 : 0;
  // Outside the install, before anything in it changes.
  await writeShimModule({ home: dirname(plan.module), python: t.python, pythonPath: t.pythonPath, env: t.env, mode }, { rcfile: plan.rcfile, dataDir: plan.dataDir, expiresEpoch: exp, recorder: plan.recorderConfig });
  const shimPath = shimPathOf(t, plan.probe);
  const shim = saveOriginal(usesBlock(t) ? "block" : "pth", shimPath, backupDir(d, id, now.getTime()));
  recordTouched(d, { id, path: t.path, shim });
  const rec: InstallRecord = {
    id,
    name: plan.name,
    path: t.path,
    kind: t.kind,
    enabled: false,
    scope: plan.scope,
    since: null,
    expires: null,
    rcfile: plan.rcfile,
    dataDir: plan.dataDir,
    shim,
    python: t.python,
    pythonVersion: plan.probe.version,
    coverageVersion: plan.probe.coverage.version ?? null,
    core: plan.core,
    recorder: plan.recorder.recorder,
    pythonPath: t.pythonPath,
    env: t.env,
    group: plan.group?.name,
    hosts: pendingHosts.length ? pendingHosts : undefined,
  };
  state.installs[id] = rec;
  await writeState(d, state);
  try {
    writeShim(shim, renderLoader(plan.module), exp, atLeast(plan.probe.version, "3"));
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
  if (plan.hosts) {
    try {
      const on = await enableHosts(d, rec, t, plan.hosts, Date.parse(rec.expires!) / 1000);
      rec.hosts = [...on, ...pendingHosts.filter((h) => !on.some((x) => x.host === h.host))];
      await writeState(d, state);
    } catch (e) {
      deactivate(rec);
      await writeState(d, state);
      throw e;
    }
  }
  return { rec, turnedOff, movedAside, pruned, notes };
}
