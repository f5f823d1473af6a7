import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { printError } from "./errors.js";
import { VERSION } from "./version.js";
import { hookCommand } from "./commands/hook.js";
import { statusCommand } from "./commands/status.js";

/**
 * The executable: a small CommonJS bundle (Node loads it faster than ESM).
 * What shells and prompts run often is answered here; everything else goes
 * to the full CLI, loaded only then.
 */
async function fastPath(argv: string[]): Promise<boolean> {
  const [cmd, ...rest] = argv;
  if ((cmd === "--version" || cmd === "-V") && !rest.length) {
    process.stdout.write(`${VERSION}\n`);
    return true;
  }
  if (cmd === "hook" && rest.length === 1 && !rest[0]!.startsWith("-")) {
    await hookCommand(rest[0]!);
    return true;
  }
  if (cmd === "status" && rest.every((a) => a === "--json" || a === "--check")) {
    await statusCommand({ json: rest.includes("--json"), check: rest.includes("--check") });
    return true;
  }
  return false;
}

// `covshim status | head` closes the pipe early: that is not an error.
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw e;
});

(async () => {
  const argv = process.argv.slice(2);
  try {
    if (await fastPath(argv)) return;
  } catch (e) {
    printError(e);
    return;
  }
  const full = pathToFileURL(join(__dirname, "cli.js")).href;
  const { cli } = (await import(full)) as typeof import("./cli.js");
  await cli(argv);
})();
