import { CovshimError } from "../errors.js";
import { atomicWrite } from "../fs/atomic.js";
import { type Dirs, shellFile } from "../paths.js";
import type { InstallRecord, State } from "../state/state.js";
import { startVariable } from "./variable.js";

/**
 * The file the hooks read with builtins at every prompt: a version line,
 * then `key=value` lines in the order of FIELDS (docs/shells.md). Every
 * decision is made here; the scripts only compare numbers and print.
 */
export const SHELL_FILE_VERSION = "covshim-shell 2";

export const FIELDS = [
  /** coveragerc of the shell-scope install that is on; empty: nothing on in shell scope. */
  "rc",
  /** COVSHIM_PROMPT and the marker while on: the shell-scope install's, else the install-scope ones' until scope_until. */
  "prompt",
  /** 1: add the marker to a plain PS1 / fish_prompt (config `ps1`); COVSHIM_PS1 in the shell overrides. */
  "ps1",
  /** Epoch seconds when the shell-scope install was turned on (0: none). */
  "since",
  /** Epoch seconds from which the left-on warning is due (0: never). */
  "warn_at",
  /** Seconds between two left-on warnings. */
  "warn_every",
  /** printf format of the left-on warning; %d is the minutes on. */
  "warn_msg",
  /** Said when a shell starts while shell scope is on. */
  "on_msg",
  /** Epoch seconds when the first install-scope install expires (0: none on). */
  "scope_until",
  /** Said when a shell starts before scope_until. */
  "scope_msg",
  /** Said when a shell starts after scope_until. */
  "expired_msg",
  /** The variable rc goes into (src/shells/variable.ts startVariable): COVSHIM_START or COVERAGE_PROCESS_START. Last, so that a hook older than it reads the rest as before. */
  "var",
] as const;
export type ShellFields = Record<(typeof FIELDS)[number], string>;

export interface ShellConfig {
  prompt: string;
  warnAfter: number;
  warnEvery: number;
  ps1: boolean;
}

export const activeShellInstall = (s: State): InstallRecord | undefined =>
  Object.values(s.installs).find((i) => i.enabled && i.scope === "shell");

export const promptText = (template: string, name: string) => template.replace(/\{name\}/g, name);

const epoch = (iso: string | null | undefined) => Math.floor(Date.parse(iso ?? "") / 1000) || 0;
const hhmm = (sec: number) => {
  const d = new Date(sec * 1000);
  return `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
};

export function shellFields(s: State, cfg: ShellConfig): ShellFields {
  const a = activeShellInstall(s);
  const wide = Object.values(s.installs).filter((i) => i.enabled && i.scope === "install");
  const names = wide.map((i) => i.name).join(", ");
  const until = wide.length ? Math.min(...wide.map((i) => epoch(i.expires))) : 0;
  // The marker's text while anything is on; in install scope only (no variable
  // in the shell) the hooks drop it at scope_until by themselves.
  const prompt = a ? promptText(cfg.prompt, a.name) : wide.length ? promptText(cfg.prompt, names) : "";
  const since = a ? epoch(a.since) : 0;
  return {
    rc: a ? a.rcfile : "",
    prompt,
    ps1: cfg.ps1 ? "1" : "0",
    since: String(since),
    warn_at: String(since ? since + cfg.warnAfter : 0),
    warn_every: String(cfg.warnEvery),
    warn_msg: a ? `measurement has been on for %d min (${prompt.replace(/%/g, "%%")}); 'covshim off' turns it off` : "",
    on_msg: a ? `measurement is on in this shell (${prompt}); 'covshim off' turns it off` : "",
    scope_until: String(until),
    scope_msg: wide.length ? `install scope: every process of ${names} is measured until ${hhmm(until)}` : "",
    expired_msg: wide.length ? `install scope of ${names} has expired: nothing is measured; 'covshim off' removes the shim` : "",
    var: a ? startVariable(a) : "COVERAGE_PROCESS_START",
  };
}

export function renderShellFile(s: State, cfg: ShellConfig): string {
  const f = shellFields(s, cfg);
  const lines = [SHELL_FILE_VERSION, ...FIELDS.map((k) => `${k}=${f[k]}`)];
  if (lines.some((l) => /[\n\r]/.test(l))) throw new CovshimError("a path or name with a newline cannot be handed to the shell hooks");
  return lines.join("\n") + "\n";
}

/** The reader's side, for tests and tools: what every hook script reads the same way. */
export function parseShellFile(text: string): Partial<ShellFields> | null {
  const [head, ...rest] = text.split("\n");
  if (head !== SHELL_FILE_VERSION) return null;
  const out: Partial<ShellFields> = {};
  for (const l of rest) {
    const i = l.indexOf("=");
    if (i > 0 && (FIELDS as readonly string[]).includes(l.slice(0, i))) out[l.slice(0, i) as keyof ShellFields] = l.slice(i + 1);
  }
  return out;
}

export function writeShellFile(d: Dirs, s: State, cfg: ShellConfig): void {
  atomicWrite(shellFile(d), renderShellFile(s, cfg), 0o600);
}
