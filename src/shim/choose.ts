import { basename, dirname } from "node:path";
import type { Probe } from "../install/probe.js";
import type { Core } from "../state/state.js";
import type { RecorderConfig } from "./render.js";

/** Which recorder an install's processes use, and why, in words for `enable`. */
export interface RecorderChoice {
  recorder: "covshim" | "coverage";
  why: string;
}

export interface RecorderAsk {
  core: Core;
  branch: boolean;
  userRcfile: boolean;
}

/** Where the shim is: a marked block in a sitecustomize.py (site.py runs every .pth before it), or a .pth in shimDir. */
export interface ShimPlace {
  block: boolean;
  shimDir: string;
}

/** coverage's own start-up hook (7.13+): it imports and starts coverage.py wherever COVERAGE_PROCESS_START is set. */
const isA1 = (f: string) => basename(f) === "a1_coverage.pth";

/**
 * The a1_coverage.pth files site.py reads before the shim (site directories
 * in order, .pth files by name within one: a0_covshim.pth comes first in its own).
 */
export function a1Before(p: Probe, a: ShimPlace): string[] {
  const a1s = p.coveragePths.filter(isA1);
  if (a.block) return a1s;
  const order = p.siteOrder ?? p.siteDirs;
  const ours = order.indexOf(a.shimDir);
  return a1s.filter((f) => {
    const i = order.indexOf(dirname(f));
    return i >= 0 && (ours < 0 || i < ours);
  });
}

/**
 * covshim's recorder where it measures the same lines as coverage.py and
 * coverage.py need not run in the measured processes: Python 3.12+, lines
 * only, covshim's own coveragerc, no core asked for by name.
 */
export function chooseRecorder(p: Probe, a: RecorderAsk): RecorderChoice {
  const coverage = (why: string): RecorderChoice => ({ recorder: "coverage", why });
  if (a.userRcfile) return coverage("--rcfile: coverage.py reads your coveragerc");
  if (a.core !== "auto") return coverage(`--core ${a.core} names coverage.py's core`);
  if (!p.hasSysMonitoring) return coverage(`Python ${p.version} has no sys.monitoring, which came in 3.12`);
  if (a.branch) return coverage("--branch: covshim's recorder records lines, coverage.py records branches");
  // coverage's own a1_coverage.pth answers to COVERAGE_PROCESS_START only:
  // for these installs the shells export COVSHIM_START (shells/variable.ts).
  return { recorder: "covshim", why: `Python ${p.version}, sys.monitoring: coverage.py is not imported in the measured processes, each line is on disk as it runs` };
}

/**
 * The recorder's settings for this install's interpreter, from its probe:
 * the source as coverage.py reads it, else the places the install's coverage
 * never measures, as the bound of what is recorded at all.
 */
export function recorderConfig(p: Probe, o: { source: string[]; contexts: boolean; shimDir: string; block: boolean }): RecorderConfig {
  const before = new Set(a1Before(p, o));
  return {
    prefix: p.prefix,
    version: p.version.split(".").slice(0, 2).join("."),
    source: o.source,
    skip: o.source.length ? [] : (p.coverage.neverMeasured ?? []),
    contexts: o.contexts,
    a1: p.coveragePths.filter((f) => isA1(f) && !before.has(f)),
  };
}
