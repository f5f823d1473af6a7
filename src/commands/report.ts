import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { CovshimError, usageError } from "../errors.js";
import { dirs } from "../paths.js";
import { readState } from "../state.js";
import { hasData, pickInstall, reportOnce, reportsDir, validName } from "../report.js";
import { dataFiles } from "../datadir.js";
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
  const noData = () => new CovshimError(`no data yet for ${rec.name}: run your tests with measurement on, then report`);
  if (!hasData(rec) && !dataFiles(rec.dataDir).length) throw noData();
  const tmp = mkdtempSync(join(tmpdir(), "covshim-report-"));
  try {
    const needJson = o.json !== undefined || o.save !== undefined;
    const jsonFile = join(tmp, "report.json");
    const html = o.html ? resolve(o.html) : undefined;
    const r = await reportOnce(rec, { combine: true, text: true, json: needJson ? jsonFile : undefined, html }, true);
    if (r.combined) say(`combined ${r.combined} data files into ${join(rec.dataDir, ".coverage")}`);
    if (r.noData !== undefined) throw noData();
    out(r.text);
    if (html) say(`HTML report in ${html}/index.html`);
    if (o.json) {
      copyFileSync(jsonFile, resolve(o.json));
      say(`JSON report in ${resolve(o.json)}`);
    }
    if (o.save) {
      mkdirSync(reportsDir(d, rec), { recursive: true, mode: 0o700 });
      copyFileSync(jsonFile, join(reportsDir(d, rec), `${o.save}.json`));
      say(`saved as '${o.save}' (covshim diff ${o.save})`);
    }
    if (failUnder !== undefined && (r.total ?? 0) < failUnder) {
      throw new CovshimError(`total coverage ${(r.total ?? 0).toFixed(2)}% is below --fail-under ${failUnder}`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
