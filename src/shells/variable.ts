import type { InstallRecord } from "../state/state.js";

/**
 * The variable a hooked shell exports for an install: COVSHIM_START where
 * covshim's recorder measures (coverage.py's own hooks, its a1_coverage.pth
 * and programs that call coverage.process_startup() as behave does, answer
 * to COVERAGE_PROCESS_START only, so coverage.py stays out of those
 * processes), COVERAGE_PROCESS_START where coverage.py does. The shim
 * answers to both (templates/shim/guard.py).
 */
export type StartVariable = "COVSHIM_START" | "COVERAGE_PROCESS_START";
export const START_VARIABLES: readonly StartVariable[] = ["COVSHIM_START", "COVERAGE_PROCESS_START"];
export const startVariable = (rec: Pick<InstallRecord, "recorder">): StartVariable => (rec.recorder === "covshim" ? "COVSHIM_START" : "COVERAGE_PROCESS_START");

/** The rcfile this environment asks the shim to measure with, by either variable. */
export const startValue = (env: NodeJS.ProcessEnv = process.env): string | undefined => env.COVSHIM_START || env.COVERAGE_PROCESS_START || undefined;

/** How COVERAGE_PROCESS_START (and covshim's COVSHIM_START) stand in this environment, and whether covshim set them. */
export function envView(env: NodeJS.ProcessEnv = process.env) {
  const cps = env.COVERAGE_PROCESS_START ?? null;
  const own = env.COVSHIM_START ?? null;
  return { COVERAGE_PROCESS_START: cps, COVSHIM_START: own, setByCovshim: (cps ?? own) !== null && env.__COVSHIM_SET === (cps ?? own) };
}

/**
 * What to tell about the variable in the shell covshim was run from: nothing
 * when the hook's function ran in that shell (it syncs at once); the next
 * prompt when it ran in a pipeline or subshell; `covshim env` without hook.
 */
export function reachNote(what: "on" | "off", env: NodeJS.ProcessEnv = process.env, name: StartVariable = "COVERAGE_PROCESS_START"): string | undefined {
  const hooked = env.__COVSHIM_HOOKED;
  if (hooked === "1") return undefined;
  const change = what === "on" ? `gets ${name}` : "loses its variable";
  if (hooked === "subshell") {
    return `covshim ran in a pipeline or subshell: this shell ${change} at its next prompt; for a command on this same line, run eval "$(covshim env)" first`;
  }
  if (what === "off") {
    const left = START_VARIABLES.find((n) => env[n] && env[n] === env.__COVSHIM_SET) ?? (env.COVERAGE_PROCESS_START ? "COVERAGE_PROCESS_START" : undefined);
    return left ? `this shell still has ${left}: eval "$(covshim env)" (or add the hook: eval "$(covshim hook bash)")` : undefined;
  }
  return `in this shell: eval "$(covshim env)" (or add the hook: eval "$(covshim hook bash)")`;
}
