import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CLI, need } from "./tools.js";
import { baseEnv } from "./fixtures.js";
import { Term, type ShellName } from "./tmux.js";

export const hookLine = (shell: ShellName) =>
  shell === "fish" ? `${process.execPath} ${CLI} hook fish | source` : `eval "$(${process.execPath} ${CLI} hook ${shell})"`;

/** Starts an interactive shell with covshim's hook in its rc file (plus `before`/`after` lines). */
export function hookedShell(shell: ShellName, dir: string, home: string, opts: { before?: string; after?: string; env?: NodeJS.ProcessEnv; noProc?: boolean } = {}): Term {
  const rc = [opts.before ?? "", hookLine(shell), opts.after ?? ""].join("\n");
  const env = baseEnv(home, { TERM: "xterm", ...(opts.env ?? {}) });
  // As on macOS: no /proc (an empty one, in a mount namespace of the shell's own).
  const prefix = opts.noProc ? ["unshare", "-m", "sh", "-c", 'mount -t tmpfs none /proc && exec "$@"', "sh"] : [];
  return new Term(shell, join(dir, `${shell}-${Math.random().toString(36).slice(2, 8)}`), env, rc, prefix);
}

/**
 * The processes a shell starts over `prompts` prompts (strace attached to it).
 * `ready` types `:` and `echo`, both builtins: any clone/fork/exec is a hook's
 * or a framework's. fish's own I/O threads (CLONE_THREAD) are not processes.
 */
export async function processesOver(term: Term, prompts: number, dir: string, tag: string): Promise<string[]> {
  need("strace");
  const log = join(dir, `strace-${tag}.log`);
  const st = spawn("strace", ["-f", "-e", "trace=process", "-o", log, "-p", String(term.pid())], { stdio: "ignore" });
  await new Promise((r) => setTimeout(r, 400));
  for (let i = 0; i < prompts; i++) await term.ready();
  st.kill("SIGINT");
  await new Promise((r) => st.on("exit", r));
  return readFileSync(log, "utf8").split("\n").filter((l) => /\b(execve|clone3?|fork|vfork)\(/.test(l) && !l.includes("CLONE_THREAD"));
}
