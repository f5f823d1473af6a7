import script from "../../shell/covshim.fish?raw";
import { type HookContext, type Shell } from "./shell.js";
import { fillHook } from "./template.js";

/** fish single quotes: only \ and ' are special inside them. */
const fishQuote = (s: string) => `'${s.replace(/[\\']/g, (c) => `\\${c}`)}'`;

export const fish: Shell = {
  name: "fish",
  exportVar: (n, v) => `set -gx ${n} ${fishQuote(v)};`,
  unsetVar: (n) => `set -e ${n};`,
  hook: (ctx: HookContext) => fillHook(script, ctx, fishQuote),
};
