import { existsSync, statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { type Config, list } from "../config.js";
import { parseDuration } from "../duration.js";
import { CovshimError, usageError } from "../errors.js";
import { type Dirs, dataDirOf, generatedRcfile, installHome, sharedHome, shimModule } from "../paths.js";
import { groupInfo } from "../install/group.js";
import { type Probe, probe } from "../install/probe.js";
import { type Target, installId, resolveTarget } from "../install/target.js";
import { chooseCore, renderPaths, renderRc } from "../coverage/rcfile.js";
import { checkRcfile } from "../coverage/rccheck.js";
import { CORES, type Core, type State } from "../state/state.js";
import { readHostfile } from "../cluster/ssh.js";
import { type HostPlan, planHosts } from "../cluster/hosts.js";
import { validName } from "../names.js";
import { blockers, shimDirOf, usesBlock } from "./blockers.js";
import { type RecorderChoice, chooseRecorder, recorderConfig } from "../shim/choose.js";
import type { RecorderConfig } from "../shim/render.js";
import { type Starter, otherStarters } from "./others.js";

export interface EnableOptions {
  rcfile?: string;
  source?: string;
  omit?: string;
  branch?: boolean;
  contexts?: boolean;
  core?: string;
  scope?: string;
  for?: string;
  append?: boolean;
  name?: string;
  python?: string;
  hosts?: string;
  /** Install scope: also measure the processes of this group's members. */
  group?: string;
  json?: boolean;
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
  /** The shim's module, outside the install. */
  module: string;
  /** covshim's coveragerc text; undefined with --rcfile. */
  rcText?: string;
  userRcfile: boolean;
  dataDir: string;
  core: string;
  /** Which recorder the install's processes use, and why. */
  recorder: RecorderChoice;
  /** covshim's recorder's settings, when it is the one. */
  recorderConfig?: RecorderConfig;
  append: boolean;
  /** Previous runs to keep when the data is moved aside. */
  keepRuns: number;
  hosts?: HostPlan[];
  /** Said before anything is written (a slow core, a user rcfile without data_file). */
  warnings: string[];
  notes: string[];
  /** Shell-scope installs that this enable turns off (one at a time). */
  turnsOff: string[];
  /** What the report will be about, in words. */
  measuring: string;
  /** Other things that start coverage in this install (the hand procedure, .pth hooks). */
  starters: Starter[];
  /** `--group`: whose processes are measured besides the user's, and the shared place. */
  group?: { name: string; gid: number; home: string };
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
  // A directory named relative to here means this one: coverage would read it
  // relative to each measured process's working directory.
  const askedSource = (o.source !== undefined ? list(o.source) : cfg.source).map((s) => (isDir(s) ? resolve(s) : s));
  const userOmit = o.omit !== undefined ? list(o.omit) : cfg.omit;
  const userRc = o.rcfile !== undefined ? resolve(o.rcfile) : undefined;
  if (userRc && !existsSync(userRc)) throw new CovshimError(`--rcfile not found: ${o.rcfile}`);
  if (userRc && !statSync(userRc).isFile()) throw new CovshimError(`--rcfile is not a file: ${o.rcfile}`);

  let group: EnablePlan["group"];
  if (o.group !== undefined) {
    if (scope !== "install") throw usageError("--group needs --scope install: other users' processes do not inherit your shell's variable");
    if (userRc) throw usageError("--group works with covshim's own coveragerc, not --rcfile");
    group = { name: o.group, gid: groupInfo(o.group).gid, home: "" };
  }
  const t = resolveTarget(target, { python: o.python, state, configTarget: cfg.target });
  const p = await probe(t.python, { pythonPath: t.pythonPath, env: t.env });
  const found = blockers(t, p);
  if (found.length) {
    const b = found[0]!;
    throw new CovshimError(`${b.problem}; fix: ${b.fix}${found.length > 1 ? ` (and ${found.length - 1} more: covshim doctor ${t.path})` : ""}`);
  }
  const id = installId(t.path);
  const warnings: string[] = [];
  const { source, measuring, omit: thirdParty } = defaultSource(t, askedSource, p);
  // covshim's own shim is not the install's code: never in a report.
  const omit = [...userOmit, ...thirdParty, ...(usesBlock(t) ? [join(t.shimDir!, "sitecustomize.py")] : [])];
  if (group) group.home = sharedHome(id);
  let dataDir = group ? join(group.home, "data") : dataDirOf(d, id, cfg.dataDir);
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
    rcText = renderRc(p, { dataDir, source, omit, branch, contexts: o.contexts }, choice);
  }
  const block = usesBlock(t);
  const recorder = chooseRecorder(p, { core, branch, userRcfile: !!userRc });
  const recCfg = recorder.recorder === "covshim" ? recorderConfig(p, { source, contexts: !!o.contexts, shimDir: shimDirOf(t, p), block }) : undefined;
  let hosts: HostPlan[] | undefined;
  if (o.hosts !== undefined) {
    if (scope !== "install") throw usageError("--hosts needs --scope install: processes on other hosts start through ssh, where no shell variable arrives");
    if (t.kind !== "gpdb" && t.kind !== "dir") throw usageError("--hosts applies to gpdb and dir installs (the same GPHOME path on every host)");
    if (userRc) throw usageError("--hosts works with covshim's own coveragerc, not --rcfile");
    hosts = await planHosts(d, id, t, readHostfile(resolve(o.hosts)), { source, omit, branch, contexts: o.contexts }, core);
    // Reports read every host's files with the local paths (same GPHOME on each host).
    rcText += renderPaths(t.shimDir!);
  }
  const turnsOff = scope === "shell" ? Object.values(state.installs).filter((i) => i.id !== id && i.enabled && i.scope === "shell").map((i) => i.id) : [];
  return {
    target: t, probe: p, id, name: o.name ?? state.installs[id]?.name ?? defaultName(t.path), scope, ttlSeconds,
    rcfile: userRc ?? (group ? join(group.home, "coveragerc") : generatedRcfile(d, id)), rcText, module: shimModule(group ? group.home : installHome(d, id)), group, userRcfile: !!userRc, dataDir, core: coreName, recorder, recorderConfig: recCfg, append: !!o.append, keepRuns: cfg.keepRuns,
    hosts, warnings, notes: t.notes, turnsOff, measuring,
    starters: otherStarters(p, usesBlock(t) && !state.installs[id]?.enabled ? join(t.shimDir!, "sitecustomize.py") : undefined),
  };
}

