import { afterEach, describe, expect, it } from "vitest";
import { CovshimError } from "../../src/errors.js";
import { SHELLS, getShell } from "../../src/shells/index.js";

describe("the shells covshim knows", () => {
  const shell = process.env.SHELL;
  afterEach(() => {
    if (shell === undefined) delete process.env.SHELL;
    else process.env.SHELL = shell;
  });
  it("by name, else from $SHELL, else bash", () => {
    expect(Object.keys(SHELLS).sort()).toEqual(["bash", "fish", "zsh"]);
    expect(getShell("fish").name).toBe("fish");
    process.env.SHELL = "/usr/bin/zsh";
    expect(getShell(undefined).name).toBe("zsh");
    process.env.SHELL = "/bin/tcsh";
    expect(getShell(undefined).name).toBe("bash");
  });
  it("an unknown name is a usage error naming the known ones", () => {
    expect(() => getShell("tcsh")).toThrow(CovshimError);
    expect(() => getShell("tcsh")).toThrow("unknown shell 'tcsh': use one of bash, zsh, fish");
  });
});
