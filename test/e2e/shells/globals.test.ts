import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { baseEnv, covshim, tempDir, venvWithCoverage } from "../../helpers/fixtures.js";
import { need } from "../../helpers/tools.js";

/**
 * The hooks keep their state in at most 5 global shell variables: VS Code's
 * newer zsh integration runs a process (printenv) per shell variable at each
 * prompt. Counted as the shell itself lists its variables, before and after
 * the hook is loaded and has synced with measurement on (so that the
 * variables it exports are there too).
 */
const LIST = {
  bash: { before: "compgen -v | sort > \"$T/a\"", after: "compgen -v | sort > \"$T/b\"" },
  zsh: { before: "print -rl -- ${(k)parameters} | sort > \"$T/a\"", after: "print -rl -- ${(k)parameters} | sort > \"$T/b\"" },
  fish: { before: "set -n | sort > $T/a", after: "set -n | sort > $T/b" },
} as const;

describe("the hooks' global variables", () => {
  for (const sh of ["bash", "zsh", "fish"] as const) {
    it(`${sh}: at most 5, measurement on`, () => {
      need(sh);
      const t = tempDir();
      const home = join(t, "home");
      const venv = venvWithCoverage(join(t, "venv"));
      expect(covshim(home, ["enable", venv]).code).toBe(0);
      const hook = covshim(home, ["hook", sh]).stdout;
      const env = { ...baseEnv(home, { COVSHIM_QUIET: "1" }), T: t };
      const script = sh === "fish" ? `${LIST.fish.before}\n${hook}\n__covshim_sync\n${LIST.fish.after}` : `${LIST[sh].before}\neval "$(cat "$T/hook")"\n__covshim_sync\n${LIST[sh].after}`;
      writeFileSync(join(t, "hook"), hook);
      const r = sh === "fish" ? spawnSync("fish", ["--no-config", "-c", script], { env, encoding: "utf8" }) : spawnSync(sh, ["-c", script], { env, encoding: "utf8" });
      expect(r.status, r.stderr).toBe(0);
      const read = (n: string) => new Set(readFileSync(join(t, n), "utf8").split("\n").filter(Boolean));
      const before = read("a");
      // The shell's own: its bookkeeping (status, $_), the prompt and its hooks
      // (an interactive shell has them anyway), zsh/datetime's clock.
      const own = /^(_|BASH_.*|PIPESTATUS|FUNCNAME|LINENO|RANDOM|SECONDS|status|pipestatus|COLUMNS|LINES|argv|history|CMD_DURATION|PS1|PROMPT_COMMAND|precmd_functions|EPOCHSECONDS|EPOCHREALTIME|epochtime)$/;
      const added = [...read("b")].filter((v) => !before.has(v) && !own.test(v) && v !== "COVERAGE_PROCESS_START");
      expect(added.length, added.join(" ")).toBeLessThanOrEqual(5);
      expect(added.sort()).toEqual(["COVSHIM_PROMPT", "__COVSHIM_SET", "__covshim", "__covshim_mark"]);
    });
  }
});
