import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { CovshimError, usageError } from "../errors.js";
import { dirs } from "../paths.js";
import { readState } from "../state.js";
import { combine, hasData, htmlReport, jsonReport, pickInstall, reportsDir, textReport, validName } from "../report.js";
import { out, say } from "../output.js";

export interface ReportOptions {
  html?: string;
  json?: string;
  failUnder?: string;
  save?: string;
}

export async function reportCommand(target: string | undefined, o: ReportOptions): Promise<void> {
  let failUnder: number | undefined;
  if (o.failUnder !== undefined) {
    failUnder = Number(o.failUnder);
    if (!Number.isFinite(failUnder) || failUnder < 0 || failUnder > 100) throw usageError(`invalid --fail-under '${o.failUnder}': a number from 0 to 100`);
  }
  if (o.save !== undefined) validName(o.save);
  const d = dirs();
  const rec = pickInstall(readState(d), target);
  const n = await combine(rec, true);
  if (!hasData(rec)) throw new CovshimError(`no data yet for ${rec.name}: run your tests with measurement on, then report`);
  if (n) say(`combined ${n} data files into ${join(rec.dataDir, ".coverage")}`);
  const text = await textReport(rec);
  if (text.exitCode !== 0) throw new CovshimError(`coverage report failed: ${String(text.stderr || text.stdout).trim().split("\n").pop()}`);
  out(String(text.stdout));
  if (o.html) {
    await htmlReport(rec, resolve(o.html));
    say(`HTML report in ${resolve(o.html)}/index.html`);
  }
  const needJson = o.json !== undefined || o.save !== undefined || failUnder !== undefined;
  if (needJson) {
    const tmp = mkdtempSync(join(tmpdir(), "covshim-report-"));
    try {
      const file = join(tmp, "report.json");
      const j = await jsonReport(rec, file);
      if (o.json) {
        copyFileSync(file, resolve(o.json));
        say(`JSON report in ${resolve(o.json)}`);
      }
      if (o.save) {
        mkdirSync(reportsDir(d, rec), { recursive: true, mode: 0o700 });
        copyFileSync(file, join(reportsDir(d, rec), `${o.save}.json`));
        say(`saved as '${o.save}' (covshim diff ${o.save})`);
      }
      if (failUnder !== undefined && j.totals.percent_covered < failUnder) {
        throw new CovshimError(`total coverage ${j.totals.percent_covered.toFixed(2)}% is below --fail-under ${failUnder}`);
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }
}
