import { realpathSync } from "node:fs";
import { dirs, shellFile } from "../paths.js";
import { getShell } from "../shells/index.js";
import { out } from "../output.js";

export async function hookCommand(shellName: string): Promise<void> {
  const sh = getShell(shellName);
  // process.argv[1] is the executable (dist/covshim.cjs) whichever bundle runs this.
  const cli = realpathSync(process.argv[1]!);
  out(sh.hook({ cli, node: process.execPath, shellFile: shellFile(dirs()) }));
}
