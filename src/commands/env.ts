import { dirs } from "../paths.js";
import { readState } from "../state/state.js";
import { activeShellInstall, promptText } from "../shells/statefile.js";
import { getShell } from "../shells/index.js";
import { out } from "../output.js";
import { loadConfig } from "../config.js";
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
      lines.push(sh.exportVar("COVERAGE_PROCESS_START", a.rcfile), sh.exportVar("__COVSHIM_SET", a.rcfile), sh.exportVar("COVSHIM_PROMPT", promptText(cfg.prompt, a.name)));
    } else {
      const cps = process.env.COVERAGE_PROCESS_START;
      if (cps !== undefined && cps === process.env.__COVSHIM_SET) lines.push(sh.unsetVar("COVERAGE_PROCESS_START"));
      lines.push(sh.unsetVar("__COVSHIM_SET"), sh.unsetVar("COVSHIM_PROMPT"));
    }
    out(lines.join("\n"));
  },
};
