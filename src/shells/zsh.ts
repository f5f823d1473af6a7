import script from "../../shell/covshim.zsh?raw";
import { posixQuote, type HookContext, type Shell } from "./shell.js";
import { fillHook } from "./template.js";

export const zsh: Shell = {
  name: "zsh",
  quote: posixQuote,
  exportVar: (n, v) => `export ${n}=${posixQuote(v)};`,
  unsetVar: (n) => `unset ${n};`,
  hook: (ctx: HookContext) => fillHook(script, ctx, posixQuote),
};
