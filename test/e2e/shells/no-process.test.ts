import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { covshim, tempDir, venvWithCoverage } from "../../helpers/fixtures.js";
import { hookedShell } from "../../helpers/hooks.js";
import { need } from "../../helpers/tools.js";
import type { ShellName, Term } from "../../helpers/tmux.js";

/** Attaches strace to the shell and counts the processes it starts over several prompts. */
async function processesOver(term: Term, prompts: number, dir: string, tag: string): Promise<string[]> {
  need("strace");
  const log = join(dir, `strace-${tag}.log`);
  const st = spawn("strace", ["-f", "-e", "trace=process", "-o", log, "-p", String(term.pid())], { stdio: "ignore" });
  await new Promise((r) => setTimeout(r, 400));
  for (let i = 0; i < prompts; i++) await term.ready();
  st.kill("SIGINT");
  await new Promise((r) => st.on("exit", r));
  const lines = readFileSync(log, "utf8").split("\n");
  // `ready` types `:` and `echo`, both builtins: any clone/fork/exec is the hook's.
  // fish runs its own I/O threads (clone with CLONE_THREAD): threads, not processes.
  return lines.filter((l) => /\b(execve|clone3?|fork|vfork)\(/.test(l) && !l.includes("CLONE_THREAD"));
}

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
