import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CovshimError, usageError } from "../errors.js";
import { type Dirs, dirs, reportsDir, savedReport } from "../paths.js";
import { readState, type InstallRecord, type State } from "../state/state.js";
import { pickInstall } from "../install/choose.js";
import { validName } from "../names.js";
import { type CovJson, hasData, reportOnce } from "../coverage/report.js";
import { dataFiles } from "../coverage/datadir.js";
import { diffReports, renderDiff } from "../coverage/diff.js";
import { out } from "../output.js";
import type { CommandSpec } from "./spec.js";

export const diff: CommandSpec = {
  name: "diff",
  args: "<base> [head]",
  summary: "per-file change between two saved reports (HEAD: the current data)",
  details: "BASE and HEAD are names given to 'covshim report --save NAME'.",
  examples: ["covshim report --save before; make test; covshim diff before", "covshim diff before after --json"],
  options: [
    { flags: "--json", help: "machine-readable" },
    { flags: "--in <target>", help: "the install, when several have a report of that name" },
  ],
  async action([base, head], opts) {
    const o = opts as { json?: boolean; in?: string };
    validName(base!);
    if (head !== undefined) validName(head);
    const d = dirs();
    const state = readState(d);
    let rec: InstallRecord;
    if (o.in !== undefined) rec = pickInstall(state, o.in);
    else {
      const having = Object.values(state.installs).filter((i) => existsSync(savedReport(d, i.id, base!)));
      if (having.length > 1) throw usageError(`report '${base}' is saved for several installs: add --in NAME (${having.map((i) => i.name).join(", ")})`);
      if (!having.length) throw new CovshimError(`no saved report '${base}'${savedList(d, state)}`);
      rec = having[0]!;
    }
    const load = (name: string): CovJson => {
      const f = savedReport(d, rec.id, name);
      if (!existsSync(f)) throw new CovshimError(`no saved report '${name}' for ${rec.name}${savedList(d, state)}`);
      return JSON.parse(readFileSync(f, "utf8")) as CovJson;
    };
    const b = load(base!);
    let h: CovJson;
    if (head !== undefined) h = load(head);
    else {
      if (!hasData(rec) && !dataFiles(rec.dataDir).length) throw new CovshimError(`no current data for ${rec.name} to compare with '${base}'`);
      const tmp = mkdtempSync(join(tmpdir(), "covshim-diff-"));
      try {
        const file = join(tmp, "head.json");
        const r = await reportOnce(rec, { combine: true, json: file }, true);
        if (r.noData !== undefined) throw new CovshimError(`no current data for ${rec.name} to compare with '${base}'`);
        h = JSON.parse(readFileSync(file, "utf8")) as CovJson;
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    }
    const rows = diffReports(b, h);
    const totals = { before: b.totals.covered_lines, after: h.totals.covered_lines, statements: rows.reduce((n, r) => n + r.statements, 0) };
    if (o.json) out(JSON.stringify({ base, head: head ?? "current", install: rec.name, totals, files: rows }, null, 2));
    else out(renderDiff(rows, base!, head ?? "current", totals));
  },
};

function savedList(d: Dirs, state: State): string {
  const names = Object.values(state.installs).flatMap((i) => {
    try {
      return readdirSync(reportsDir(d, i.id)).filter((n) => n.endsWith(".json")).map((n) => `${i.name}:${n.slice(0, -5)}`);
    } catch {
      return [];
    }
  });
  return names.length ? ` (saved: ${names.join(", ")})` : " (none saved yet: covshim report --save NAME)";
}
