import { defaultConfig, loadConfig } from "../config.js";
import { dirs } from "../paths.js";
import { withLock } from "../state/state.js";
import { turnOff } from "../switch/off.js";
import { say, warn } from "../output.js";
import { type CommandSpec, TARGET_HELP } from "./spec.js";
import { reachNote } from "../shells/variable.js";
import { tilde } from "../human.js";

export const off: CommandSpec = {
  name: "off",
  args: "[target]",
  summary: "remove every shim and restore every file (no TARGET: all installs)",
  details: `The safety reset: files come back byte for byte with their modes, owners and mtimes; edits made while on are kept; the data stays. ${TARGET_HELP}`,
  examples: ["covshim off", "covshim off $GPHOME", "covshim off --purge"],
  options: [
    { flags: "--purge", help: "also delete the measured data and the previous runs (saved reports stay)" },
    { flags: "--reports", help: "with --purge: delete the saved reports too" },
  ],
  async action([target], o) {
    const d = dirs();
    // A broken configuration file must not stop the safety reset.
    const cfg = await loadConfig(d).catch(defaultConfig);
    await withLock(d, async () => {
      const r = await turnOff(d, cfg, target, !!o.purge, !!o.reports);
      if (r.damaged) warn(`${r.damaged}; finding covshim's changes from its record instead`);
      for (const n of r.notes) warn(n);
      if (r.done.length) say(`off: ${r.done.join(", ")}`);
      else say("nothing is on");
      if (o.purge) say(r.purged.length ? `deleted ${r.purged.map((p) => tilde(p)).join(", ")}` : "no data to delete");
      if (r.kept.length) say(`kept the saved reports in ${r.kept.map((p) => tilde(p)).join(", ")} (--purge --reports deletes them)`);
      if (r.damaged) say("the damaged state file was replaced");
      const note = r.done.length ? reachNote("off") : undefined;
      if (note) say(note);
    });
  },
};
