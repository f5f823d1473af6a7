import shimTemplate from "../../templates/shim.py?raw";

/** The marked block in a sitecustomize.py; also what the hosts' agent looks for. */
export const BEGIN = "# >>> covshim >>> managed by covshim; `covshim off` removes this block";
export const END = "# <<< covshim <<<";
export const PTH_NAME = "a0_covshim.pth";

/**
 * Python literal for a string: JSON's escapes are valid Python escapes; non-ASCII
 * is escaped too, so the file is ASCII whatever locale Python reads it in.
 */
export const pyStr = (s: string) => JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);

export function renderShimCode(rcfile: string, expiresEpoch: number): string {
  return shimTemplate.replace("__EXPIRES__", String(Math.floor(expiresEpoch))).replace("__RCFILE__", pyStr(rcfile));
}

/**
 * A .pth runs lines that start with `import`; the shim goes in as one exec,
 * guarded so that a process that wants no measurement does not even compile
 * it (this is what keeps start-up within the noise; see docs/benchmarks.md).
 */
export function renderPth(code: string, expiresEpoch = 0): string {
  // eval(compile(...)) rather than exec(): an expression on Python 2 as well.
  const run = `eval(compile(${pyStr(code)}, "<covshim>", "exec"))`;
  const guard = expiresEpoch
    ? `import time; time.time() < ${Math.floor(expiresEpoch)} and ${run}`
    : `import os; "COVERAGE_PROCESS_START" in os.environ and ${run}`;
  return guard + "\n";
}

export const renderBlock = (code: string) => `${BEGIN}\n${code.trimEnd()}\n${END}\n`;
