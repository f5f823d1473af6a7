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
