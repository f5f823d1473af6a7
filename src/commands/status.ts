import { dirs } from "../paths.js";
import { readState } from "../state/state.js";
import { statusOf } from "../state/status.js";
import { out } from "../output.js";
import type { CommandSpec } from "./spec.js";

export const status: CommandSpec = {
  name: "status",
  summary: "what is on, where the data is",
  examples: ["covshim status", "covshim status --check && echo 'nothing is measured'", "covshim status --json | jq '.installs[].dataFiles'"],
  options: [
    { flags: "--json", help: "machine-readable (shape in PRODUCT.md)" },
    { flags: "--check", help: "exit 1 when anything is on" },
  ],
  async action(_args, o) {
    const s = statusOf(readState(dirs()));
    if (o.json) out(JSON.stringify(s, null, 2));
    else {
      if (!s.installs.length) out("no installs: covshim has not enabled anything yet");
      for (const i of s.installs) {
        const state = i.enabled ? `ON (${i.scope} scope${i.expires ? `, until ${i.expires}` : ""}, since ${i.since})` : "off";
        out(`${i.name}  ${state}\n  ${i.kind} ${i.path}\n  python ${i.pythonVersion} (${i.python}), coverage ${i.coverageVersion}, core ${i.core}\n  data ${i.dataDir} (${i.dataFiles} files)`);
        for (const h of i.hosts ?? []) out(`  host ${h.host}: ${h.state}${h.error ? ` (${h.error})` : ""}`);
      }
      out(`COVERAGE_PROCESS_START: ${s.env.COVERAGE_PROCESS_START ?? "(unset)"}${s.env.COVERAGE_PROCESS_START ? (s.env.setByCovshim ? " (set by covshim)" : " (not set by covshim)") : ""}`);
      for (const w of s.warnings) out(`warning: ${w}`);
    }
    if (o.check && s.installs.some((i) => i.enabled)) process.exitCode = 1;
  },
};
