import { spawnSync } from "node:child_process";
import { accessSync, constants, existsSync, realpathSync, statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { createHash } from "node:crypto";
import { CovshimError, usageError } from "../errors.js";
import type { Kind, State } from "../state/state.js";

/** What an install is, before its interpreter has been asked anything. */
export interface Target {
  kind: Kind;
  path: string;
  /** Interpreter to probe and to use for reports. */
  python: string;
  /** Directories that must be on PYTHONPATH for the install's processes. */
  pythonPath: string[];
  /** Where a `block` shim goes (dir, gpdb); `.pth` kinds learn it from the probe. */
  shimDir?: string;
  /** What the install's processes get besides (for gpdb: what greenplum_path.sh sets). */
  env: Record<string, string>;
  notes: string[];
}

/** The variables greenplum_path.sh sets that decide which Python runs and what it imports. */
const GPDB_VARS = ["PYTHONPATH", "PYTHONHOME", "LD_LIBRARY_PATH", "PATH"];

/**
 * What a GPDB install's processes get: greenplum_path.sh sourced in a shell,
 * as every utility's environment is made (also on segment hosts, through ssh).
 */
export function gpdbEnv(gphome: string, base: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env = { ...base };
  delete env.COVERAGE_PROCESS_START;
  const script = `. "$1" >/dev/null 2>&1 </dev/null; for v in ${GPDB_VARS.join(" ")}; do printf '%s=%s\\0' "$v" "\${!v-}"; done`;
  // stdin not a socket (node's pipes are socketpairs): bash would take itself
  // for sshd's and read ~/.bashrc, whose PATH (pyenv's, say) is not the install's.
  const r = spawnSync("bash", ["-c", script, "covshim", join(gphome, "greenplum_path.sh")], { env, encoding: "utf8", timeout: 30_000, stdio: ["ignore", "pipe", "pipe"] });
  const out: Record<string, string> = {};
  for (const kv of (r.stdout ?? "").split("\0")) {
    const i = kv.indexOf("=");
    if (i > 0 && kv.slice(i + 1) && kv.slice(i + 1) !== base[kv.slice(0, i)]) out[kv.slice(0, i)] = kv.slice(i + 1);
  }
  return out;
}

export const installId = (path: string) =>
  `${basename(path).replace(/[^A-Za-z0-9._-]/g, "_").slice(0, 40) || "root"}-${createHash("sha256").update(path).digest("hex").slice(0, 10)}`;

function isExecutableFile(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** GPDB 6's bundled Python 2.7, which greenplum_path.sh puts on PATH as `python`. */
export const gpdb6Python = (gphome: string) => join(gphome, "ext", "python", "bin", "python");

/**
 * The name an install's processes find their interpreter by on PATH: `python`
 * for GPDB 6's bundled one (its utilities' #! lines say python), else `python3`.
 */
export const interpreterName = (kind: Kind, path: string, python: string) => (kind === "gpdb" && python === gpdb6Python(path) ? "python" : "python3");

/** Finds `python3` (or `name`) on PATH the way a shell would, without starting one. */
export function whichPython(env: NodeJS.ProcessEnv = process.env, name = "python3"): string | undefined {
  for (const dir of (env.PATH ?? "").split(":")) {
    if (!dir) continue;
    const p = join(dir, name);
    if (isExecutableFile(p)) return p;
  }
  return undefined;
}

const CHOICES =
  "name one: a GPDB install (directory with greenplum_path.sh), a venv, a python interpreter, or a directory on PYTHONPATH; or set GPHOME or activate a venv";

/**
 * The one rule every command that takes TARGET follows when none is given:
 * the config's `target`, else the one install that is on, else $GPHOME,
 * else $VIRTUAL_ENV, else a one-line error that lists the choices.
 */
export function chooseTarget(target: string | undefined, opts: { state?: State; env?: NodeJS.ProcessEnv; configTarget?: string; withData?: string[] } = {}): string {
  const env = opts.env ?? process.env;
  if (target !== undefined) return target;
  if (opts.configTarget) return opts.configTarget;
  const on = Object.values(opts.state?.installs ?? {}).filter((i) => i.enabled);
  if (on.length === 1) return on[0]!.path;
  const fromEnv = env.GPHOME || env.VIRTUAL_ENV;
  if (fromEnv) return fromEnv;
  // Commands that only read data, when nothing is on: enable, run the tests,
  // off, report is the order people work in.
  const withData = on.length ? [] : Object.values(opts.state?.installs ?? {}).filter((i) => opts.withData?.includes(i.id));
  if (withData.length === 1) return withData[0]!.path;
  if (withData.length > 1) throw usageError(`no target given, and ${withData.length} installs have data (${withData.map((i) => i.name).join(", ")}): name one`);
  const known = Object.values(opts.state?.installs ?? {}).map((i) => i.name);
  const what = on.length > 1 ? `${on.length} installs are on (${on.map((i) => i.name).join(", ")}): name one` : `no target given: ${CHOICES}`;
  throw usageError(`${what}${known.length && on.length <= 1 ? ` (known: ${known.join(", ")})` : ""}`);
}

/** Resolves TARGET (a path or an install's name), or the one `chooseTarget` picks. */
export function resolveTarget(
  target: string | undefined,
  opts: { python?: string; state?: State; env?: NodeJS.ProcessEnv; configTarget?: string; withData?: string[] } = {},
): Target {
  const env = opts.env ?? process.env;
  let raw = chooseTarget(target, opts);
  if (opts.state && !raw.includes("/")) {
    const byName = Object.values(opts.state.installs).find((i) => i.name === raw);
    if (byName) raw = byName.path;
  }
  const abs = resolve(raw);
  if (!existsSync(abs)) throw new CovshimError(`target not found: ${raw}`);
  const path = realpathSync(abs);
  const st = statSync(path);
  const notes: string[] = [];
  if (st.isFile()) {
    if (opts.python) throw usageError("--python applies to dir and gpdb installs; the target is an interpreter already");
    if (!isExecutableFile(path) || !/python/i.test(basename(abs) + basename(path))) {
      throw new CovshimError(`not an install: ${raw} is a file but not a python interpreter`);
    }
    return { kind: "python", path: abs, python: abs, pythonPath: [], env: {}, notes };
  }
  if (!st.isDirectory()) throw new CovshimError(`not an install: ${raw}`);
  if (existsSync(join(path, "greenplum_path.sh"))) {
    const shimDir = join(path, "lib", "python");
    if (!existsSync(shimDir)) throw new CovshimError(`not a complete GPDB install: ${shimDir} does not exist`);
    const ext = gpdb6Python(path);
    const genv = gpdbEnv(path, env);
    // GPDB 6 bundles Python 2.7; GPDB 7 and Cloudberry use the python3 greenplum_path.sh leaves on PATH.
    const python = opts.python ?? (isExecutableFile(ext) ? ext : whichPython({ PATH: genv.PATH ?? env.PATH }));
    if (!python) throw new CovshimError("no python3 on PATH for this GPDB install: pass --python EXE");
    return { kind: "gpdb", path, python, pythonPath: [shimDir], shimDir, env: genv, notes };
  }
  if (existsSync(join(path, "pyvenv.cfg"))) {
    if (opts.python) throw usageError("--python applies to dir and gpdb installs; a venv has its own interpreter");
    const python = join(path, "bin", "python");
    if (!isExecutableFile(python)) throw new CovshimError(`broken venv: ${python} is missing`);
    return { kind: "venv", path, python, pythonPath: [], env: {}, notes };
  }
  const python = opts.python ?? whichPython(env);
  if (!python) throw new CovshimError("no python3 on PATH: pass --python EXE");
  const onPath = (env.PYTHONPATH ?? "").split(":").filter(Boolean).some((p) => {
    try {
      return realpathSync(p) === path;
    } catch {
      return false;
    }
  });
  if (!onPath) notes.push(`${path} is not on PYTHONPATH now; processes are measured once it is (as scripts like greenplum_path.sh arrange)`);
  return { kind: "dir", path, python, pythonPath: [path], shimDir: path, env: {}, notes };
}
