import { CovshimError } from "./errors.js";
import { step } from "./fault.js";
import { type Dirs, shellFile } from "./paths.js";
import type { InstallRecord, State } from "./state.js";

export interface ShellView {
  rcfile: string;
  prompt: string;
  since: number;
  warnAfter: number;
  warnEvery: number;
  installNote: string;
}

export interface ShellConfig {
  prompt: string;
  warnAfter: number;
  warnEvery: number;
  ps1?: boolean;
}

export const activeShellInstall = (s: State): InstallRecord | undefined =>
  Object.values(s.installs).find((i) => i.enabled && i.scope === "shell");

export const promptText = (template: string, name: string) => template.replace(/\{name\}/g, name);

/**
 * The file the hooks read with `read` at every prompt, one value a line:
 * format tag, rcfile (empty: nothing on), prompt text, since (epoch s),
 * warnAfter (s), warnEvery (s), the install-scope installs that are on
 * (names), the earliest of their expiry times (epoch s; 0: none), ps1=0|1.
 */
export function renderShellFile(s: State, cfg: ShellConfig): string {
  const a = activeShellInstall(s);
  const wide = Object.values(s.installs).filter((i) => i.enabled && i.scope === "install");
  const expiry = wide.length ? Math.min(...wide.map((i) => Math.floor(Date.parse(i.expires ?? "") / 1000) || 0)) : 0;
  const lines = [
    "covshim-shell 1",
    a ? a.rcfile : "",
    a ? promptText(cfg.prompt, a.name) : "",
    a && a.since ? String(Math.floor(Date.parse(a.since) / 1000)) : "0",
    String(cfg.warnAfter),
    String(cfg.warnEvery),
    wide.map((i) => i.name).join(", "),
    String(expiry),
    // The config key `ps1`: new shells change their prompt (as COVSHIM_PS1=1 does).
    cfg.ps1 ? "ps1=1" : "ps1=0",
  ];
  for (const l of lines) {
    if (/[\n\r]/.test(l)) throw new CovshimError("a path or name with a newline cannot be handed to the shell hooks");
  }
  return lines.join("\n") + "\n";
}

export async function writeShellFile(d: Dirs, s: State, cfg: ShellConfig): Promise<void> {
  const { default: writeFileAtomic } = await import("write-file-atomic");
  await writeFileAtomic(shellFile(d), renderShellFile(s, cfg), { mode: 0o600 });
  step("wrote shell file");
}