const isDir = (p: string) => {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
};

/**
 * Where gpMgmt installs its Python (gpMgmt/Makefile and its bin/, sbin/
 * Makefiles, GPDB 6, GPDB 7 and Cloudberry alike): lib/python (gppylib and
 * the utilities' modules), bin (the utilities, and bin/lib), sbin (the
 * scripts the utilities run on segment hosts over ssh: gpsegstart.py,
 * gpsegstop.py, ...), and libexec where an install has one; those that exist.
 */
export const gpMgmtDirs = (gphome: string) => [join(gphome, "lib", "python"), ...["bin", "sbin", "libexec"].map((d) => join(gphome, d)).filter(isDir)];

/**
 * What the report's TOTAL is about when --source is not given: for gpdb the
 * install's own code (gpMgmtDirs); for the other
 * kinds coverage's default, everything outside the standard library and
 * third-party packages.
 */
export function defaultSource(t: Target, asked: string[], p: Probe): { source: string[]; measuring: string; omit: string[] } {
  if (asked.length) return { source: asked, measuring: asked.join(", "), omit: [] };
  if (t.kind === "gpdb") {
    const source = gpMgmtDirs(t.path);
    return { source, measuring: `${source.join(", ")} (gpMgmt's Python in this GPDB install, the default; --source changes it)`, omit: [] };
  }
  // coverage leaves out the standard library and the interpreter's purelib, but not
  // every site directory (Debian's /usr/lib/python3/dist-packages): name them all.
  const sites = [...new Set([...p.siteDirs, p.purelib])].filter((d) => d && !(t.shimDir && (t.shimDir === d || t.shimDir.startsWith(d + "/"))));
  return { source: [], measuring: "code outside the standard library and installed packages (--source narrows it)", omit: sites.map((d) => `${d}/*`) };
}
