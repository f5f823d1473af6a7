import { loadConfig } from "../config.js";
import { usageError } from "../errors.js";
import { dirs } from "../paths.js";
import { readState, withLock } from "../state/state.js";
import { writeShellFile } from "../shells/statefile.js";
import { type EnableOptions, planEnable } from "../switch/plan.js";
import { applyEnable } from "../switch/apply.js";
import { emit, machineOption, say, warn } from "../output.js";
import { type CommandSpec, TARGET_HELP } from "./spec.js";
import { reachNote, startVariable } from "../shells/variable.js";
import { clock, plural, span, tilde } from "../human.js";

export const enable: CommandSpec = {
  name: "enable",
  args: "[target]",
  summary: "turn measurement on for an install",
  details: TARGET_HELP,
  examples: ["covshim enable $GPHOME", "covshim enable ./venv --source mypkg --branch", "covshim enable $GPHOME --scope install --for 2h --hosts ~/hostfile"],
  options: [
    { flags: "--rcfile <file>", help: "use this coveragerc instead of a generated one (checked first)" },
    { flags: "--source <pkgs>", help: "comma-separated packages or directories to measure" },
    { flags: "--omit <globs>", help: "comma-separated file patterns to leave out" },
    { flags: "--branch", help: "measure branch coverage" },
    { flags: "--contexts", help: "record which test or feature ran each line: COVSHIM_CONTEXT set by the test runner (children inherit it), and the test function where the core allows" },
    { flags: "--core <core>", help: "auto|ctrace|sysmon|pytrace" },
    { flags: "--scope <scope>", help: "shell (processes that inherit the variable) or install (every process)" },
    { flags: "--for <duration>", help: "install scope: turn itself off after this long (default 8h)" },
    { flags: "--append", help: "add to the data already collected instead of moving it aside" },
    { flags: "--name <name>", help: "a short name for the install (prompt, reports)" },
    { flags: "--python <exe>", help: "interpreter of a dir or gpdb install" },
    { flags: "--hosts <file>", help: "install scope on every host of a GPDB hostfile too, over ssh" },
    { flags: "--group <group>", help: "install scope: measure the processes of this group's members too (others' stay unmeasured)" },
    machineOption("json", "what was turned on, as JSON"),
  ],
  async action([target], opts) {
    const o = opts as EnableOptions;
    const scope = o.scope ?? "shell";
    if (scope !== "shell" && scope !== "install") throw usageError(`invalid --scope '${scope}': use shell or install`);
    if (o.for !== undefined && scope !== "install") throw usageError("--for applies to --scope install (shell scope lasts until off)");
    const d = dirs();
    const cfg = await loadConfig(d);
    await withLock(d, async () => {
      const state = readState(d);
      const plan = await planEnable(d, state, cfg, target, o, scope);
      plan.warnings.forEach(warn);
      for (const n of plan.notes) say(`note: ${n}`);
      const r = await applyEnable(d, state, plan);
      r.notes.forEach(warn);
      if (r.movedAside) say(`the previous run's data files were moved aside to ${tilde(r.movedAside)} (--append adds to them instead)`);
      if (r.pruned.length) say(`removed ${plural(r.pruned.length, "older run")} beyond the ${plural(plan.keepRuns, "previous run")} kept (config keepRuns): ${r.pruned.map((p) => tilde(p)).join(", ")}`);
      for (const s of plan.starters) (s.fine ? say : warn)(`${s.fine ? "note: " : ""}${s.text}${s.fix ? `; fix: ${s.fix}` : ""}`);
      writeShellFile(d, state, cfg);
      for (const n of r.turnedOff) say(`turned off ${n} (shell scope allows one install at a time)`);
      const rec = r.rec;
      if (opts.json) {
        const { id: _id, shim, env: _env, ...shown } = rec;
        emit(opts.json as true | string, JSON.stringify({ ...shown, shim: shim?.path ?? null, measuring: plan.measuring, recorderWhy: plan.recorder.why, turnedOff: r.turnedOff, movedAside: r.movedAside }, null, 2), "what was turned on");
      }
      if (rec.hosts?.length && plan.hosts) say(`on for every process on ${plan.hosts.length} hosts too: ${plan.hosts.map((h) => h.host).join(", ")}`);
      say(`measuring ${rec.name} (${rec.kind}, Python ${rec.pythonVersion}, coverage ${rec.coverageVersion}); data in ${tilde(rec.dataDir)}`);
      say(plan.recorder.recorder === "covshim" ? `recorder: covshim's own (${plan.recorder.why})` : `recorder: coverage.py, core ${rec.core} (${plan.recorder.why})`);
      for (const h of plan.hosts ?? []) say(`  ${h.host}: ${h.recorder.recorder === "covshim" ? "covshim's recorder" : `coverage.py, core ${h.core.core}`} (${h.recorder.why})`);
      if (!plan.userRcfile) say(`reports cover ${plan.measuring}`);
      if (scope === "install") {
        say(`every process of this install is measured until ${clock(rec.expires)}, in ${span((Date.parse(rec.expires!) - Date.now()) / 1000)} (--for), or until 'covshim off'`);
        say(rec.group ? `measured users: you and the members of group ${rec.group} (data in ${rec.dataDir})` : "measured users: you only; other users' processes run unmeasured and unchanged (--group GROUP measures a group's too)");
      }
      else {
        const note = reachNote("on", process.env, startVariable(rec));
        if (note) say(note);
      }
    });
  },
};
