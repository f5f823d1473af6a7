import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirs, shellFile } from "../paths.js";
import { getShell } from "../shells/index.js";
import { out } from "../output.js";

export async function hookCommand(shellName: string): Promise<void> {
  const sh = getShell(shellName);
  const cli = realpathSync(process.argv[1] ?? fileURLToPath(import.meta.url));
  out(sh.hook({ cli, node: process.execPath, shellFile: shellFile(dirs()) }));
}
