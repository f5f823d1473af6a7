import { rmSync } from "node:fs";
import { loadConfig } from "../config.js";
import { resolveTarget } from "../install.js";
import { dirs, installDir } from "../paths.js";
import { type State, DamagedStateError, emptyState, readState, readTouched, withLock, writeState } from "../state.js";
import { deactivate } from "../switch.js";
import { offHosts } from "../cluster.js";
import { hasShim, removeShim } from "../shim.js";
import { writeShellFile } from "../shellfile.js";
import { CovshimError } from "../errors.js";
import { say, warn } from "../output.js";

export async function offCommand(target: string | undefined, o: { purge?: boolean }): Promise<void> {
  const d = dirs();
  const cfg = await loadConfig(d).catch(() => ({ prompt: "cov:{name}", warnAfter: 3600, warnEvery: 1800, ps1: false }));
  await withLock(d, async () => {
    let state: State;
    let damaged = false;
    try {
      state = readState(d);
    } catch (e) {
      if (!(e instanceof DamagedStateError)) throw e;
      // The safety reset must work without the state: the touched-record and markers suffice.
      warn(`${e.message.split(";")[0]}; finding covshim's changes from its record instead`);
      state = emptyState();
      damaged = true;
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
      if (o.purge && !hostsPending) {
        rmSync(installDir(d, rec.id), { recursive: true, force: true });
        rmSync(rec.dataDir, { recursive: true, force: true });
        delete state.installs[rec.id];
      }
    }
    // Shims the state does not know about (damaged state, a crash mid-enable).
    const seen = new Set<string>();
    for (const t of readTouched(d).reverse()) {
      if (only && t.path !== only) continue;
      if (seen.has(t.shim.path)) continue;
      seen.add(t.shim.path);
      if (!hasShim(t.shim) && !t.shim.path) continue;
      const r = removeShim(t.shim);
      if (r.note) notes.push(r.note);
      if (r.changed && !done.some((x) => x.endsWith(`(${t.path})`))) done.push(t.path);
    }
    await writeState(d, state);
    await writeShellFile(d, state, cfg);
    for (const n of notes) warn(n);
    if (done.length) say(`off: ${done.join(", ")}${o.purge ? " (data deleted)" : ""}`);
    else say(`nothing is on${o.purge ? "; data deleted" : ""}`);
    if (damaged) say("the damaged state file was replaced");
  });
}
