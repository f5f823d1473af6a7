/** The one error type: a user-facing one-line message and the exit code. */
export class CovshimError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
    this.name = "CovshimError";
  }
}

export const usageError = (message: string) => new CovshimError(message, 2);

/** The one place errors are printed: one line, a stack trace only with COVSHIM_DEBUG=1. */
export function printError(e: unknown): void {
  const debug = process.env.COVSHIM_DEBUG === "1";
  if (e instanceof CovshimError) {
    process.stderr.write(`covshim: ${e.message}\n`);
    if (debug) process.stderr.write(`${e.stack}\n`);
    process.exitCode = e.exitCode;
    return;
  }
  const err = e as Error;
  if (debug) process.stderr.write(`${err?.stack}\n`);
  process.stderr.write(`covshim: ${err?.message?.split("\n")[0] ?? String(e)} (COVSHIM_DEBUG=1 shows details)\n`);
  process.exitCode = 1;
}
