import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import reportSource from "../../templates/report.py?raw";
import { CovshimError } from "../errors.js";
import { pythonEnv } from "../install/probe.js";
import { dataFiles } from "./datadir.js";
import type { InstallRecord } from "../state/state.js";

/** coverage's JSON report, the parts covshim reads. */
export interface CovJson {
  files: Record<string, { executed_lines: number[]; missing_lines: number[]; summary: { num_statements: number; covered_lines: number; percent_covered: number } }>;
  totals: { num_statements: number; covered_lines: number; percent_covered: number; percent_covered_display?: string };
}

export interface ReportAsk {
  combine?: boolean;
  text?: boolean;
  json?: string;
  html?: string;
}

export interface ReportResult {
  combined: number;
  text: string;
  total?: number;
  noData?: string;
}

/**
 * Folds the per-process files into the install's combined data file, then
 * writes the reports asked for, all in one process of the install's Python.
 * Runs add up: each report appends to what was combined before, until a new
 * `enable` (without --append) moves the data aside. On a terminal, progress
 * comes from the files left (coverage deletes each once combined).
 */
export async function reportOnce(rec: InstallRecord, ask: ReportAsk, progress = false): Promise<ReportResult> {
  const { execa } = await import("execa");
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
    const args = { ...ask, combine: parallel > 0, rcfile: rec.rcfile, dataFile: join(rec.dataDir, ".coverage"), dataDir: rec.dataDir, result: resultFile };
    const r = await execa(rec.python, ["-c", reportSource, JSON.stringify(args)], { cwd: rec.dataDir, env: pythonEnv(), extendEnv: false, reject: false });
    if (timer) {
      clearInterval(timer);
      show();
      process.stderr.write("\n");
    }
    if (r.exitCode !== 0 || !existsSync(resultFile)) {
      const line = String(r.stderr || r.stdout).trim().split("\n").filter(Boolean).pop() ?? `exit ${r.exitCode}`;
      throw new CovshimError(`coverage failed: ${line}`);
    }
    const res = JSON.parse(readFileSync(resultFile, "utf8")) as { total?: number; noData?: string };
    return { combined: parallel, text: String(r.stdout), total: res.total, noData: res.noData };
  } finally {
    if (timer) clearInterval(timer);
    rmSync(tmp, { recursive: true, force: true });
  }
}

export function hasData(rec: InstallRecord): boolean {
  return existsSync(join(rec.dataDir, ".coverage"));
}

