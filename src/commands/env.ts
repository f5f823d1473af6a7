import { dirs } from "../paths.js";
import { readState } from "../state.js";
import { activeShellInstall, promptText } from "../shellfile.js";
import { getShell } from "../shells/index.js";
import { out } from "../output.js";
import { loadConfig } from "../config.js";

/** export/unset lines for the current state; unsets only what covshim set. */
export async function envCommand(o: { shell?: string }): Promise<void> {
  const sh = getShell(o.shell);
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
}
