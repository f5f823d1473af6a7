import { CovshimError } from "./errors.js";
import { pythonEnv } from "./probe.js";

/**
 * Runs the install's own `python -m coverage`, never measured itself: the
 * variable is removed from its environment and the shim is told to stand down.
 */
export async function coverageCmd(python: string, args: string[], opts: { cwd: string; rcfile?: string; allowFail?: boolean }) {
  const { execa } = await import("execa");
  const full = ["-m", "coverage", ...args];
  if (opts.rcfile) full.splice(3, 0, `--rcfile=${opts.rcfile}`);
  const r = await execa(python, full, { cwd: opts.cwd, env: pythonEnv(), extendEnv: false, reject: false });
  if (r.exitCode !== 0 && !opts.allowFail) {
    const line = String(r.stderr || r.stdout).trim().split("\n").filter(Boolean).pop() ?? `exit ${r.exitCode}`;
    throw new CovshimError(`coverage ${args[0]} failed: ${line}`);
  }
  return r;
}
