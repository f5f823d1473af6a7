import { CovshimError } from "../errors.js";
import { dirs } from "../paths.js";
import { readState } from "../state.js";
import { pickInstall } from "../report.js";
import { collectHosts } from "../cluster.js";
import { say, warn } from "../output.js";

/** `covshim collect [TARGET]`: every host's data files, brought into the local data directory. */
export async function collectCommand(target: string | undefined): Promise<void> {
  const rec = pickInstall(readState(dirs()), target);
  if (!rec.hosts?.length) throw new CovshimError(`${rec.name} has no cluster hosts (enable it with --scope install --hosts FILE)`);
  const r = await collectHosts(rec);
  for (const h of r) {
    if (h.error) warn(h.error);
    else say(`${h.host}: ${h.files} data files`);
  }
  const failed = r.filter((h) => h.error);
  if (failed.length) throw new CovshimError(`${failed.length} of ${r.length} hosts could not be collected from (see above)`);
  say(`collected into ${rec.dataDir}; 'covshim report' combines them`);
}
