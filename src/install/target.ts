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
  notes: string[];
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

/** Finds `python3` on PATH the way a shell would, without starting one. */
export function whichPython(env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? "").split(":")) {
    if (!dir) continue;
    const p = join(dir, "python3");
    if (isExecutableFile(p)) return p;
  }
  return undefined;
}

const CHOICES =
  "name one: a GPDB install (directory with greenplum_path.sh), a venv, a python interpreter, or a directory on PYTHONPATH; or set GPHOME or activate a venv";

/** Resolves TARGET (a path or an install's name) or the default one. */
export function resolveTarget(
  target: string | undefined,
  opts: { python?: string; state?: State; env?: NodeJS.ProcessEnv; configTarget?: string } = {},
): Target {
  const env = opts.env ?? process.env;
  let raw = target ?? opts.configTarget;
  if (!raw) raw = env.GPHOME || env.VIRTUAL_ENV;
  if (!raw) throw usageError(`no target given: ${CHOICES}`);
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
    return { kind: "python", path: abs, python: abs, pythonPath: [], notes };
  }
  if (!st.isDirectory()) throw new CovshimError(`not an install: ${raw}`);
  if (existsSync(join(path, "greenplum_path.sh"))) {
    const shimDir = join(path, "lib", "python");
    if (!existsSync(shimDir)) throw new CovshimError(`not a complete GPDB install: ${shimDir} does not exist`);
    const ext = join(path, "ext", "python", "bin", "python");
    const python = opts.python ?? (isExecutableFile(ext) ? ext : whichPython(env));
    if (!python) throw new CovshimError("no python3 on PATH for this GPDB install: pass --python EXE");
    return { kind: "gpdb", path, python, pythonPath: [shimDir], shimDir, notes };
  }
  if (existsSync(join(path, "pyvenv.cfg"))) {
    if (opts.python) throw usageError("--python applies to dir and gpdb installs; a venv has its own interpreter");
    const python = join(path, "bin", "python");
    if (!isExecutableFile(python)) throw new CovshimError(`broken venv: ${python} is missing`);
    return { kind: "venv", path, python, pythonPath: [], notes };
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
  return { kind: "dir", path, python, pythonPath: [path], shimDir: path, notes };
}
