import script from "../../shell/covshim.zsh?raw";
import { bash } from "./bash.js";
import { posixQuote, type HookContext, type Shell } from "./shell.js";
import { fillHook } from "./template.js";

/** zsh quotes and exports as bash does; only the hook script differs. */
export const zsh: Shell = {
  ...bash,
  name: "zsh",
  hook: (ctx: HookContext) => fillHook(script, ctx, posixQuote),
};
