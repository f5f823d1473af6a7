import { join, resolve } from "node:path";
import { existsSync, statSync } from "node:fs";
import { list, loadConfig } from "../config.js";
import { validName } from "../report.js";
import { parseDuration } from "../duration.js";
import { CovshimError, usageError } from "../errors.js";
import { installId, resolveTarget } from "../install.js";
import { dirs, installDir } from "../paths.js";
import { probe } from "../probe.js";
import { chooseCore, renderPaths, renderRc } from "../rcfile.js";
import { checkRcfile } from "../rccheck.js";
import { moveAside } from "../datadir.js";
import { CORES, type Core, type HostRecord, type State, readState, withLock, writeState } from "../state.js";
import { readHostfile } from "../hosts.js";
import { type HostPlan, enableHosts, offHosts, planHosts } from "../cluster.js";
import type { Dirs } from "../paths.js";
import type { Config } from "../config.js";
import { activate, blockers, deactivate } from "../switch.js";
import { writeShellFile } from "../shellfile.js";
import { say, warn } from "../output.js";

export interface EnableOptions {
  rcfile?: string;
  source?: string;
  omit?: string;
  branch?: boolean;
  core?: string;
  scope?: string;
  for?: string;
  append?: boolean;
  name?: string;
  python?: string;
  hosts?: string;
}

export async function enableCommand(target: string | undefined, o: EnableOptions): Promise<void> {
  const scope = o.scope ?? "shell";
  if (scope !== "shell" && scope !== "install") throw usageError(`invalid --scope '${scope}': use shell or install`);
  if (o.for !== undefined && scope !== "install") throw usageError("--for applies to --scope install (shell scope lasts until off)");
  const d = dirs();
  const cfg = await loadConfig(d);
  await withLock(d, async () => {
    const state = readState(d);
    const { rec, turnedOff, probe: p } = await turnOn(d, state, cfg, target, o, scope);
    for (const c of p.coveragePths) say(`note: ${c} also starts coverage when the variable is set; the shim and it agree`);
    await writeShellFile(d, state, cfg);
    for (const n of turnedOff) say(`turned off ${n} (shell scope allows one install at a time)`);
    say(`measuring ${rec.name} (${rec.kind}, Python ${rec.pythonVersion}, coverage ${rec.coverageVersion}, core ${rec.core}); data in ${rec.dataDir}`);
    if (scope === "install") say(`every process of this install is measured until ${rec.expires} (--for), or until 'covshim off'`);
    else if (!process.env.__COVSHIM_HOOKED) say(`in this shell: eval "$(covshim env)" (or add the hook: eval "$(covshim hook bash)")`);
  });
}

/**
 * Checks everything, then turns an install on. Shared by `enable` and `run`
 * (scope "run": on for one command, ignored by the shell hooks).
 */
export async function turnOn(d: Dirs, state: State, cfg: Config, target: string | undefined, o: EnableOptions, scope: "shell" | "install" | "run") {
  if (o.core !== undefined && !(CORES as readonly string[]).includes(o.core)) throw usageError(`invalid --core '${o.core}': use ${CORES.join(", ")}`);
  if (o.name !== undefined) validName(o.name, "--name");
  const ttl = o.for !== undefined ? parseDuration(o.for, "--for") : cfg.ttl;
  const core = (o.core ?? cfg.core) as Core;
  const branch = o.branch ?? cfg.branch;
  const source = o.source !== undefined ? list(o.source) : cfg.source;
  const omit = o.omit !== undefined ? list(o.omit) : cfg.omit;
  const userRc = o.rcfile !== undefined ? resolve(o.rcfile) : undefined;
  if (userRc && !existsSync(userRc)) throw new CovshimError(`--rcfile not found: ${o.rcfile}`);
  if (userRc && !statSync(userRc).isFile()) throw new CovshimError(`--rcfile is not a file: ${o.rcfile}`);

  const t = resolveTarget(target, { python: o.python, state, configTarget: cfg.target });
  const p = await probe(t.python, { pythonPath: t.pythonPath, target: t.shimDir });
  const found = blockers(t, p);
  if (found.length) {
    const b = found[0]!;
    throw new CovshimError(`${b.problem}; fix: ${b.fix}${found.length > 1 ? ` (and ${found.length - 1} more: covshim doctor ${t.path})` : ""}`);
  }
  const id = installId(t.path);
  const dataDir = cfg.dataDir ? join(resolve(cfg.dataDir), id) : join(installDir(d, id), "data");
  let rcText: string | undefined;
  let coreName: string;
  let userDataDir: string | undefined;
  if (userRc) {
    const checked = await checkRcfile(t.python, userRc);
    coreName = "from rcfile";
    userDataDir = checked.dataDir;
    if (checked.note) warn(checked.note);
  } else {
    const choice = chooseCore(p, core, branch);
    if (choice.warning) warn(choice.warning);
    coreName = choice.core;
    rcText = renderRc(p, { dataDir, source, omit, branch }, choice);
  }
  let plans: HostPlan[] | undefined;
  if (o.hosts !== undefined) {
    if (scope !== "install") throw usageError("--hosts needs --scope install: processes on other hosts start through ssh, where no shell variable arrives");
    if (t.kind !== "gpdb" && t.kind !== "dir") throw usageError("--hosts applies to gpdb and dir installs (the same GPHOME path on every host)");
    if (userRc) throw usageError("--hosts works with covshim's own coveragerc, not --rcfile");
    const hostList = readHostfile(resolve(o.hosts));
    plans = await planHosts(d, id, t, hostList, { source, omit, branch }, core);
    // Reports read every host's files with the local paths (same GPHOME on each host).
    rcText += renderPaths(t.shimDir!);
  }
  for (const n of t.notes) say(`note: ${n}`);

  const turnedOff: string[] = [];
  let pendingHosts: HostRecord[] = [];
  for (const other of Object.values(state.installs)) {
    if (other.id === id && other.hosts?.some((h) => h.state !== "off")) {
      const r = await offHosts(other);
      r.failed.forEach((f) => warn(f));
      pendingHosts = (other.hosts ?? []).filter((h) => h.state === "unreachable");
    }
    if (other.id === id && other.enabled) deactivate(other);
    else if (other.enabled && scope === "shell" && other.scope === "shell") {
      deactivate(other).forEach((n) => warn(n));
      turnedOff.push(other.name);
    }
  }
  const effectiveData = userDataDir ?? dataDir;
  if (!o.append) {
    const moved = moveAside(effectiveData);
    if (moved) say(`the previous run's data files were moved aside to ${moved} (use --append to add to them)`);
  }
  const rec = await activate({
    d, state, target: t, probe: p, name: o.name, scope, ttlSeconds: ttl,
    rcText, userRcfile: userRc, dataDir: effectiveData, core: coreName,
  });
  rec.hosts = pendingHosts.length ? pendingHosts : undefined;
  if (plans) {
    try {
      const on = await enableHosts(d, rec, t, plans, Date.parse(rec.expires!) / 1000);
      rec.hosts = [...on, ...pendingHosts.filter((h) => !on.some((x) => x.host === h.host))];
      await writeState(d, state);
      say(`on for every process on ${on.length} hosts too: ${on.map((h) => h.host).join(", ")}`);
    } catch (e) {
      // A failed enable leaves every install as it was, here too.
      deactivate(rec);
      await writeState(d, state);
      throw e;
    }
  }
  return { rec, target: t, turnedOff, probe: p };
}
