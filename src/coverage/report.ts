import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import reportDriver from "../../templates/agent/report.py?raw";
import { withDataReader } from "./datasource.js";
import { CovshimError } from "../errors.js";
import { pythonEnv } from "../install/probe.js";
import { dataFiles } from "./datadir.js";
import { readWarnings, warningSummary, warningsLog } from "./warnlog.js";
import type { InstallRecord } from "../state/state.js";

const reportSource = withDataReader(reportDriver);

/** One file of coverage's JSON report, the parts covshim reads (branches: with `branch = True`). */
export interface CovFile {
  executed_lines: number[];
  missing_lines: number[];
  executed_branches?: [number, number][];
  missing_branches?: [number, number][];
  contexts?: Record<string, string[]>;
  summary: { num_statements: number; covered_lines: number; percent_covered: number; num_branches?: number; covered_branches?: number };
}

/** coverage's JSON report, the parts covshim reads. */
export interface CovJson {
  meta?: { version?: string; branch_coverage?: boolean };
  files: Record<string, CovFile>;
  totals: { num_statements: number; covered_lines: number; percent_covered: number; percent_covered_display?: string; num_branches?: number; covered_branches?: number };
}

export interface ReportAsk {
  combine?: boolean;
  text?: boolean;
  json?: string;
  /** Cobertura XML, coverage's own xml_report. */
  xml?: string;
  html?: string;
  /** The JSON for these files only. */
  morfs?: string[];
  /** Contexts in the JSON: set by reportOnce when the install records them. */
  contexts?: boolean;
}

export interface ReportResult {
  /** Data files really combined (unreadable ones are not). */
  combined: number;
  text: string;
  total?: number;
  noData?: string;
  /** Data files set aside in DATADIR/unreadable: [name, why]. */
  unreadable: [string, string][];
  /** coverage's own warnings while combining and reporting. */
  warnings: string[];
  /** Data files of processes still running, left for the next report. */
  busy: number;
  /** Measured files whose source is gone, left out of the figures. */
  gone: string[];
}

/** The install's coveragerc records contexts (`enable --contexts`, or the user's own rcfile). */
export function recordsContexts(rec: InstallRecord): boolean {
  try {
    return /^\s*(dynamic_)?context\s*=/m.test(readFileSync(rec.rcfile, "utf8"));
  } catch {
    return false;
  }
}

/** PYTHONPATH entries an install's processes have: as recorded at enable, else what its kind implies. */
export const pythonPathOf = (rec: InstallRecord) => rec.pythonPath ?? (rec.kind === "dir" ? [rec.path] : rec.kind === "gpdb" ? [join(rec.path, "lib", "python")] : []);

/** The environment a measured command gets: the install's, without covshim's own switches. */
export function installEnv(rec: InstallRecord, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env = pythonEnv(pythonPathOf(rec), base, rec.env);
  delete env.COVSHIM_DISABLE;
  if (base.PYTHONDONTWRITEBYTECODE === undefined) delete env.PYTHONDONTWRITEBYTECODE;
  else env.PYTHONDONTWRITEBYTECODE = base.PYTHONDONTWRITEBYTECODE;
  return env;
}

/**
 * Runs the install's Python to the end: its exit, standard output (without
 * its final newline) and error. Node's own spawn, not execa: loading execa
 * is about 16 ms of a report that is to stay within 10% of raw coverage's
 * (docs/benchmarks.md).
 */
function runPython(python: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ failed: string | undefined; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const child = spawn(python, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    const text = (bs: Buffer[]) => Buffer.concat(bs).toString("utf8");
    child.on("error", (e) => done({ failed: e.message, stdout: "", stderr: "" }));
    child.on("close", (code, signal) => {
      const stdout = text(out);
      done({ failed: code === 0 ? undefined : signal ? `killed by ${signal}` : `exit ${code}`, stdout: stdout.endsWith("\n") ? stdout.slice(0, -1) : stdout, stderr: text(err) });
    });
  });
}

