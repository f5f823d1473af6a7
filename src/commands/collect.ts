import { CovshimError } from "../errors.js";
import { dirs } from "../paths.js";
import { readState } from "../state/state.js";
import { loadConfig } from "../config.js";
import { pickInstall } from "../install/choose.js";
import { collectHosts } from "../cluster/hosts.js";
import { say, warn } from "../output.js";
import { type CommandSpec, TARGET_HELP } from "./spec.js";

export const collect: CommandSpec = {
  name: "collect",
  args: "[target]",
  summary: "bring the data files of every cluster host back, named by host",
  details: TARGET_HELP,
  examples: ["covshim collect && covshim report", "covshim collect $GPHOME"],
  async action([target]) {
    const d = dirs();
    const rec = pickInstall(readState(d), target, (await loadConfig(d)).target);
    if (!rec.hosts?.length) throw new CovshimError(`${rec.name} has no cluster hosts (enable it with --scope install --hosts FILE)`);
    const r = await collectHosts(rec);
    for (const h of r) {
      if (h.error) warn(h.error);
      else say(`${h.host}: ${h.files} data files`);
    }
    const failed = r.filter((h) => h.error);
    if (failed.length) throw new CovshimError(`${failed.length} of ${r.length} hosts could not be collected from (see above)`);
    say(`collected into ${rec.dataDir}; 'covshim report' combines them`);
  },
};
