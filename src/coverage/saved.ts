import { existsSync, readFileSync, readdirSync } from "node:fs";
import { CovshimError, usageError } from "../errors.js";
import { type Dirs, reportsDir, savedReport } from "../paths.js";
import { pickInstall } from "../install/choose.js";
import type { InstallRecord, State } from "../state/state.js";
import type { CovJson } from "./report.js";

/** The install that has a saved report of this name (`--in` names it when several do). */
export function installWithSaved(d: Dirs, state: State, name: string, inTarget: string | undefined): InstallRecord {
  if (inTarget !== undefined) return pickInstall(state, inTarget);
  const having = Object.values(state.installs).filter((i) => existsSync(savedReport(d, i.id, name)));
  if (having.length > 1) throw usageError(`report '${name}' is saved for several installs: add --in NAME (${having.map((i) => i.name).join(", ")})`);
  if (!having.length) throw new CovshimError(`no saved report '${name}'${savedList(d, state)}`);
  return having[0]!;
}

/** A report saved with `covshim report --save NAME`. */
export function loadSaved(d: Dirs, state: State, rec: InstallRecord, name: string): CovJson {
  const f = savedReport(d, rec.id, name);
  if (!existsSync(f)) throw new CovshimError(`no saved report '${name}' for ${rec.name}${savedList(d, state)}`);
  return JSON.parse(readFileSync(f, "utf8")) as CovJson;
}

function savedList(d: Dirs, state: State): string {
  const names = Object.values(state.installs).flatMap((i) => {
    try {
      return readdirSync(reportsDir(d, i.id)).filter((n) => n.endsWith(".json")).map((n) => `${i.name}:${n.slice(0, -5)}`);
    } catch {
      return [];
    }
  });
  return names.length ? ` (saved: ${names.join(", ")})` : " (none saved yet: covshim report --save NAME)";
}
