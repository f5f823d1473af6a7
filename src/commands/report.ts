import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { CovshimError } from "../errors.js";
import { dirs, savedReport, savedSources } from "../paths.js";
import { atomicWrite } from "../fs/atomic.js";
import { readSources } from "../coverage/moves.js";
import { readState } from "../state/state.js";
import { loadConfig } from "../config.js";
import { pickInstall } from "../install/choose.js";
import { validName } from "../names.js";
import { type CovJson, hasData, recordsContexts, reportNotes, reportOnce } from "../coverage/report.js";
import { contextNames } from "../coverage/changed.js";
import { dataFiles } from "../coverage/datadir.js";
import { noDataLine } from "../coverage/hints.js";
import { emit, machineOption, oneOnStdout, out, say, toStdout, warn } from "../output.js";
import { lcov, reportMarkdown } from "../coverage/formats.js";
import { type CommandSpec, TARGET_HELP, percentArg } from "./spec.js";

export const report: CommandSpec = {
  name: "report",
  args: "[target]",
  summary: "combine the data (runs add up until a new enable moves them aside), print the report",
  details: TARGET_HELP,
  examples: ["covshim report", "covshim report $GPHOME --html /tmp/cov-html", "covshim report --save before    # then: covshim diff before"],
  options: [
    { flags: "--html <dir>", help: "write an HTML report" },
    machineOption("json", "coverage's JSON report"),
    machineOption("xml", "Cobertura XML, coverage's own (Codecov, GitLab, SonarQube, diff-cover)"),
    machineOption("lcov", "an LCOV tracefile (Coveralls, genhtml)"),
    machineOption("markdown", "a summary for a CI job's page: totals, the least covered files, --fail-under"),
    { flags: "--fail-under <n>", help: "exit 1 when the total is below N percent" },
    { flags: "--save <name>", help: "keep this report for 'covshim diff'" },
    { flags: "--contexts", help: "after the table, per line, the tests or features that ran it (needs enable --contexts)" },
  ],
  async action([target], opts) {
    const o = opts as { html?: string; json?: true | string; xml?: true | string; lcov?: true | string; markdown?: true | string; failUnder?: string; save?: string; contexts?: boolean };
    const machine = (["json", "xml", "lcov", "markdown"] as const).filter((k) => o[k] !== undefined);
    oneOnStdout({ "--json": o.json, "--xml": o.xml, "--lcov": o.lcov, "--markdown": o.markdown });
    const failUnder = percentArg("--fail-under", o.failUnder);
    if (o.save !== undefined) validName(o.save);
    const d = dirs();
    const rec = pickInstall(readState(d), target, (await loadConfig(d)).target);
    const noData = () => new CovshimError(noDataLine(rec));
    if (!hasData(rec) && !dataFiles(rec.dataDir).length) throw noData();
    const tmp = mkdtempSync(join(tmpdir(), "covshim-report-"));
    try {
      if (o.contexts && !recordsContexts(rec)) throw new CovshimError(`${rec.name} records no contexts: enable it with --contexts, run the tests, then report`);
      const needJson = o.json !== undefined || o.lcov !== undefined || o.markdown !== undefined || o.save !== undefined || !!o.contexts;
      const jsonFile = join(tmp, "report.json");
      const xmlFile = join(tmp, "coverage.xml");
      const html = o.html ? resolve(o.html) : undefined;
      const r = await reportOnce(rec, { combine: true, text: true, json: needJson ? jsonFile : undefined, xml: o.xml !== undefined ? xmlFile : undefined, html }, true);
      if (r.combined) say(`combined ${r.combined} data file${r.combined === 1 ? "" : "s"} into ${join(rec.dataDir, ".coverage")}`);
      reportNotes(rec, r).forEach(warn);
      if (r.noData !== undefined) throw noData();
      const jsonText = needJson ? readFileSync(jsonFile, "utf8") : "";
      const j = needJson ? (JSON.parse(jsonText) as CovJson) : undefined;
      // The table, unless a machine format has standard output.
      if (!machine.some((k) => toStdout(o[k]))) {
        out(r.text);
        if (o.contexts) out(contextLines(j!));
      }
      if (html) say(`HTML report in ${html}/index.html`);
      if (o.json !== undefined) emit(o.json, jsonText, "JSON report");
      if (o.xml !== undefined) emit(o.xml, readFileSync(xmlFile, "utf8"), "Cobertura XML");
      if (o.lcov !== undefined) emit(o.lcov, lcov(Object.entries(j!.files).map(([name, file]) => ({ name, file }))), "LCOV tracefile");
      if (o.markdown !== undefined) emit(o.markdown, reportMarkdown(j!, rec.name, failUnder), "Markdown summary");
      if (o.save) {
        const f = savedReport(d, rec.id, o.save);
        mkdirSync(dirname(f), { recursive: true, mode: 0o700 });
        copyFileSync(jsonFile, f);
        // The sources as they are now: diff follows lines across later edits.
        atomicWrite(savedSources(d, rec.id, o.save), JSON.stringify(readSources(Object.keys(j!.files))), 0o600);
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
