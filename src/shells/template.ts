import type { HookContext } from "./shell.js";

/**
 * The hook scripts are real files (lintable) with placeholders for what
 * covshim knows only at run time: @NODE@, @CLI@, @FILE@ (the shells' file)
 * and @EPOCH@ (when the hook was written: a clock for bash 3.2, which has
 * none). Each is replaced by the value, quoted for the shell.
 */
export function fillHook(script: string, ctx: HookContext, quote: (s: string) => string): string {
  const values: Record<string, string> = {
    NODE: ctx.node,
    CLI: ctx.cli,
    FILE: ctx.shellFile,
    EPOCH: String(Math.floor((ctx.now ?? Date.now()) / 1000)),
  };
  return script.replace(/@(NODE|CLI|FILE|EPOCH)@/g, (_m, name: string) => quote(values[name]!));
}
