import { writeFileSync } from "node:fs";
import { resolve as resolvePath } from "node:path";
import pc from "picocolors";
import { usageError } from "./errors.js";

const colour = () => !process.env.NO_COLOR && process.stderr.isTTY;

/** Messages for people go to stderr; stdout is for what scripts consume. */
export const say = (msg: string) => process.stderr.write(`covshim: ${msg}\n`);
export const warn = (msg: string) => process.stderr.write(`${colour() ? pc.yellow("covshim: warning:") : "covshim: warning:"} ${msg}\n`);
export const out = (msg: string) => process.stdout.write(msg.endsWith("\n") ? msg : msg + "\n");

/**
 * The one rule of --json, --xml, --lcov and --markdown in every command:
 * alone or `-`, to standard output; `FILE`, written there (and said so).
 */
export const toStdout = (to: unknown): boolean => to === true || to === "-";

/** The rule's one error: at most one document on standard output. */
export function oneOnStdout(given: Record<string, unknown>): void {
  const on = Object.entries(given).filter(([, v]) => v !== undefined && v !== false && toStdout(v)).map(([k]) => k);
  if (on.length > 1) throw usageError(`only one of ${on.join(", ")} can go to standard output: give the others a FILE`);
}

export function emit(to: true | string, text: string, what: string): void {
  if (toStdout(to)) {
    out(text);
    return;
  }
  const file = resolvePath(to as string);
  writeFileSync(file, text.endsWith("\n") ? text : text + "\n");
  say(`${what} in ${file}`);
}

/** The rule, said once: in `covshim --help` and under each command that has such an option. */
export const MACHINE_RULE = "--json, --xml, --lcov, --markdown [FILE]: alone or '-', to standard output (instead of the table); with FILE, written there.";

/** The option that follows the rule, for a command's spec. */
export const machineOption = (name: "json" | "xml" | "lcov" | "markdown", what: string) => ({ flags: `--${name} [file]`, help: what });
