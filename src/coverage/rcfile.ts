import { basename } from "node:path";
import { CovshimError, usageError } from "../errors.js";
import { atLeast, type Probe } from "../install/probe.js";
import type { Core } from "../state/state.js";

export interface RcOptions {
  dataDir: string;
  source: string[];
  omit: string[];
  branch: boolean;
  /** Record which test or feature ran each line (`enable --contexts`). */
  contexts?: boolean;
}

export interface CoreChoice {
  core: "ctrace" | "sysmon" | "pytrace";
  warning?: string;
}

/** Core `auto`: sysmon where it helps and is supported, else ctrace. */
export function chooseCore(p: Probe, requested: Core, branch: boolean): CoreChoice {
  const cov = p.coverage;
  const py = p.version;
  const sysmonOk = p.hasSysMonitoring && atLeast(cov.version, "7.10") && !!cov.hasCoreSetting;
  const branchOk = !branch || atLeast(py, "3.14");
  if (requested === "sysmon") {
    if (!p.hasSysMonitoring) throw new CovshimError(`core sysmon needs Python 3.12 or newer; ${p.executable} is ${py}`);
    if (!sysmonOk) throw new CovshimError(`core sysmon needs coverage 7.10 or newer; this install has ${cov.version}: run '${p.executable} -m pip install -U coverage'`);
    if (!branchOk) throw new CovshimError(`core sysmon cannot measure branches before Python 3.14; drop --branch or use --core ctrace`);
    return { core: "sysmon" };
  }
  if (requested === "ctrace") {
    if (!cov.ctrace) throw new CovshimError(`coverage ${cov.version} for ${p.executable} has no C tracer; use --core pytrace or reinstall coverage`);
    return { core: "ctrace" };
  }
  if (requested === "pytrace") return { core: "pytrace" };
  if (sysmonOk && branchOk) return { core: "sysmon" };
  if (cov.ctrace) return { core: "ctrace" };
  return {
    core: "pytrace",
    warning: `only coverage's pure-Python tracer is available for ${p.executable}; measured programs run 10-30x slower (install coverage with its C extension)`,
  };
}

/** coverage expands $VAR in its settings; $$ is a literal dollar. */
const lit = (s: string) => s.replace(/\$/g, "$$$$");
const multi = (key: string, values: string[]) =>
  values.length ? `${key} =\n${values.map((x) => `    ${lit(x)}`).join("\n")}\n` : "";

function checkValue(what: string, value: string): void {
  // coverage reads the file with configparser: a newline would start a new key.
  if (/[\r\n]/.test(value)) throw usageError(`${what} must not contain a newline`);
}

/**
 * The coveragerc covshim writes: one [run] section with flat keys (lists one
 * per line, as coverage reads them). Every way a process ends is measured by
 * the shim for every coverage version (templates/shim/starter.py: save before
 * os._exit and exec, a fork child's own file only once it ran a line of its
 * own), so it has no `patch` setting: coverage 7.10's `patch = fork` would
 * start coverage again in every fork child, and `execv` save a file before
 * every exec, also of a child that only execs.
 */
export function renderRc(p: Probe, o: RcOptions, core: CoreChoice): string {
  if (/[\r\n]/.test(o.dataDir)) throw new CovshimError(`the data directory path must not contain a newline: ${JSON.stringify(o.dataDir)}`);
  for (const s of [...o.source, ...o.omit]) checkValue("--source and --omit patterns", s);
  let run = "[run]\n";
  run += "# Written by covshim for one install; `covshim off` leaves it, `off --purge` deletes it.\n";
  run += "parallel = True\n";
  run += `data_file = ${lit(o.dataDir)}/.coverage\n`;
  if (o.branch) run += "branch = True\n";
  run += multi("source", o.source);
  run += multi("omit", o.omit);
  if (p.coverage.hasCoreSetting) run += `core = ${core.core}\n`;
  else if (core.core === "pytrace") run += "timid = True\n";
  if (o.contexts) {
    // Each process takes the context its test runner set for it and its
    // children (behave's before_feature: os.environ["COVSHIM_CONTEXT"] = ...);
    // coverage expands the variable when the process starts.
    run += "context = ${COVSHIM_CONTEXT}\n";
    // Per test function (pytest, unittest) where the core can: not sysmon.
    if (core.core !== "sysmon") run += "dynamic_context = test_function\n";
  }
  // Workers that never ran measured code would each print this warning.
  run += "disable_warnings = no-data-collected\n";
  return run;
}

/**
 * [paths] for cluster data: files measured on other hosts under the same
 * directory name map onto the local one when reports combine them.
 */
export const renderPaths = (localDir: string) => `\n[paths]\ninstall =\n    ${lit(localDir)}\n    */${lit(basename(localDir))}\n`;
