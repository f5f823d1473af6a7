import { describe, expect, it } from "vitest";
import { CovshimError } from "../src/errors.js";
import { validName } from "../src/names.js";

describe("names of installs and saved reports", () => {
  it("takes letters, digits, . _ - up to 64, starting with a letter or digit", () => {
    for (const n of ["base", "gpdb7", "before-fix_2.1", "a".repeat(64)]) expect(validName(n)).toBe(n);
  });
  it("refuses what would not be safe in a file name, a prompt or the shells' file, as a usage error", () => {
    for (const n of ["", ".hidden", "-x", "a/b", "a b", "a'b", "$(x)", "a".repeat(65), "é"]) {
      let e: unknown;
      try {
        validName(n, "install name");
      } catch (err) {
        e = err;
      }
      expect(e, n).toBeInstanceOf(CovshimError);
      expect((e as CovshimError).exitCode).toBe(2);
      expect((e as CovshimError).message).toContain("invalid install name");
    }
  });
});
