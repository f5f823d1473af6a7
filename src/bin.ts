import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { printError } from "./errors.js";
import { VERSION } from "./version.js";
import { fastParse } from "./commands/spec.js";
import { hook } from "./commands/hook.js";
import { status } from "./commands/status.js";

/**
 * The executable: a small CommonJS bundle (Node loads it faster than ESM).
 * What shells and prompts run often is answered here, from the commands' own
 * declarations; everything else goes to the full CLI, loaded only then.
 */
const FAST = [hook, status];

async function fastPath(argv: string[]): Promise<boolean> {
  const [cmd, ...rest] = argv;
  if ((cmd === "--version" || cmd === "-v" || cmd === "-V") && !rest.length) {
    process.stdout.write(`${VERSION}\n`);
    return true;
  }
  const spec = FAST.find((s) => s.name === cmd);
  const parsed = spec && fastParse(spec, rest);
  if (!spec || !parsed) return false;
  await spec.action(parsed.args, parsed.opts, []);
  return true;
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
