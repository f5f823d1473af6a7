import { realpathSync } from "node:fs";
import { dirs, shellFile } from "../paths.js";
import { getShell } from "../shells/index.js";
import { out } from "../output.js";
import type { CommandSpec } from "./spec.js";

export const hook: CommandSpec = {
  name: "hook",
  args: "<shell>",
  summary: "the shell integration, for your rc file",
  details: "Keeps COVERAGE_PROCESS_START in step at every prompt with shell builtins only, shows the prompt marker, warns when measurement was left on.",
  examples: ['eval "$(covshim hook bash)"    # in ~/.bashrc', 'eval "$(covshim hook zsh)"     # in ~/.zshrc', "covshim hook fish | source     # in ~/.config/fish/config.fish"],
  async action([shell]) {
    const sh = getShell(shell);
    // process.argv[1] is the executable (dist/covshim.cjs) whichever bundle runs this.
    const cli = realpathSync(process.argv[1]!);
    out(sh.hook({ cli, node: process.execPath, shellFile: shellFile(dirs()) }));
  },
};
