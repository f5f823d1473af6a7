import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CovshimError, usageError } from "../errors.js";
import { dirs } from "../paths.js";
import { readState, type InstallRecord } from "../state.js";
import { type CovJson, hasData, pickInstall, reportOnce, reportsDir, validName } from "../report.js";
import { dataFiles } from "../datadir.js";
import { diffReports, renderDiff } from "../diff.js";
import { out } from "../output.js";

/** `covshim diff BASE [HEAD]`: saved report names; HEAD defaults to the current data. */
export async function diffCommand(base: string, head: string | undefined, o: { json?: boolean; in?: string }): Promise<void> {
  validName(base);
  if (head !== undefined) validName(head);
  const d = dirs();
  const state = readState(d);
  let rec: InstallRecord;
  if (o.in !== undefined) rec = pickInstall(state, o.in);
  else {
    const having = Object.values(state.installs).filter((i) => existsSync(join(reportsDir(d, i), `${base}.json`)));
    if (having.length > 1) throw usageError(`report '${base}' is saved for several installs: add --in NAME (${having.map((i) => i.name).join(", ")})`);
    if (!having.length) throw new CovshimError(`no saved report '${base}'${savedList(d, state)}`);
    rec = having[0]!;
  }
  const load = (name: string): CovJson => {
    const f = join(reportsDir(d, rec), `${name}.json`);
    if (!existsSync(f)) throw new CovshimError(`no saved report '${name}' for ${rec.name}${savedList(d, state)}`);
    return JSON.parse(readFileSync(f, "utf8")) as CovJson;
  };
  const b = load(base);
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
  else out(renderDiff(rows, base, head ?? "current", totals));
}

function savedList(d: ReturnType<typeof dirs>, state: ReturnType<typeof readState>): string {
  const names = Object.values(state.installs).flatMap((i) => {
    try {
      return readdirSync(reportsDir(d, i)).filter((n) => n.endsWith(".json")).map((n) => `${i.name}:${n.slice(0, -5)}`);
    } catch {
      return [];
    }
  });
  return names.length ? ` (saved: ${names.join(", ")})` : " (none saved yet: covshim report --save NAME)";
}
