import { join } from "node:path";
import { CLI } from "./tools.js";
import { baseEnv } from "./fixtures.js";
import { Term, type ShellName } from "./tmux.js";

export const hookLine = (shell: ShellName) =>
  shell === "fish" ? `${process.execPath} ${CLI} hook fish | source` : `eval "$(${process.execPath} ${CLI} hook ${shell})"`;

/** Starts an interactive shell with covshim's hook in its rc file (plus `before`/`after` lines). */
export function hookedShell(shell: ShellName, dir: string, home: string, opts: { before?: string; after?: string; env?: NodeJS.ProcessEnv } = {}): Term {
  const rc = [opts.before ?? "", hookLine(shell), opts.after ?? ""].join("\n");
  const env = baseEnv(home, { TERM: "xterm", ...(opts.env ?? {}) });
  return new Term(shell, join(dir, `${shell}-${Math.random().toString(36).slice(2, 8)}`), env, rc);
}
