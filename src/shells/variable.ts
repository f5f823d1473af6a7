/** How COVERAGE_PROCESS_START stands in this environment, and whether covshim set it. */
export function envView(env: NodeJS.ProcessEnv = process.env) {
  const cps = env.COVERAGE_PROCESS_START ?? null;
  return { COVERAGE_PROCESS_START: cps, setByCovshim: cps !== null && env.__COVSHIM_SET === cps };
}

/**
 * What to tell about the variable in the shell covshim was run from: nothing
 * when the hook's function ran in that shell (it syncs at once); the next
 * prompt when it ran in a pipeline or subshell; `covshim env` without hook.
 */
export function reachNote(what: "on" | "off", env: NodeJS.ProcessEnv = process.env): string | undefined {
  const hooked = env.__COVSHIM_HOOKED;
  if (hooked === "1") return undefined;
  const change = what === "on" ? "gets COVERAGE_PROCESS_START" : "loses COVERAGE_PROCESS_START";
  if (hooked === "subshell") {
    return `covshim ran in a pipeline or subshell: this shell ${change} at its next prompt; for a command on this same line, run eval "$(covshim env)" first`;
  }
  if (what === "off") return env.COVERAGE_PROCESS_START ? `this shell still has COVERAGE_PROCESS_START: eval "$(covshim env)" (or add the hook: eval "$(covshim hook bash)")` : undefined;
  return `in this shell: eval "$(covshim env)" (or add the hook: eval "$(covshim hook bash)")`;
}
