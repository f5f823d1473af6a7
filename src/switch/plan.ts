import { existsSync, statSync } from "node:fs";
import { basename, resolve } from "node:path";
import { type Config, list } from "../config.js";
import { parseDuration } from "../duration.js";
import { CovshimError, usageError } from "../errors.js";
import { type Dirs, dataDirOf, generatedRcfile } from "../paths.js";
import { type Probe, probe } from "../install/probe.js";
import { type Target, installId, resolveTarget } from "../install/target.js";
import { chooseCore, renderPaths, renderRc } from "../coverage/rcfile.js";
import { checkRcfile } from "../coverage/rccheck.js";
import { CORES, type Core, type State } from "../state/state.js";
import { readHostfile } from "../cluster/ssh.js";
import { type HostPlan, planHosts } from "../cluster/hosts.js";
import { validName } from "../names.js";
import { blockers } from "./blockers.js";

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

export type Scope = "shell" | "install" | "run";

/** Everything `enable` will do, decided before anything is written. */
export interface EnablePlan {
  target: Target;
  probe: Probe;
  id: string;
  name: string;
  scope: Scope;
  ttlSeconds: number;
  /** The coveragerc every process reads: covshim's own, or the user's --rcfile. */
  rcfile: string;
  /** covshim's coveragerc text; undefined with --rcfile. */
  rcText?: string;
  userRcfile: boolean;
  dataDir: string;
  core: string;
  append: boolean;
  hosts?: HostPlan[];
  /** Said before anything is written (a slow core, a user rcfile without data_file). */
  warnings: string[];
  notes: string[];
  /** Shell-scope installs that this enable turns off (one at a time). */
  turnsOff: string[];
}

/** A name safe in a prompt and a shell file: the directory's name, tamed. */
export const defaultName = (path: string) => basename(path).replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^[-_.]+/, "").slice(0, 40) || "install";

/**
 * Probes the install once and decides everything `enable` (or `run`) would
 * do: options checked, blockers found with their fixes, the coveragerc
 * rendered, the hosts probed. Writes nothing.
 */
export async function planEnable(d: Dirs, state: State, cfg: Config, target: string | undefined, o: EnableOptions, scope: Scope): Promise<EnablePlan> {
  if (o.core !== undefined && !(CORES as readonly string[]).includes(o.core)) throw usageError(`invalid --core '${o.core}': use ${CORES.join(", ")}`);
  if (o.name !== undefined) validName(o.name, "--name");
  const ttlSeconds = o.for !== undefined ? parseDuration(o.for, "--for") : cfg.ttl;
  const core = (o.core ?? cfg.core) as Core;
  const branch = o.branch ?? cfg.branch;
  const source = o.source !== undefined ? list(o.source) : cfg.source;
  const omit = o.omit !== undefined ? list(o.omit) : cfg.omit;
  const userRc = o.rcfile !== undefined ? resolve(o.rcfile) : undefined;
  if (userRc && !existsSync(userRc)) throw new CovshimError(`--rcfile not found: ${o.rcfile}`);
  if (userRc && !statSync(userRc).isFile()) throw new CovshimError(`--rcfile is not a file: ${o.rcfile}`);

  const t = resolveTarget(target, { python: o.python, state, configTarget: cfg.target });
  const p = await probe(t.python, { pythonPath: t.pythonPath });
  const found = blockers(t, p);
  if (found.length) {
    const b = found[0]!;
    throw new CovshimError(`${b.problem}; fix: ${b.fix}${found.length > 1 ? ` (and ${found.length - 1} more: covshim doctor ${t.path})` : ""}`);
  }
  const id = installId(t.path);
  const warnings: string[] = [];
  let dataDir = dataDirOf(d, id, cfg.dataDir);
  let rcText: string | undefined;
  let coreName: string;
  if (userRc) {
    const checked = await checkRcfile(t.python, userRc);
    coreName = "from rcfile";
    if (checked.dataDir) dataDir = checked.dataDir;
    if (checked.note) warnings.push(checked.note);
  } else {
    const choice = chooseCore(p, core, branch);
    if (choice.warning) warnings.push(choice.warning);
    coreName = choice.core;
    rcText = renderRc(p, { dataDir, source, omit, branch }, choice);
  }
  let hosts: HostPlan[] | undefined;
  if (o.hosts !== undefined) {
    if (scope !== "install") throw usageError("--hosts needs --scope install: processes on other hosts start through ssh, where no shell variable arrives");
    if (t.kind !== "gpdb" && t.kind !== "dir") throw usageError("--hosts applies to gpdb and dir installs (the same GPHOME path on every host)");
    if (userRc) throw usageError("--hosts works with covshim's own coveragerc, not --rcfile");
    hosts = await planHosts(d, id, t, readHostfile(resolve(o.hosts)), { source, omit, branch }, core);
    // Reports read every host's files with the local paths (same GPHOME on each host).
    rcText += renderPaths(t.shimDir!);
  }
  const turnsOff = scope === "shell" ? Object.values(state.installs).filter((i) => i.id !== id && i.enabled && i.scope === "shell").map((i) => i.id) : [];
  return {
    target: t, probe: p, id, name: o.name ?? state.installs[id]?.name ?? defaultName(t.path), scope, ttlSeconds,
    rcfile: userRc ?? generatedRcfile(d, id), rcText, userRcfile: !!userRc, dataDir, core: coreName, append: !!o.append,
    hosts, warnings, notes: t.notes, turnsOff,
  };
}
