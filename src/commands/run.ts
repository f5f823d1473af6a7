import { startVariable } from "../shells/variable.js";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { plural, tilde } from "../human.js";
import { constants } from "node:os";
import { CovshimError, usageError } from "../errors.js";
import { dirs } from "../paths.js";
import { loadConfig } from "../config.js";
import { hasData, installEnv, reportNotes, reportOnce } from "../coverage/report.js";
import { endRun, startRun } from "../switch/run.js";
import type { EnableOptions } from "../switch/plan.js";
import { emit, machineOption, say, warn } from "../output.js";
import { type CommandSpec, TARGET_HELP } from "./spec.js";

export const run: CommandSpec = {
  name: "run",
  args: "[target]",
  summary: "measure one command, then restore: covshim run [TARGET] -- CMD ...",
  details: `Only the command gets the variable; everything is restored afterwards, also on Ctrl-C, SIGTERM or failure; exits with the command's code. ${TARGET_HELP}`,
  examples: ["covshim run ./venv -- python -m pytest", "covshim run $GPHOME -- behave test/behave/mgmt_utils/gpstart.feature"],
  passThrough: true,
  options: [
    { flags: "--append", help: "add to the data already collected" },
    { flags: "--python <exe>", help: "interpreter of a dir or gpdb install" },
    machineOption("json", "{ exitCode, files, total, dataFile } after the command"),
  ],
  async action([target], opts, cmd) {
    if (!cmd.length) throw usageError("nothing to run: covshim run [TARGET] -- CMD ...");
    const d = dirs();
    const session = await startRun(d, await loadConfig(d), target, opts as EnableOptions);
    const { rec } = session;
    // The command gets what the install's processes get (greenplum_path.sh's variables), and the variable.
    const env: NodeJS.ProcessEnv = { ...installEnv(rec), [startVariable(rec)]: rec.rcfile };
    let code: number;
    try {
      code = await runChild(cmd, env);
    } finally {
      (await endRun(d, session)).forEach(warn);
    }
    const summary: { exitCode: number; files: number; total: number | null; dataFile: string } = { exitCode: code, files: 0, total: null, dataFile: join(rec.dataDir, ".coverage") };
    try {
      const r = await reportOnce(rec, { combine: true, text: true }, true);
      reportNotes(rec, r).forEach(warn);
      if (r.noData !== undefined || (!r.combined && !hasData(rec))) {
        say("no Python file of the command was measured (did it start a Python process of this install? code given with -c is not a file coverage reports)");
      } else {
        const lines = r.text.trim().split("\n");
        const total = lines.find((l) => l.startsWith("TOTAL")) ?? lines[lines.length - 1] ?? "";
        const files = lines.filter((l) => !/^(Name|TOTAL|-+)/.test(l) && l.trim()).length;
        Object.assign(summary, { files, total: r.total ?? null });
        // On stderr: the command's stdout is its own (covshim run -- CMD > FILE).
        say(`${plural(files, "file")} measured; ${total.replace(/\s+/g, " ")}`);
        say(`full report: covshim report ${rec.name}; data in ${tilde(summary.dataFile)}`);
      }
    } catch (e) {
      warn(`report failed: ${(e as Error).message}`);
    }
    if (opts.json) emit(opts.json as true | string, JSON.stringify(summary, null, 2), "the summary");
    process.exitCode = code;
  },
};

/** Runs the command with the terminal; SIGTERM and SIGHUP are passed on, Ctrl-C reaches it from the terminal itself. */
function runChild(cmd: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise<number>((resolveExit, reject) => {
    const child = spawn(cmd[0]!, cmd.slice(1), { stdio: "inherit", env });
    const onInt = () => {};
    const forward = (sig: NodeJS.Signals) => () => child.kill(sig);
    const onTerm = forward("SIGTERM");
    const onHup = forward("SIGHUP");
    process.on("SIGINT", onInt);
    process.on("SIGTERM", onTerm);
    process.on("SIGHUP", onHup);
    const cleanup = () => {
      process.off("SIGINT", onInt);
      process.off("SIGTERM", onTerm);
      process.off("SIGHUP", onHup);
    };
    child.on("error", (e) => {
      cleanup();
      reject(new CovshimError(`cannot run ${cmd[0]}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "command not found" : e.message}`));
    });
    child.on("exit", (c, sig) => {
      cleanup();
      resolveExit(c ?? 128 + (sig ? (constants.signals[sig] ?? 1) : 1));
    });
  });
}
