/** How COVERAGE_PROCESS_START stands in this environment, and whether covshim set it. */
export function envView(env: NodeJS.ProcessEnv = process.env) {
  const cps = env.COVERAGE_PROCESS_START ?? null;
  return { COVERAGE_PROCESS_START: cps, setByCovshim: cps !== null && env.__COVSHIM_SET === cps };
}
