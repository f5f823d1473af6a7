import script from "../../shell/covshim.bash?raw";
import { posixQuote, type HookContext, type Shell } from "./shell.js";
import { fillHook } from "./template.js";

export const bash: Shell = {
  name: "bash",
  exportVar: (n, v) => `export ${n}=${posixQuote(v)};`,
  unsetVar: (n) => `unset ${n};`,
  hook: (ctx: HookContext) => fillHook(script, ctx, posixQuote),
};
