import { CovshimError } from "../errors.js";
import { dataFiles } from "../coverage/datadir.js";
import { hasData } from "../coverage/report.js";
import type { InstallRecord, State } from "../state/state.js";
import { resolveTarget } from "./target.js";

/**
 * The known install a command that reads data is about (report, data, diff,
 * collect), by the one rule of `chooseTarget`; when nothing is on and no
 * TARGET names one, the one known install that has data.
 */
export function pickInstall(s: State, target: string | undefined, configTarget?: string): InstallRecord {
  const all = Object.values(s.installs);
  if (!all.length) throw new CovshimError("covshim has not enabled anything yet: nothing to report");
  const withData = all.filter((i) => hasData(i) || dataFiles(i.dataDir).length > 0 || (i.hosts ?? []).length > 0).map((i) => i.id);
  const t = resolveTarget(target, { state: s, configTarget, withData });
  const rec = all.find((i) => i.path === t.path);
  if (!rec) throw new CovshimError(`covshim has no data for ${t.path}: enable it first (known: ${all.map((i) => i.name).join(", ")})`);
  return rec;
}
