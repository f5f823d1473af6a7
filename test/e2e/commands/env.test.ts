import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { baseEnv, covshim, evalIn, statusJson, tempDir, venvWithCoverage } from "../../helpers/fixtures.js";
import { CLI, need } from "../../helpers/tools.js";

describe("covshim env: export/unset lines each shell evaluates to exactly the value, running nothing", () => {
  it("hostile COVSHIM_HOME path in bash, zsh and fish", () => {
    const t = tempDir();
    const canary = join(t, "pwned");
    const home = join(t, `h o'm"e $(touch ${canary}) \`touch ${canary}\` %s ü -x`);
    mkdirSync(home, { recursive: true });
    const venv = venvWithCoverage(join(t, "venv"));
    expect(covshim(home, ["enable", venv, "--name", "v1"]).code).toBe(0);
    const rc = statusJson(home).installs[0]!.rcfile;
    expect(rc.startsWith(home)).toBe(true);
    for (const sh of ["bash", "zsh", "fish"]) {
      need(sh);
      const lines = covshim(home, ["env", "--shell", sh]);
      expect(lines.code).toBe(0);
      const r = evalIn(sh, lines.stdout, `printf '%s|%s|%s' "$COVERAGE_PROCESS_START" "$__COVSHIM_SET" "$COVSHIM_PROMPT"`, baseEnv(home));
      expect(r.stderr, sh).toBe("");
      expect(r.stdout, sh).toBe(`${rc}|${rc}|cov:v1`);
    }
    expect(existsSync(canary)).toBe(false);
    expect(covshim(home, ["off"]).code).toBe(0);
    // Off: unset only what covshim set.
    const unset = covshim(home, ["env", "--shell", "bash"], { COVERAGE_PROCESS_START: rc, __COVSHIM_SET: rc });
    expect(unset.stdout).toContain("unset COVERAGE_PROCESS_START;");
    const byHand = covshim(home, ["env", "--shell", "bash"], { COVERAGE_PROCESS_START: "/mine.rc" });
    expect(byHand.stdout).not.toContain("unset COVERAGE_PROCESS_START;");
    expect(CLI).toBeTruthy();
  });
});
