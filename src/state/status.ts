import { existsSync } from "node:fs";
import { join } from "node:path";
import { dataFiles } from "../coverage/datadir.js";
import { likelyCause } from "../coverage/hints.js";
import { hasShim } from "../shim/lifecycle.js";
import { envView } from "../shells/variable.js";
import type { InstallRecord, State } from "./state.js";

/** One install as `status --json` shows it (PRODUCT.md). */
export interface StatusInstall {
  name: string; path: string; kind: string; enabled: boolean; scope: string; since: string | null;
  expires: string | null; rcfile: string; dataDir: string; shim: string | null; python: string;
  pythonVersion: string; coverageVersion: string | null; core: string;
  /** "covshim": covshim's recorder (coverage.py is not imported in the measured processes); "coverage": coverage.py's collector. */
  recorder: string; dataFiles: number;
  /** A combined data file (from `report`) is in the data directory. */
  combinedData: boolean;
  /** Whose processes are measured: "you", or "you and group G" (install scope with --group). */
  users: string;
  /** Per host: how it stands, and what its last collect brought (files, raw bytes on the host, bytes sent). */
  hosts?: { host: string; state: string; error?: string; collecting?: boolean; collected?: { at: string; files: number; rawBytes: number; wireBytes: number } }[];
}

export interface Status {
  installs: StatusInstall[];
  env: ReturnType<typeof envView>;
  warnings: string[];
}

export function statusOf(state: State, env: NodeJS.ProcessEnv = process.env, now = Date.now()): Status {
  const installs: StatusInstall[] = Object.values(state.installs).map((i: InstallRecord) => ({
    name: i.name, path: i.path, kind: i.kind, enabled: i.enabled, scope: i.scope, since: i.since,
    expires: i.expires, rcfile: i.rcfile, dataDir: i.dataDir, shim: i.shim && hasShim(i.shim) ? i.shim.path : null,
    python: i.python, pythonVersion: i.pythonVersion, coverageVersion: i.coverageVersion, core: i.core,
    recorder: i.recorder ?? "coverage",
    dataFiles: dataFiles(i.dataDir).filter((f) => f !== ".coverage").length,
    combinedData: existsSync(join(i.dataDir, ".coverage")),
    users: i.group ? `you and group ${i.group}` : "you",
    ...(i.hosts?.length ? { hosts: i.hosts.map((h) => ({ host: h.host, state: h.state, ...(h.error ? { error: h.error } : {}), ...(h.collecting ? { collecting: true } : {}), ...(h.collected ? { collected: h.collected } : {}) })) } : {}),
  }));
  const ev = envView(env);
  const warnings: string[] = [];
  const records = Object.values(state.installs);
  const on = installs.filter((i) => i.enabled);
  for (const i of on) {
    if (i.dataFiles === 0 && !i.combinedData) {
      const cause = likelyCause(records[installs.indexOf(i)]!, env);
      if (cause) warnings.push(`${i.name}: nothing measured yet, and ${cause}`);
    }
    if (!i.shim) warnings.push(`${i.name} is marked on but its shim is missing from ${i.path}; run 'covshim off' then enable again`);
    if (i.expires && Date.parse(i.expires) <= now) warnings.push(`${i.name}: install scope expired at ${i.expires}; nothing is measured; run 'covshim off' to remove the shim`);
  }
  if (ev.COVSHIM_START && ev.setByCovshim && !on.some((i) => i.rcfile === ev.COVSHIM_START)) {
    warnings.push("COVSHIM_START is still set in this shell but nothing is on: run 'covshim off' or start a new shell");
  }
  if (ev.COVERAGE_PROCESS_START && !on.some((i) => i.rcfile === ev.COVERAGE_PROCESS_START)) {
    warnings.push(
      ev.setByCovshim
        ? "COVERAGE_PROCESS_START is still set in this shell but nothing is on: run 'covshim off' or start a new shell"
        : "COVERAGE_PROCESS_START was set by hand, not by covshim: every Python with a coverage hook is measured",
    );
  }
  for (const i of installs) {
    for (const h of i.hosts ?? []) if (h.state === "unreachable") warnings.push(`${i.name}: host ${h.host} could not be turned off (${h.error ?? "unreachable"}); run 'covshim off' again`);
    if (!i.enabled && i.shim) warnings.push(`${i.name} is off but a shim is still in ${i.shim}; run 'covshim off'`);
  }
  return { installs, env: ev, warnings };
}
