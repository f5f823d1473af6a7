import { spawn } from "node:child_process";
import { join } from "node:path";
import { constants } from "node:os";
import { CovshimError, usageError } from "../errors.js";
import { dirs } from "../paths.js";
import { loadConfig } from "../config.js";
import { readState, withLock, writeState, type InstallRecord } from "../state.js";
import { deactivate } from "../switch.js";
import { resolveTarget } from "../install.js";
import { hasData, reportOnce } from "../report.js";
import { turnOn, type EnableOptions } from "./enable.js";
import { out, say, warn } from "../output.js";

/**
 * `covshim run [TARGET] -- CMD...`: on for that command alone (only the child
 * gets the variable), everything restored afterwards, also on Ctrl-C,
 * SIGTERM or failure; a short report; the command's exit code.
 */
export async function runCommand(target: string | undefined, cmd: string[], o: EnableOptions): Promise<void> {
  if (!cmd.length) throw usageError("nothing to run: covshim run [TARGET] -- CMD ...");
  const d = dirs();
  const cfg = await loadConfig(d);
  let rec!: InstallRecord;
  let temporary = false;
  let pythonPath: string[] = [];
  await withLock(d, async () => {
    const state = readState(d);
    // Already on (shell or install scope): use it as it is, change nothing.
    const on = Object.values(state.installs).filter((i) => i.enabled);
    const wanted = target === undefined ? undefined : resolveTarget(target, { state, python: o.python }).path;
    const already = wanted === undefined ? (on.length === 1 ? on[0] : undefined) : on.find((i) => i.path === wanted);
    if (already) {
      rec = already;
      pythonPath = already.kind === "dir" ? [already.path] : already.kind === "gpdb" ? [join(already.path, "lib", "python")] : [];
      return;
    }
    const r = await turnOn(d, state, cfg, target, o, "run");
    if (r.rec.scope === "run") temporary = true;
    rec = r.rec;
    pythonPath = r.target.pythonPath;
  });

  const restore = async () => {
    if (!temporary) return;
    temporary = false;
    await withLock(d, async () => {
      const state = readState(d);
      const cur = state.installs[rec.id];
      if (cur && cur.scope === "run") {
        deactivate(cur).forEach((n) => warn(n));
        await writeState(d, state);
      }
    });
  };

  const env: NodeJS.ProcessEnv = { ...process.env, COVERAGE_PROCESS_START: rec.rcfile };
  delete env.COVSHIM_DISABLE;
  if (pythonPath.length) {
    const cur = (env.PYTHONPATH ?? "").split(":").filter(Boolean);
    env.PYTHONPATH = [...pythonPath.filter((p) => !cur.includes(p)), ...cur].join(":");
  }
  let code: number;
  try {
    code = await new Promise<number>((resolveExit, reject) => {
      const child = spawn(cmd[0]!, cmd.slice(1), { stdio: "inherit", env });
      // Ctrl-C reaches the child from the terminal itself; covshim waits for it.
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
  } finally {
    await restore();
  }
  try {
    const r = await reportOnce(rec, { combine: true, text: true }, true);
    if (r.noData !== undefined || (!r.combined && !hasData(rec))) {
      say("no Python file of the command was measured (did it start a Python process of this install? code given with -c is not a file coverage reports)");
    } else {
      const lines = r.text.trim().split("\n");
      const total = lines.find((l) => l.startsWith("TOTAL")) ?? lines[lines.length - 1] ?? "";
      const files = lines.filter((l) => !/^(Name|TOTAL|-+)/.test(l) && l.trim()).length;
      out(`covshim: ${files} files measured; ${total.replace(/\s+/g, " ")}`);
      say(`full report: covshim report ${rec.name}; data in ${join(rec.dataDir, ".coverage")}`);
    }
  } catch (e) {
    warn(`report failed: ${(e as Error).message}`);
  }
  process.exitCode = code;
}
