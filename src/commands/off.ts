import { defaultConfig, loadConfig } from "../config.js";
import { dirs } from "../paths.js";
import { withLock } from "../state/state.js";
import { turnOff } from "../switch/off.js";
import { say, warn } from "../output.js";
import { type CommandSpec, TARGET_HELP } from "./spec.js";

export const off: CommandSpec = {
  name: "off",
  args: "[target]",
  summary: "remove every shim and restore every file (no TARGET: all installs)",
  details: `The safety reset: files come back byte for byte with their modes, owners and mtimes; edits made while on are kept; the data stays. ${TARGET_HELP}`,
  examples: ["covshim off", "covshim off $GPHOME", "covshim off --purge"],
  options: [{ flags: "--purge", help: "also delete the collected data" }],
  async action([target], o) {
    const d = dirs();
    // A broken configuration file must not stop the safety reset.
    const cfg = await loadConfig(d).catch(defaultConfig);
    await withLock(d, async () => {
      const r = await turnOff(d, cfg, target, !!o.purge);
      if (r.damaged) warn(`${r.damaged}; finding covshim's changes from its record instead`);
      for (const n of r.notes) warn(n);
      if (r.done.length) say(`off: ${r.done.join(", ")}${o.purge ? " (data deleted)" : ""}`);
      else say(`nothing is on${o.purge ? "; data deleted" : ""}`);
      if (r.damaged) say("the damaged state file was replaced");
    });
  },
};
