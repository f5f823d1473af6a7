import { usageError } from "../errors.js";
import { bash } from "./bash.js";
import { fish } from "./fish.js";
import type { Shell } from "./shell.js";
import { zsh } from "./zsh.js";

/** The one place shells are registered. */
export const SHELLS: Record<string, Shell> = { bash, zsh, fish };

export function getShell(name: string | undefined): Shell {
  const n = name ?? detectShell();
  const s = SHELLS[n];
  if (!s) throw usageError(`unknown shell '${n}': use one of ${Object.keys(SHELLS).join(", ")}`);
  return s;
}

function detectShell(): string {
  const sh = (process.env.SHELL ?? "bash").split("/").pop() ?? "bash";
  return sh in SHELLS ? sh : "bash";
}
