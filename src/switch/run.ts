import type { Config } from "../config.js";
import type { Dirs } from "../paths.js";
import { resolveTarget } from "../install/target.js";
import { type InstallRecord, readState, withLock, writeState } from "../state/state.js";
import { type EnableOptions, planEnable } from "./plan.js";
import { applyEnable, deactivate } from "./apply.js";

export interface RunSession {
  rec: InstallRecord;

  /** On for this command only: `endRun` turns it off again. */
  temporary: boolean;
}


/** Uses an install that is on as it is; otherwise turns one on in scope "run" (the shell hooks ignore it). */
export async function startRun(d: Dirs, cfg: Config, target: string | undefined, o: EnableOptions): Promise<RunSession> {
  return withLock(d, async () => {
    const state = readState(d);
    const on = Object.values(state.installs).filter((i) => i.enabled);
    const wanted = target === undefined ? undefined : resolveTarget(target, { state, python: o.python }).path;
    const already = wanted === undefined ? (on.length === 1 ? on[0] : undefined) : on.find((i) => i.path === wanted);
    if (already) return { rec: already, temporary: false };
    const plan = await planEnable(d, state, cfg, target, o, "run");
    const r = await applyEnable(d, state, plan);
    return { rec: r.rec, temporary: true };
  });
}

/** Turns a temporary install off; returns the notes of the removal. */
export async function endRun(d: Dirs, s: RunSession): Promise<string[]> {
  if (!s.temporary) return [];
  s.temporary = false;
  return withLock(d, async () => {
    const state = readState(d);
    const cur = state.installs[s.rec.id];
    if (!cur || cur.scope !== "run") return [];
    const notes = deactivate(cur);
    await writeState(d, state);
    return notes;
  });
}
