import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CovshimError, usageError } from "./errors.js";
import { pythonEnv } from "./probe.js";
import { dataFiles } from "./datadir.js";
import { type Dirs, installDir } from "./paths.js";
import { type InstallRecord, type State } from "./state.js";
import { resolveTarget } from "./install.js";

/** coverage's JSON report, the parts covshim reads. */
export interface CovJson {
  files: Record<string, { executed_lines: number[]; missing_lines: number[]; summary: { num_statements: number; covered_lines: number; percent_covered: number } }>;
  totals: { num_statements: number; covered_lines: number; percent_covered: number; percent_covered_display?: string };
}

export const reportsDir = (d: Dirs, rec: InstallRecord) => join(installDir(d, rec.id), "reports");

/** The install a report is about: TARGET, else the one that is on, else the only one. */
export function pickInstall(s: State, target: string | undefined): InstallRecord {
  const all = Object.values(s.installs);
  if (target !== undefined) {
    const t = resolveTarget(target, { state: s });
    const rec = all.find((i) => i.path === t.path);
    if (!rec) throw new CovshimError(`covshim has no data for ${t.path}: enable it first`);
    return rec;
  }
  const on = all.filter((i) => i.enabled);
  if (on.length === 1) return on[0]!;
  if (all.length === 1) return all[0]!;
  if (!all.length) throw new CovshimError("covshim has not enabled anything yet: nothing to report");
  throw usageError(`several installs: name one (${all.map((i) => i.name).join(", ")})`);
}

export const validName = (n: string) => {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(n)) throw usageError(`invalid report name '${n}': letters, digits, . _ - (up to 64)`);
  return n;
};

async function cov(rec: InstallRecord, args: string[]) {
  const { execa } = await import("execa");
  return await execa(rec.python, ["-m", "coverage", ...args], { cwd: rec.dataDir, env: pythonEnv(), extendEnv: false, reject: false });
}

const lastLine = (r: { stderr: unknown; stdout: unknown }) =>
  String(r.stderr || r.stdout).trim().split("\n").filter(Boolean).pop() ?? "";

/**
 * Folds the per-process files into the install's combined data file. Runs add
 * up: each report appends to what was combined before, until a new `enable`
 * (without --append) moves the data aside. Returns how many files it combined.
 */
export async function combine(rec: InstallRecord, progress: boolean): Promise<number> {
  const parallel = dataFiles(rec.dataDir).filter((f) => f !== ".coverage");
  if (!parallel.length) return 0;
  const total = parallel.length;
  // coverage deletes each file once combined (7.x prints no per-file line), so
  // the files left in the directory are the progress.
  const tty = progress && process.stderr.isTTY;
  const show = () => {
    const left = dataFiles(rec.dataDir).filter((f) => f !== ".coverage").length;
    process.stderr.write(`\rcovshim: combining ${total - left}/${total} data files`);
  };
  const timer = tty ? setInterval(show, 200) : undefined;
  let r;
  try {
    r = await cov(rec, ["combine", "--append", "-q", `--rcfile=${rec.rcfile}`, `--data-file=${join(rec.dataDir, ".coverage")}`, rec.dataDir]);
  } finally {
    if (timer) {
      clearInterval(timer);
      show();
      process.stderr.write("\n");
    }
  }
  if (r.exitCode !== 0 && !/No data to combine/.test(String(r.stdout) + String(r.stderr))) {
    throw new CovshimError(`coverage combine failed: ${lastLine(r)}`);
  }
  return total;
}

export function hasData(rec: InstallRecord): boolean {
  return existsSync(join(rec.dataDir, ".coverage"));
}

/** coverage json of the combined data, parsed. */
export async function jsonReport(rec: InstallRecord, outFile: string): Promise<CovJson> {
  const r = await cov(rec, ["json", "-q", `--rcfile=${rec.rcfile}`, `--data-file=${join(rec.dataDir, ".coverage")}`, "-o", outFile]);
  if (r.exitCode !== 0) throw new CovshimError(`coverage json failed: ${lastLine(r)}`);
  return JSON.parse(readFileSync(outFile, "utf8")) as CovJson;
}

export async function textReport(rec: InstallRecord, extra: string[] = []) {
  return cov(rec, ["report", `--rcfile=${rec.rcfile}`, `--data-file=${join(rec.dataDir, ".coverage")}`, ...extra]);
}

export async function htmlReport(rec: InstallRecord, dir: string) {
  mkdirSync(dir, { recursive: true });
  const r = await cov(rec, ["html", "-q", `--rcfile=${rec.rcfile}`, `--data-file=${join(rec.dataDir, ".coverage")}`, "-d", dir]);
  if (r.exitCode !== 0) throw new CovshimError(`coverage html failed: ${lastLine(r)}`);
}
