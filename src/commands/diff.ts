import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { CovshimError, usageError } from "../errors.js";
import { dirs, savedSources } from "../paths.js";
import { loadSources, readSources, sourceMoves } from "../coverage/moves.js";
import { readState } from "../state/state.js";
import { validName } from "../names.js";
import { type CovJson, hasData, reportNotes, reportOnce } from "../coverage/report.js";
import { dataFiles } from "../coverage/datadir.js";
import { diffReports, ranges, renderDiff } from "../coverage/diff.js";
import { changedBranchPercent, changedReport, changedThresholds, githubAnnotations, mergeReports, renderChanged, renderChangedMarkdown } from "../coverage/changed.js";
import { cobertura, lcov } from "../coverage/formats.js";
import { changedPaths, gitChange, parseMaps } from "../coverage/gitchange.js";
import { installWithSaved, loadSaved } from "../coverage/saved.js";
import { changedHtml } from "../coverage/changedhtml.js";
import { emit, machineOption, oneOnStdout, out, say, toStdout, warn } from "../output.js";
import { type CommandSpec, percentArg } from "./spec.js";

export const diff: CommandSpec = {
  name: "diff",
  args: "<base> [head]",
  summary: "per-file change between two saved reports (HEAD: the current data)",
  details: "BASE and HEAD are names given to 'covshim report --save NAME'.",
  examples: [
    "covshim report --save before; make test; covshim diff before",
    "covshim diff before after --json",
    "covshim diff before --changed            # only the lines of your git change",
    "covshim diff before --changed main --fail-under 80 --markdown review.md",
    "covshim diff before --changed --map $GPHOME/lib/python/gppylib=~/gpdb/gpMgmt/bin/gppylib",
  ],
  options: [
    machineOption("json", "machine-readable"),
    { flags: "--in <target>", help: "the install, when several have a report of that name" },
    { flags: "--changed [ref]", help: "only the lines of the git change since REF (default: the merge base with the upstream branch, else HEAD) in the work tree" },
    { flags: "--map <from=to>", help: "with --changed: measured files under FROM (an installed copy) are the checkout's files under TO; comma-separated for several" },
    { flags: "--fail-under <percent>", help: "with --changed: exit 1 when fewer of the changed lines ran" },
    { flags: "--fail-under-branches <percent>", help: "with --changed and branch data (enable --branch): exit 1 when fewer of the changed lines' branches were taken" },
    machineOption("markdown", "with --changed: a summary for a review comment or a CI job's page"),
    machineOption("xml", "with --changed: Cobertura XML of the changed files, named as in the repository (diff-cover, Codecov's patch status)"),
    machineOption("lcov", "with --changed: an LCOV tracefile of the changed files, named as in the repository"),
    { flags: "--github", help: "with --changed: GitHub Actions annotations (::warning) for changed lines never run and branches never taken, on standard output" },
    { flags: "--contexts", help: "with --changed: which tests or features ran each changed line (needs enable --contexts)" },
    { flags: "--html <dir>", help: "with --changed: a page per changed file (the lines marked, contexts on hover) and an index" },
  ],
  async action([base, head], opts) {
    const o = opts as { json?: true | string; in?: string; changed?: string | boolean; map?: string; failUnder?: string; failUnderBranches?: string; markdown?: true | string; xml?: true | string; lcov?: true | string; github?: boolean; contexts?: boolean; html?: string };
    const changedOnly = o.changed !== undefined;
    const flags = [["--map", o.map], ["--fail-under", o.failUnder], ["--fail-under-branches", o.failUnderBranches], ["--markdown", o.markdown], ["--xml", o.xml], ["--lcov", o.lcov], ["--github", o.github], ["--contexts", o.contexts], ["--html", o.html]] as const;
    for (const [flag, given] of flags) {
      if (given !== undefined && !changedOnly) throw usageError(`${flag} goes with --changed`);
    }
    oneOnStdout({ "--json": o.json, "--markdown": o.markdown, "--xml": o.xml, "--lcov": o.lcov, "--github": o.github ? "-" : undefined });
    const onStdout = (["json", "markdown", "xml", "lcov"] as const).filter((k) => o[k] !== undefined && toStdout(o[k]));
    const failUnder = percentArg("--fail-under", o.failUnder);
    const failUnderBranches = percentArg("--fail-under-branches", o.failUnderBranches);
    const maps = parseMaps(o.map);
    validName(base!);
    if (head !== undefined) validName(head);
    const d = dirs();
    const state = readState(d);
    const rec = installWithSaved(d, state, base!, o.in);
    const load = (name: string) => loadSaved(d, state, rec, name);
    const b = load(base!);
    // diff --changed of the current data: the repositories from BASE's files,
    // and HEAD's JSON for the changed files only (a fraction of a large install).
    const ref = typeof o.changed === "string" ? o.changed : undefined;
    const fromBase = changedOnly && head === undefined && Object.keys(b.files).length ? gitChange(Object.keys(b.files), ref, maps).repos : [];
    const morfs = fromBase.length ? changedPaths(fromBase, maps) : undefined;
    let h: CovJson;
    if (head !== undefined) h = load(head);
    else {
      if (!hasData(rec) && !dataFiles(rec.dataDir).length) throw new CovshimError(`no current data for ${rec.name} to compare with '${base}'`);
      const tmp = mkdtempSync(join(tmpdir(), "covshim-diff-"));
      try {
        const file = join(tmp, "head.json");
        const r = await reportOnce(rec, { combine: true, json: file, morfs }, true);
        reportNotes(rec, r).forEach(warn);
        if (r.noData !== undefined) throw new CovshimError(`no current data for ${rec.name} to compare with '${base}'`);
        h = JSON.parse(readFileSync(file, "utf8")) as CovJson;
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    }
    if (changedOnly) {
      const { repos, files } = gitChange(Object.keys(h.files), ref, maps, fromBase);
      const names = { base: base!, head: head ?? "current" };
      if (o.contexts && !Object.values(h.files).some((f) => f.contexts)) throw new CovshimError(`no contexts in '${head ?? "current"}': enable with --contexts, run the tests, then diff`);
      const r = mergeReports(repos.map((g) => changedReport(g.change, files.filter((f) => f.top === g.top), h, b, { ...names, ref: g.ref }, !!o.contexts)), names);
      if (o.html !== undefined) {
        const dir = resolve(o.html);
        const where = new Map(files.map((f) => [f.path, f.top]));
        const change = new Map(repos.map((g) => [g.top, g.change]));
        const pages = changedHtml(r, (f) => change.get(where.get(f.path)!)!.get(f.repoPath) ?? [], h, b, (f) => readFileSync(join(where.get(f.path)!, f.repoPath), "utf8"));
        mkdirSync(dir, { recursive: true });
        for (const [name, html] of pages) writeFileSync(join(dir, name), html);
        say(`HTML pages of the change in ${join(dir, "index.html")}`);
      }
      if (failUnderBranches !== undefined && changedBranchPercent(r) === null) throw new CovshimError(`--fail-under-branches needs branch data: enable ${rec.name} with --branch, run the tests, then diff`);
      const { failed, threshold } = changedThresholds(r, failUnder, failUnderBranches);
      if (o.markdown !== undefined) emit(o.markdown, renderChangedMarkdown(r, ranges, threshold), "Markdown summary");
      // Named as in the repository, so that tools reading the checkout find them.
      const named = r.files.map((f) => ({ name: f.repoPath, file: h.files[f.path]! }));
      if (o.xml !== undefined) emit(o.xml, cobertura(named, [...new Set(files.filter((f) => r.files.some((c) => c.path === f.path)).map((f) => f.top))], h.meta?.version ?? "covshim"), "Cobertura XML of the change");
      if (o.lcov !== undefined) emit(o.lcov, lcov(named), "LCOV tracefile of the change");
      if (o.github) process.stdout.write(githubAnnotations(r));
      if (o.json !== undefined) emit(o.json, JSON.stringify(r, null, 2), "JSON");
      if (!onStdout.length && !o.github) {
        const { default: pc } = await import("picocolors");
        const colour = !process.env.NO_COLOR && process.stdout.isTTY;
        out(renderChanged(r, ranges, colour ? { bad: pc.red, warn: pc.yellow } : undefined));
      }
      if (failed.length) throw new CovshimError(failed.join("; "));
      return;
    }
    // Lines followed across edits: BASE's sources as saved, HEAD's as saved or as they are now.
    const before = loadSources(savedSources(d, rec.id, base!));
    const after = head !== undefined ? loadSources(savedSources(d, rec.id, head)) : readSources(Object.keys(h.files));
    if (!before) warn(`'${base}' was saved without its sources: lines are compared by number (save it again with covshim report --save ${base})`);
    const rows = diffReports(b, h, before && after ? sourceMoves(before, after) : undefined);
    const totals = { before: b.totals.covered_lines, after: h.totals.covered_lines, statements: rows.reduce((n, r) => n + r.statements, 0) };
    if (o.json !== undefined) emit(o.json, JSON.stringify({ base, head: head ?? "current", install: rec.name, totals, files: rows }, null, 2), "JSON");
    else out(renderDiff(rows, base!, head ?? "current", totals));
  },
};
