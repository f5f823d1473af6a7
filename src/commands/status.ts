import { dirs } from "../paths.js";
import { readState } from "../state/state.js";
import { type StatusInstall, statusOf } from "../state/status.js";
import { clock, plural, span, tilde } from "../human.js";
import { emit, machineOption, out } from "../output.js";
import type { CommandSpec } from "./spec.js";

export const status: CommandSpec = {
  name: "status",
  summary: "what is on, where the data is",
  details: "One line per install that is on (or needs attention); --all lists every install covshim knows.",
  examples: ["covshim status", "covshim status --all", "covshim status --check && echo 'nothing is measured'", "covshim status --json | jq '.installs[].dataFiles'"],
  options: [
    machineOption("json", "machine-readable (shape in PRODUCT.md)"),
    { flags: "--check", help: "exit 1 when anything is on" },
    { flags: "--all", help: "every install covshim knows, also those that are off" },
  ],
  async action(_args, o) {
    const s = statusOf(readState(dirs()));
    if (o.json) emit(o.json as true | string, JSON.stringify(s, null, 2), "status");
    else {
      const attention = (i: StatusInstall) => i.enabled || !!i.shim || i.hosts?.some((h) => h.state === "unreachable");
      const shown = o.all ? s.installs : s.installs.filter(attention);
      if (!s.installs.length) out("nothing is on; covshim has not enabled anything yet");
      else if (!shown.length) out(`nothing is on (${plural(s.installs.length, "install")} known: covshim status --all)`);
      for (const i of shown) out(line(i));
      const cps = s.env.COVERAGE_PROCESS_START;
      if (cps && !s.env.setByCovshim) out(`COVERAGE_PROCESS_START=${tilde(cps)} (set by hand, not by covshim)`);
      for (const w of s.warnings) out(`warning: ${w}`);
    }
    if (o.check && s.installs.some((i) => i.enabled)) process.exitCode = 1;
  },
};

/** One line: name, state, scope and times, data, where. */
function line(i: StatusInstall): string {
  const now = Date.now();
  let state = "off";
  if (i.enabled) {
    const since = i.since ? `since ${clock(i.since)} (${span((now - Date.parse(i.since)) / 1000)})` : "";
    const until = i.expires ? (Date.parse(i.expires) <= now ? "EXPIRED" : `until ${clock(i.expires)}, in ${span((Date.parse(i.expires) - now) / 1000)}`) : "";
    state = `ON  ${i.scope} scope${since ? `, ${since}` : ""}${until ? `, ${until}` : ""}`;
  }
  const data = [i.dataFiles ? plural(i.dataFiles, "data file") : "", i.combinedData ? "combined data" : ""].filter(Boolean).join(" + ") || "no data yet";
  const hosts = i.hosts?.length ? `; hosts: ${i.hosts.map((h) => `${h.host} ${h.state}`).join(", ")}` : "";
  return `${i.name}  ${state}; ${data} in ${tilde(i.dataDir)}${hosts}`;
}
