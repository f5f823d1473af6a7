import probeText from "../../templates/agent/probe.py?raw";
import rulesSource from "../../templates/data/rules.py?raw";
import { CovshimError } from "../errors.js";

export interface Probe {
  executable: string;
  version: string;
  sysPath: string[];
  prefix: string;
  purelib: string;
  siteDirs: string[];
  hasSysMonitoring: boolean;
  /** Site directories in the order site.py reads their .pth files. */
  siteOrder?: string[];
  coverage: {
    importable: boolean;
    version?: string;
    file?: string;
    /** Python 3.12+: where coverage never measures without a source (templates/data/rules.py), the recorder's bound. */
    neverMeasured?: string[];
    ctrace?: boolean;
    hasCoreSetting?: boolean;
    hasPatchSetting?: boolean;
    error?: string;
  };
  sitecustomizes: string[];
  loadedSitecustomize: string | null;
  coveragePths: string[];
}

/**
 * The environment an install's processes see, for covshim's own runs of its
 * Python: nothing measured, and no bytecode written into the install.
 */
export function pythonEnv(pythonPath: string[] = [], base: NodeJS.ProcessEnv = process.env, installEnv: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, ...installEnv, COVSHIM_DISABLE: "1", PYTHONDONTWRITEBYTECODE: "1" };
  delete env.COVERAGE_PROCESS_START;
  delete env.COVERAGE_PROCESS_CONFIG;
  if (pythonPath.length) {
    // Keep the user's order where the directory is there already: shadowing depends on it.
    const current = (env.PYTHONPATH ?? "").split(":").filter(Boolean);
    env.PYTHONPATH = [...pythonPath.filter((p) => !current.includes(p)), ...current].join(":");
  }
  return env;
}

/** The probe, with coverage's rules (templates/data/rules.py) before it. */
export const probeSource = `${rulesSource}\n${probeText}`;

/** Runs the probe once with the install's own interpreter. */
export async function probe(python: string, opts: { pythonPath?: string[]; env?: Record<string, string> } = {}): Promise<Probe> {
  const { execa } = await import("execa");
  const r = await execa(python, ["-c", probeSource], {
    env: pythonEnv(opts.pythonPath, process.env, opts.env),
    extendEnv: false,
    reject: false,
    cwd: "/",
    timeout: 60_000,
  });
  const code = (r as { code?: string }).code;
  if (code === "ENOENT") throw new CovshimError(`python interpreter not found: ${python}`);
  if (code === "EACCES") throw new CovshimError(`cannot run ${python}: not an executable`);
  if (code) throw new CovshimError(`cannot run ${python}: ${code}`);
  if (r.exitCode !== 0) {
    const last = String(r.stderr).trim().split("\n").pop() || r.shortMessage;
    throw new CovshimError(`cannot run ${python}: ${last}`);
  }
  try {
    return JSON.parse(String(r.stdout)) as Probe;
  } catch {
    throw new CovshimError(`${python} did not answer the probe (is it a Python interpreter?)`);
  }
}

export const versionTuple = (v: string | undefined | null): number[] =>
  (v ?? "0").split(/[.+a-z]/i).slice(0, 3).map((x) => Number.parseInt(x, 10) || 0);

export function atLeast(v: string | undefined | null, want: string): boolean {
  const a = versionTuple(v);
  const b = versionTuple(want);
  for (let i = 0; i < 3; i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  }
  return true;
}
