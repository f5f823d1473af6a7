import { CovshimError, usageError } from "../errors.js";
import type { InstallRecord, State } from "../state/state.js";
import { resolveTarget } from "./target.js";

/** The install a report is about: TARGET, else the one that is on, else the only one. */
export function pickInstall(s: State, target: string | undefined): InstallRecord {
  const all = Object.values(s.installs);
  if (target !== undefined) {
    const t = resolveTarget(target, { state: s });
    const rec = all.find((i) => i.path === t.path);
    if (!rec) throw new CovshimError(`covshim has no data for ${t.path}: enable it first`);
    return rec;
  }
  const on = all.filter((i) => i.enabled);
  if (on.length === 1) return on[0]!;
  if (all.length === 1) return all[0]!;
  if (!all.length) throw new CovshimError("covshim has not enabled anything yet: nothing to report");
  throw usageError(`several installs: name one (${all.map((i) => i.name).join(", ")})`);
}
