import { dirs } from "../paths.js";
import { readState, type InstallRecord } from "../state.js";
import { dataFiles } from "../datadir.js";
import { hasShim } from "../shim.js";
import { out } from "../output.js";

export interface StatusInstall {
  name: string; path: string; kind: string; enabled: boolean; scope: string; since: string | null;
  expires: string | null; rcfile: string; dataDir: string; shim: string | null; python: string;
  pythonVersion: string; coverageVersion: string | null; core: string; dataFiles: number;
  hosts?: { host: string; state: string; error?: string }[];
}

export function envView(env = process.env) {
  const cps = env.COVERAGE_PROCESS_START ?? null;
  return { COVERAGE_PROCESS_START: cps, setByCovshim: cps !== null && env.__COVSHIM_SET === cps };
}

export function statusData(now = Date.now()) {
  const state = readState(dirs());
  const installs: StatusInstall[] = Object.values(state.installs).map((i: InstallRecord) => ({
    name: i.name, path: i.path, kind: i.kind, enabled: i.enabled, scope: i.scope, since: i.since,
    expires: i.expires, rcfile: i.rcfile, dataDir: i.dataDir, shim: i.shim && hasShim(i.shim) ? i.shim.path : null,
    python: i.python, pythonVersion: i.pythonVersion, coverageVersion: i.coverageVersion, core: i.core,
    dataFiles: dataFiles(i.dataDir).filter((f) => f !== ".coverage").length,
    ...(i.hosts?.length ? { hosts: i.hosts.map((h) => ({ host: h.host, state: h.state, ...(h.error ? { error: h.error } : {}) })) } : {}),
  }));
  const env = envView();
  const warnings: string[] = [];
  const on = installs.filter((i) => i.enabled);
  for (const i of on) {
    if (!i.shim) warnings.push(`${i.name} is marked on but its shim is missing from ${i.path}; run 'covshim off' then enable again`);
    if (i.expires && Date.parse(i.expires) <= now) warnings.push(`${i.name}: install scope expired at ${i.expires}; nothing is measured; run 'covshim off' to remove the shim`);
  }
  if (env.COVERAGE_PROCESS_START && !on.some((i) => i.rcfile === env.COVERAGE_PROCESS_START)) {
    warnings.push(
      env.setByCovshim
        ? "COVERAGE_PROCESS_START is still set in this shell but nothing is on: run 'covshim off' or start a new shell"
        : "COVERAGE_PROCESS_START was set by hand, not by covshim: every Python with a coverage hook is measured",
    );
  }
  for (const i of installs) {
    for (const h of i.hosts ?? []) if (h.state === "unreachable") warnings.push(`${i.name}: host ${h.host} could not be turned off (${h.error ?? "unreachable"}); run 'covshim off' again`);
    if (!i.enabled && i.shim) warnings.push(`${i.name} is off but a shim is still in ${i.shim}; run 'covshim off'`);
  }
  return { installs, env, warnings };
}

export async function statusCommand(o: { json?: boolean; check?: boolean }): Promise<void> {
  const s = statusData();
  if (o.json) out(JSON.stringify(s, null, 2));
  else {
    if (!s.installs.length) out("no installs: covshim has not enabled anything yet");
    for (const i of s.installs) {
      const state = i.enabled ? `ON (${i.scope} scope${i.expires ? `, until ${i.expires}` : ""}, since ${i.since})` : "off";
      out(`${i.name}  ${state}\n  ${i.kind} ${i.path}\n  python ${i.pythonVersion} (${i.python}), coverage ${i.coverageVersion}, core ${i.core}\n  data ${i.dataDir} (${i.dataFiles} files)`);
      for (const h of i.hosts ?? []) out(`  host ${h.host}: ${h.state}${h.error ? ` (${h.error})` : ""}`);
    }
    out(`COVERAGE_PROCESS_START: ${s.env.COVERAGE_PROCESS_START ?? "(unset)"}${s.env.COVERAGE_PROCESS_START ? (s.env.setByCovshim ? " (set by covshim)" : " (not set by covshim)") : ""}`);
    for (const w of s.warnings) out(`warning: ${w}`);
  }
  if (o.check && s.installs.some((i) => i.enabled)) process.exitCode = 1;
}
