import { existsSync, readdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { previousRuns } from "../coverage/runs.js";
import { CovshimError } from "../errors.js";
import { type Dirs, installHome, reportsDir } from "../paths.js";
import { resolveTarget } from "../install/target.js";
import { DamagedStateError, type State, emptyState, forgetTouched, readState, readTouched, writeState } from "../state/state.js";
import { hasShim, removeShim } from "../shim/lifecycle.js";
import { offHosts } from "../cluster/hosts.js";
import { type ShellConfig, writeShellFile } from "../shells/statefile.js";
import { deactivate } from "./apply.js";

export interface OffResult {
  /** What was turned off, for the one line `off` prints. */
  done: string[];
  notes: string[];
  /** With --purge: what was deleted, and what was kept. */
  purged: string[];
  kept: string[];
  /** The state file was damaged: covshim's changes were found from its record instead. */
  damaged?: string;
}

/**
 * The safety reset: every shim out, every file back, every host off. Needs
 * no state file: the append-only record of touched files and the markers
 * suffice. The caller holds the lock.
 */
export async function turnOff(d: Dirs, cfg: ShellConfig, target: string | undefined, purge: boolean, purgeReports = false): Promise<OffResult> {
  let state: State;
  let damaged: string | undefined;
  try {
    state = readState(d);
  } catch (e) {
    if (!(e instanceof DamagedStateError)) throw e;
    damaged = e.message.split(";")[0];
    state = emptyState();
  }
  let only: string | undefined;
  if (target !== undefined) {
    const t = resolveTarget(target, { state });
    only = t.path;
    if (!Object.values(state.installs).some((i) => i.path === t.path) && !readTouched(d).some((x) => x.path === t.path)) {
      throw new CovshimError(`covshim has never enabled ${t.path}`);
    }
  }
  const done: string[] = [];
  const notes: string[] = [];
  const purged: string[] = [];
  const kept: string[] = [];
  for (const rec of Object.values(state.installs)) {
    if (only && rec.path !== only) continue;
    const wasOn = rec.enabled || (rec.shim !== null && hasShim(rec.shim));
    notes.push(...deactivate(rec));
    if (wasOn) done.push(`${rec.name} (${rec.path})`);
    let hostsPending = false;
    if (rec.hosts?.some((h) => h.state !== "off")) {
      const r = await offHosts(rec);
      if (r.off.length) done.push(`${rec.name} on ${r.off.join(", ")}`);
      for (const f of r.failed) notes.push(`${f}; remembered: 'covshim off' tries again`);
      hostsPending = r.failed.length > 0;
    }
    if (purge && !hostsPending) {
      const runs = previousRuns(rec.dataDir);
      const gone = [rec.dataDir, ...runs.map((r) => r.dir)].filter((p) => existsSync(p));
      for (const p of gone) rmSync(p, { recursive: true, force: true });
      purged.push(...gone);
      const reports = reportsDir(d, rec.id);
      const keepReports = !purgeReports && existsSync(reports) && readdirSync(reports).length > 0;
      if (keepReports) {
        // The install's record stays with them: `covshim diff` finds them through it.
        for (const n of readdirSync(installHome(d, rec.id))) if (n !== "reports") rmSync(join(installHome(d, rec.id), n), { recursive: true, force: true });
        kept.push(reports);
      } else {
        rmSync(installHome(d, rec.id), { recursive: true, force: true });
        if (existsSync(reports)) purged.push(reports);
        delete state.installs[rec.id];
      }
      if (rec.group) rmSync(dirname(rec.dataDir), { recursive: true, force: true });
    }
  }
  // Shims the state does not know about (damaged state, a crash mid-enable).
  const seen = new Set<string>();
  for (const t of readTouched(d).reverse()) {
    if (only && t.path !== only) continue;
    if (seen.has(t.shim.path)) continue;
    seen.add(t.shim.path);
    const r = removeShim(t.shim);
    if (r.note) notes.push(r.note);
    if (r.changed && !done.some((x) => x.endsWith(`(${t.path})`))) done.push(t.path);
  }
  await writeState(d, state);
  writeShellFile(d, state, cfg);
  forgetTouched(d, (t) => (!only || t.path === only) && !hasShim(t.shim));
  return { done, notes, damaged, purged, kept };
}
