import type { HookContext } from "./shell.js";

/**
 * The hook scripts are real files (lintable); their first lines assign the
 * values covshim knows only at run time. Replaces those assignments' values.
 */
export function fillHook(script: string, ctx: HookContext, quote: (s: string) => string): string {
  const values: Record<string, string> = {
    __covshim_node: ctx.node,
    __covshim_cli: ctx.cli,
    __covshim_file: ctx.shellFile,
    // When the hook was written: a clock for a shell without one (bash 3.2).
    __covshim_epoch: String(Math.floor((ctx.now ?? Date.now()) / 1000)),
  };
  return script.replace(/^(\s*(?:set -g |typeset -g )?)(__covshim_(?:node|cli|file|epoch))(=| )[^\n]*$/gm, (_m, pre: string, name: string, sep: string) =>
    `${pre}${name}${sep}${quote(values[name]!)}`,
  );
}