/**
 * Folds the per-process files into the install's combined data file, then
 * writes the reports asked for, all in one process of the install's Python.
 * Runs add up: each report appends to what was combined before, until a new
 * `enable` (without --append) moves the data aside. On a terminal, progress
 * comes from the files left (coverage deletes each once combined).
 */
export async function reportOnce(rec: InstallRecord, ask: ReportAsk, progress = false): Promise<ReportResult> {
  const parallel = ask.combine ? dataFiles(rec.dataDir).filter((f) => f !== ".coverage").length : 0;
  const tmp = mkdtempSync(join(tmpdir(), "covshim-report-"));
  const resultFile = join(tmp, "result.json");
  const tty = progress && parallel > 0 && process.stderr.isTTY;
  const show = () => {
    const left = dataFiles(rec.dataDir).filter((f) => f !== ".coverage").length;
    process.stderr.write(`\rcovshim: combining ${parallel - left}/${parallel} data files`);
  };
  const timer = tty ? setInterval(show, 200) : undefined;
  try {
    const args = { ...ask, contexts: ask.contexts ?? recordsContexts(rec), combine: parallel > 0, rcfile: rec.rcfile, dataFile: join(rec.dataDir, ".coverage"), dataDir: rec.dataDir, result: resultFile };
    const r = await runPython(rec.python, ["-c", reportSource, JSON.stringify(args)], rec.dataDir, pythonEnv(pythonPathOf(rec), process.env, rec.env));
    if (timer) {
      clearInterval(timer);
      show();
      process.stderr.write("\n");
    }
    if (r.failed || !existsSync(resultFile)) {
      const line = (r.stderr || r.stdout).trim().split("\n").filter(Boolean).pop() ?? r.failed ?? "no result";
      throw new CovshimError(`coverage failed: ${line}`);
    }
    const res = JSON.parse(readFileSync(resultFile, "utf8")) as Partial<ReportResult> & { error?: string };
    if (res.error) throw new CovshimError(res.error);
    return { combined: res.combined ?? 0, text: r.stdout, total: res.total, noData: res.noData, unreadable: res.unreadable ?? [], warnings: res.warnings ?? [], busy: res.busy ?? 0, gone: res.gone ?? [] };
  } finally {
    if (timer) clearInterval(timer);
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** What a report has to say besides the table: files set aside, coverage's warnings, those of the measured processes. */
export function reportNotes(rec: InstallRecord, r: ReportResult): string[] {
  const notes: string[] = [];
  if (r.unreadable.length) {
    const why = [...new Set(r.unreadable.map(([, w]) => w))].slice(0, 2).join("; ");
    notes.push(`set aside ${r.unreadable.length} unreadable data file${r.unreadable.length === 1 ? "" : "s"} in ${join(rec.dataDir, "unreadable")} (left by processes killed while saving: ${why})`);
  }
  if (r.busy) notes.push(`left ${r.busy} data file${r.busy === 1 ? "" : "s"} of processes still running for the next report`);
  if (r.gone.length) {
    const shown = r.gone.slice(0, 3).join(", ");
    notes.push(`left out ${r.gone.length} measured file${r.gone.length === 1 ? "" : "s"} whose source is gone (deleted since it ran): ${shown}${r.gone.length > 3 ? `, and ${r.gone.length - 3} more` : ""}`);
  }
  const own = r.warnings.filter((w) => !r.unreadable.some(([n]) => w.includes(n)));
  if (own.length) notes.push(`coverage warned while reporting: ${[...new Set(own)].slice(0, 3).join("; ")}`);
  const logged = warningSummary(readWarnings(rec.dataDir));
  if (logged) notes.push(`${logged} (${warningsLog(rec.dataDir)})`);
  return notes;
}

export function hasData(rec: InstallRecord): boolean {
  return existsSync(join(rec.dataDir, ".coverage"));
}

