import { dirs } from "../paths.js";
import { readState } from "../state/state.js";
import { activeShellInstall, promptText } from "../shells/statefile.js";
import { getShell } from "../shells/index.js";
import { out } from "../output.js";
import { loadConfig } from "../config.js";
import { START_VARIABLES, startVariable } from "../shells/variable.js";
import type { CommandSpec } from "./spec.js";

export const env: CommandSpec = {
  name: "env",
  summary: "export/unset lines for the current state, for scripts and CI",
  details: "Unsets only what covshim set: a COVERAGE_PROCESS_START exported by hand is left alone.",
  examples: ['eval "$(covshim env)"', "covshim env --shell fish | source"],
  options: [{ flags: "--shell <shell>", help: "bash|zsh|fish (default: from $SHELL)" }],
  async action(_args, o) {
    const sh = getShell(o.shell as string | undefined);
    const d = dirs();
    const a = activeShellInstall(readState(d));
    const lines: string[] = [];
    if (a) {
      const cfg = await loadConfig(d);
      const name = startVariable(a);
      // The other variable, where covshim set it for an install before this one.
      for (const n of START_VARIABLES) if (n !== name && process.env[n] !== undefined && process.env[n] === process.env.__COVSHIM_SET) lines.push(sh.unsetVar(n));
      lines.push(sh.exportVar(name, a.rcfile), sh.exportVar("__COVSHIM_SET", a.rcfile), sh.exportVar("COVSHIM_PROMPT", promptText(cfg.prompt, a.name)));
    } else {
      for (const n of START_VARIABLES) if (process.env[n] !== undefined && process.env[n] === process.env.__COVSHIM_SET) lines.push(sh.unsetVar(n));
      lines.push(sh.unsetVar("__COVSHIM_SET"), sh.unsetVar("COVSHIM_PROMPT"));
    }
    out(lines.join("\n"));
  },
};
