import { loadConfig } from "../config.js";
import { CovshimError } from "../errors.js";
import { dirs } from "../paths.js";
import { readState, type State } from "../state/state.js";
import { type Finding, diagnose } from "../switch/doctor.js";
import { emit, machineOption, out } from "../output.js";
import { type CommandSpec, TARGET_HELP } from "./spec.js";

export const doctor: CommandSpec = {
  name: "doctor",
  args: "[target]",
  summary: "what would stop measurement, and the fix",
  details: TARGET_HELP,
  examples: ["covshim doctor $GPHOME", "covshim doctor ./venv", "covshim doctor $GPHOME --hosts ~/hostfile"],
  options: [
    { flags: "--python <exe>", help: "interpreter of a dir or gpdb install" },
    { flags: "--hosts <file>", help: "check every host of a GPDB hostfile too" },
    machineOption("json", "the findings as JSON: { findings: [{ level, text, fix }] }"),
  ],
  async action([target], o) {
    const d = dirs();
    const findings: Finding[] = [];
    let state: State | undefined;
    try {
      state = readState(d);
    } catch (e) {
      findings.push({ level: "block", text: (e as Error).message, fix: "covshim off" });
    }
    findings.push(...(await diagnose(state, await loadConfig(d), target, o as { python?: string; hosts?: string })));
    if (o.json) emit(o.json as true | string, JSON.stringify({ findings }, null, 2), "the findings");
    else for (const f of findings) {
      const tag = f.level === "ok" ? "ok   " : f.level === "warn" ? "warn " : "BLOCK";
      out(`${tag} ${f.text}${f.fix ? `\n      fix: ${f.fix}` : ""}`);
    }
    if (findings.some((f) => f.level === "block")) throw new CovshimError("doctor found problems that stop measurement (see above)");
  },
};
