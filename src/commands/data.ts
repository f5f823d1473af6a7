import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../config.js";
import { usageError } from "../errors.js";
import { dirs, reportsDir } from "../paths.js";
import { readState, withLock } from "../state/state.js";
import { pickInstall } from "../install/choose.js";
import { bytes, currentRun, previousRuns, pruneRuns } from "../coverage/runs.js";
import { clock, plural, tilde } from "../human.js";
import { emit, machineOption, out, say } from "../output.js";
import { type CommandSpec, TARGET_HELP } from "./spec.js";

export const data: CommandSpec = {
  name: "data",
  args: "[target] [action]",
  summary: "the data of an install: current run, previous runs, saved reports, their sizes; 'prune' deletes the previous runs",
  details: `ACTION is 'prune': the previous runs go, the current data and the saved reports stay. 'enable' keeps the last few runs by itself (config keepRuns, default 3). ${TARGET_HELP}`,
  examples: ["covshim data", "covshim data $GPHOME --json", "covshim data prune"],
  options: [machineOption("json", "machine-readable")],
  async action([a, b], o) {
    // `covshim data prune`: the action alone, no TARGET.
    const [target, action] = b === undefined && a === "prune" ? [undefined, "prune"] : [a, b];
    if (action !== undefined && action !== "prune") throw usageError(`unknown action '${action}': the action is 'prune'`);
    const d = dirs();
    const cfg = await loadConfig(d);
    await withLock(d, async () => {
      const rec = pickInstall(readState(d), target, cfg.target);
      if (action === "prune") {
        const gone = pruneRuns(rec.dataDir, 0);
        say(gone.length ? `deleted ${plural(gone.length, "previous run")} of ${rec.name} (${bytes(gone.reduce((n, r) => n + r.bytes, 0))}): ${gone.map((r) => tilde(r.dir)).join(", ")}; kept the current data and the saved reports` : `${rec.name} has no previous runs to delete`);
        return;
      }
      const cur = currentRun(rec.dataDir);
      const prev = previousRuns(rec.dataDir);
      const reports = savedReports(join(reportsDir(d, rec.id)));
      if (o.json) {
        emit(o.json as true | string, JSON.stringify({ install: rec.name, current: cur, previous: prev, reports }, null, 2), "the data");
        return;
      }
      out(`${rec.name}: current run ${plural(cur.files, "data file")}, ${bytes(cur.bytes)} in ${tilde(cur.dir)}`);
      for (const r of prev) out(`  previous run of ${r.when ? clock(r.when) : "?"}: ${plural(r.files, "data file")}, ${bytes(r.bytes)} in ${tilde(r.dir)}`);
      for (const r of reports) out(`  saved report '${r.name}' of ${clock(r.when)}: ${bytes(r.bytes)} (covshim diff ${r.name})`);
      if (prev.length) out(`  covshim data prune deletes the ${plural(prev.length, "previous run")}`);
    });
  },
};

function savedReports(dir: string): { name: string; when: string; bytes: number }[] {
  try {
    return readdirSync(dir)
      .filter((n) => n.endsWith(".json"))
      .map((n) => {
        const st = statSync(join(dir, n));
        return { name: n.slice(0, -5), when: st.mtime.toISOString(), bytes: st.size };
      });
  } catch {
    return [];
  }
}
