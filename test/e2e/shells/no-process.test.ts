import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { covshim, tempDir, venvWithCoverage } from "../../helpers/fixtures.js";
import { hookedShell, processesOver } from "../../helpers/hooks.js";
import type { ShellName } from "../../helpers/tmux.js";

describe.each(["bash", "zsh", "fish"] as ShellName[])("%s hook starts no process at a prompt", (sh) => {
  it("with measurement on and off", async () => {
    const t = tempDir();
    const home = join(t, "covshim");
    const venv = venvWithCoverage(join(t, "venv"));
    const term = hookedShell(sh, t, home);
    await term.ready();
    expect(await processesOver(term, 5, t, "off")).toEqual([]);
    expect(covshim(home, ["enable", venv]).code).toBe(0);
    await term.ready();
    expect(await term.run(`echo "on:$COVSHIM_PROMPT"`)).toContain("on:cov:venv");
    expect(await processesOver(term, 5, t, "on")).toEqual([]);
    expect(covshim(home, ["off"]).code).toBe(0);
  });
});
