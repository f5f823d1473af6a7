/** What covshim needs to know about one shell; one file per shell implements it. */
export interface Shell {
  name: "bash" | "zsh" | "fish";
  exportVar(name: string, value: string): string;
  unsetVar(name: string): string;
  /** The integration script, for `eval` / `source`. */
  hook(ctx: HookContext): string;
}

export interface HookContext {
  /** Absolute path of the CLI entry, run with `node`. */
  cli: string;
  node: string;
  shellFile: string;
  /** When the hook is written (ms since the epoch; default now). */
  now?: number;
}

/** POSIX single quotes: everything literal, a ' becomes '\'' . */
export const posixQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
