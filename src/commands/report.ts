import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { CovshimError, usageError } from "../errors.js";
import { dirs, savedReport } from "../paths.js";
import { readState } from "../state/state.js";
import { loadConfig } from "../config.js";
import { pickInstall } from "../install/choose.js";
import { validName } from "../names.js";
import { type CovJson, hasData, recordsContexts, reportNotes, reportOnce } from "../coverage/report.js";
import { contextNames } from "../coverage/changed.js";
import { dataFiles } from "../coverage/datadir.js";
import { noDataLine } from "../coverage/hints.js";
import { out, say, warn } from "../output.js";
import { type CommandSpec, TARGET_HELP } from "./spec.js";

export const report: CommandSpec = {
  name: "report",
  args: "[target]",
  summary: "combine the data (runs add up until a new enable moves them aside), print the report",
  details: TARGET_HELP,
  examples: ["covshim report", "covshim report $GPHOME --html /tmp/cov-html", "covshim report --save before    # then: covshim diff before"],
  options: [
    { flags: "--html <dir>", help: "write an HTML report" },
    { flags: "--json <file>", help: "write coverage's JSON report (- for standard output, instead of the table)" },
    { flags: "--fail-under <n>", help: "exit 1 when the total is below N percent" },
    { flags: "--save <name>", help: "keep this report for 'covshim diff'" },
    { flags: "--contexts", help: "after the table, per line, the tests or features that ran it (needs enable --contexts)" },
  ],
  async action([target], opts) {
    const o = opts as { html?: string; json?: string; failUnder?: string; save?: string; contexts?: boolean };
    let failUnder: number | undefined;
    if (o.failUnder !== undefined) {
      failUnder = Number(o.failUnder);
      if (!Number.isFinite(failUnder) || failUnder < 0 || failUnder > 100) throw usageError(`invalid --fail-under '${o.failUnder}': a number from 0 to 100`);
    }
    if (o.save !== undefined) validName(o.save);
    const d = dirs();
    const rec = pickInstall(readState(d), target, (await loadConfig(d)).target);
    const noData = () => new CovshimError(noDataLine(rec));
    if (!hasData(rec) && !dataFiles(rec.dataDir).length) throw noData();
    const tmp = mkdtempSync(join(tmpdir(), "covshim-report-"));
    try {
      if (o.contexts && !recordsContexts(rec)) throw new CovshimError(`${rec.name} records no contexts: enable it with --contexts, run the tests, then report`);
      const needJson = o.json !== undefined || o.save !== undefined || !!o.contexts;
      const jsonFile = join(tmp, "report.json");
      const html = o.html ? resolve(o.html) : undefined;
      const r = await reportOnce(rec, { combine: true, text: true, json: needJson ? jsonFile : undefined, html }, true);
      if (r.combined) say(`combined ${r.combined} data file${r.combined === 1 ? "" : "s"} into ${join(rec.dataDir, ".coverage")}`);
      reportNotes(rec, r).forEach(warn);
      if (r.noData !== undefined) throw noData();
      if (o.json === "-") out(readFileSync(jsonFile, "utf8"));
      else out(r.text);
      if (o.contexts && o.json !== "-") out(contextLines(JSON.parse(readFileSync(jsonFile, "utf8")) as CovJson));
      if (html) say(`HTML report in ${html}/index.html`);
      if (o.json && o.json !== "-") {
        copyFileSync(jsonFile, resolve(o.json));
        say(`JSON report in ${resolve(o.json)}`);
      }
      if (o.save) {
        const f = savedReport(d, rec.id, o.save);
        mkdirSync(dirname(f), { recursive: true, mode: 0o700 });
        copyFileSync(jsonFile, f);
        say(`saved as '${o.save}' (covshim diff ${o.save})`);
      }
      if (failUnder !== undefined && (r.total ?? 0) < failUnder) {
        throw new CovshimError(`total coverage ${(r.total ?? 0).toFixed(2)}% is below --fail-under ${failUnder}`);
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  },
};

/** "pkg/tool.py:12 — gpstart, gpstop", for every line some context ran. */
function contextLines(j: CovJson): string {
  const lines: string[] = [""];
  for (const [file, f] of Object.entries(j.files)) {
    for (const [line, labels] of Object.entries(f.contexts ?? {}).sort((a, b) => +a[0] - +b[0])) {
      const names = contextNames(labels);
      if (names.length) lines.push(`${file}:${line} — ${names.join(", ")}`);
    }
  }
  if (lines.length === 1) lines.push("no line ran under a context (set COVSHIM_CONTEXT in the test runner; see README)");
  return lines.join("\n");
}
