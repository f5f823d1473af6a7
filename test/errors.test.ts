import { afterEach, describe, expect, it, vi } from "vitest";
import { CovshimError, printError, usageError } from "../src/errors.js";

describe("the one error type, printed in one place", () => {
  const writes: string[] = [];
  afterEach(() => {
    vi.restoreAllMocks();
    writes.length = 0;
    process.exitCode = 0;
    delete process.env.COVSHIM_DEBUG;
  });
  const capture = () => vi.spyOn(process.stderr, "write").mockImplementation((s) => (writes.push(String(s)), true));

  it("a CovshimError is one line with its exit code; a usage error exits 2", () => {
    capture();
    printError(new CovshimError("no such install"));
    expect(writes).toEqual(["covshim: no such install\n"]);
    expect(process.exitCode).toBe(1);
    writes.length = 0;
    printError(usageError("unknown option"));
    expect(writes).toEqual(["covshim: unknown option\n"]);
    expect(process.exitCode).toBe(2);
  });

  it("anything else is its first line and how to see more; the stack only with COVSHIM_DEBUG=1", () => {
    capture();
    printError(new Error("boom\nsecond line"));
    expect(writes).toEqual(["covshim: boom (COVSHIM_DEBUG=1 shows details)\n"]);
    expect(process.exitCode).toBe(1);
    writes.length = 0;
    process.env.COVSHIM_DEBUG = "1";
    printError(new Error("boom"));
    expect(writes[0]).toContain("at ");
    expect(writes.at(-1)).toBe("covshim: boom (COVSHIM_DEBUG=1 shows details)\n");
  });
});
