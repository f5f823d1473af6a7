import { CovshimError } from "../errors.js";
import type { InstallRecord, State } from "../state/state.js";
import { resolveTarget } from "./target.js";

/** The known install a command is about, by the one rule of `chooseTarget`. */
export function pickInstall(s: State, target: string | undefined, configTarget?: string): InstallRecord {
  const all = Object.values(s.installs);
  if (!all.length) throw new CovshimError("covshim has not enabled anything yet: nothing to report");
  const t = resolveTarget(target, { state: s, configTarget });
  const rec = all.find((i) => i.path === t.path);
  if (!rec) throw new CovshimError(`covshim has no data for ${t.path}: enable it first (known: ${all.map((i) => i.name).join(", ")})`);
  return rec;
}
