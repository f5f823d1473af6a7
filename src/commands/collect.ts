import { CovshimError } from "../errors.js";
import { dirs } from "../paths.js";
import { readState, withLock, writeState } from "../state/state.js";
import { loadConfig } from "../config.js";
import { pickInstall } from "../install/choose.js";
import { collectHosts } from "../cluster/hosts.js";
import { plural } from "../human.js";
import { say, warn } from "../output.js";
import { type CommandSpec, TARGET_HELP } from "./spec.js";

export const collect: CommandSpec = {
  name: "collect",
  args: "[target]",
  summary: "bring every cluster host's data back: each host combines its own, one file each",
  details: `${TARGET_HELP}\nA host's data files leave it only once its file is here; a collect cut short is resumed by the next. COVSHIM_HOSTS_WIDTH: hosts at a time (default 8).`,
  examples: ["covshim collect && covshim report", "covshim collect $GPHOME"],
  async action([target]) {
    const d = dirs();
    const config = await loadConfig(d);
    await withLock(d, async () => {
      const state = readState(d);
      const rec = pickInstall(state, target, config.target);
      if (!rec.hosts?.length) throw new CovshimError(`${rec.name} has no cluster hosts (enable it with --scope install --hosts FILE)`);
      const r = await collectHosts(rec, () => writeState(d, state));
      for (const h of r) {
        if (h.error) warn(h.error);
        else say(`${h.host}: ${plural(h.files, "data file")}${h.files ? `, ${h.wireBytes} bytes sent for ${h.rawBytes}` : ""}${h.unreadable.length ? `; ${plural(h.unreadable.length, "unreadable file")} set aside there: ${h.unreadable.join(", ")}` : ""}`);
      }
      const failed = r.filter((h) => h.error);
      if (failed.length) throw new CovshimError(`${failed.length} of ${r.length} hosts could not be collected from (see above); run 'covshim collect' again, nothing is lost`);
      say(`collected into ${rec.dataDir}; 'covshim report' combines them`);
    });
  },
};
