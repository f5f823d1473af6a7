import { existsSync, readFileSync } from "node:fs";
import { join, sep } from "node:path";
import { CovshimError } from "../errors.js";
import { dirs, savedSources } from "../paths.js";
import { readState } from "../state/state.js";
import { validName } from "../names.js";
import { installWithSaved, loadSaved } from "../coverage/saved.js";
import { gitChange, measuredPath, parseMaps, tryGit } from "../coverage/gitchange.js";
import { mapOld } from "../coverage/changed.js";
import { loadSources, sourceMoves } from "../coverage/moves.js";
import { type Piece, commandsFor, featureNames, lineRanges, piecesOf, rankTests } from "../coverage/select.js";
import { emit, machineOption, out } from "../output.js";
import type { CommandSpec } from "./spec.js";

export const tests: CommandSpec = {
  name: "tests",
  args: "<base>",
  summary: "which tests of a saved report ran the code your git change touches, and the command lines that run just those",
  details:
    "BASE is a report saved with 'covshim report --save NAME' of a run with 'enable --contexts'. For each hunk of the change: the tests that ran the lines it replaced, the function a new line goes in, the lines a deletion joins. Run them with measurement on, then 'covshim diff BASE --changed'.",
  examples: [
    "covshim enable --contexts; make behave; covshim report --save base",
    "vi gpMgmt/bin/gppylib/operations/startSegments.py",
    "covshim tests base                      # the features and tests to run first",
    "covshim tests base --changed main --json",
    "covshim tests base --map $GPHOME/lib/python/gppylib=~/gpdb/gpMgmt/bin/gppylib",
  ],
  options: [
    { flags: "--changed <ref>", help: "the change since REF (default: the merge base with the upstream branch, else HEAD) in the work tree" },
    { flags: "--map <from=to>", help: "measured files under FROM (an installed copy) are the checkout's files under TO; comma-separated for several" },
    { flags: "--in <target>", help: "the install, when several have a report of that name" },
    machineOption("json", "machine-readable, for CI"),
  ],
  async action([base], opts) {
    const o = opts as { changed?: string; map?: string; in?: string; json?: true | string };
    const maps = parseMaps(o.map);
    validName(base!);
    const d = dirs();
    const state = readState(d);
    const rec = installWithSaved(d, state, base!, o.in);
    const b = loadSaved(d, state, rec, base!);
    const measured = Object.values(b.files);
    if (!measured.some((f) => f.contexts)) throw new CovshimError(`'${base}' has no contexts: enable ${rec.name} with --contexts, run the tests, then covshim report --save ${base}`);
    if (!measured.some((f) => Object.values(f.contexts ?? {}).some((cs) => cs.some((c) => c !== "")))) {
      throw new CovshimError(`no line of '${base}' ran under a test's context: the test runner names it in COVSHIM_CONTEXT (see README), or run unittest or pytest`);
    }
    const { repos } = gitChange(Object.keys(b.files), o.changed, maps);
    const sources = loadSources(savedSources(d, rec.id, base!));
    const pieces: Piece[] = [];
    const touched: string[] = [];
    for (const g of repos) {
      for (const [repoPath, hunks] of g.change) {
        touched.push(repoPath);
        const path = measuredPath(`${g.top}${sep}${repoPath.split("/").join(sep)}`, maps);
        const baseFile = b.files[path];
        if (!baseFile && !repoPath.endsWith(".py")) continue;
        const refText = tryGit(g.top, ["show", `${g.ref}:${repoPath}`], false);
        const file = join(g.top, repoPath);
        const newText = existsSync(file) ? readFileSync(file, "utf8") : "";
        // BASE measured other text than REF's: REF's lines are followed into BASE's.
        const baseText = sources?.[path];
        let toBase: ((l: number) => number | null) | undefined;
        if (refText !== null && baseText !== undefined && baseText !== refText) {
          const moves = sourceMoves({ f: refText }, { f: baseText }).get("f") ?? [];
          toBase = (l) => mapOld(moves, l);
        }
        pieces.push(...piecesOf({ path, repoPath, hunks, refText, newText, base: baseFile, toBase }));
      }
    }
    const refs = [...new Set(repos.map((g) => g.ref))].join(", ");
    if (!touched.length) throw new CovshimError(`no change since ${refs}: nothing to select`);
    if (!pieces.some((p) => b.files[p.path])) throw new CovshimError(`the change since ${refs} touches none of the files '${base}' measured (${[...new Set(touched)].sort().join(", ")})`);
    // Tests are named from the top of the repository with the most of the change.
    const top = repos.map((g) => g.top).sort((x, y) => pieces.filter((p) => p.path.startsWith(y)).length - pieces.filter((p) => p.path.startsWith(x)).length)[0]!;
    const ls = (pattern: string) => (tryGit(top, ["ls-files", "--cached", "--others", "--exclude-standard", "--", pattern]) ?? "").split("\n").filter(Boolean);
    const features = featureNames(ls("*.feature").map((f) => ({ path: f, text: readFileSync(join(top, f), "utf8") })));
    const selected = rankTests(pieces, { features, pyFiles: ls("*.py") });
    const commands = commandsFor(selected);
    const unreached = pieces.filter((p) => !p.contexts.length);
    const total = pieces.reduce((n, p) => n + p.weight, 0);
    if (o.json !== undefined) {
      const json = {
        base,
        ref: refs,
        top,
        changed: total,
        tests: selected,
        commands: commands.map((c) => ({ runner: c.runner, argv: c.argv, line: c.line })),
        pieces: pieces.map(({ path, repoPath, kind, lines, weight, reached, contexts, why }) => ({ path, repoPath, kind, lines, weight, reached, contexts, ...(why ? { why } : {}) })),
        unreached: unreached.map((p) => ({ path: p.path, repoPath: p.repoPath, kind: p.kind, lines: p.lines, why: p.why })),
      };
      emit(o.json, JSON.stringify(json, null, 2), "JSON");
      return;
    }
    const lines: string[] = [];
    if (selected.length) {
      lines.push(`${selected.length} test${selected.length === 1 ? "" : "s"} of '${base}' ran the code of the change since ${refs} (${total} line${total === 1 ? "" : "s"}), most of it first:`);
      const w = Math.max(5, ...selected.map((t) => String(t.reaches).length));
      lines.push(`  ${"lines".padStart(w)}  ${"runner".padEnd(8)}  test`);
      for (const t of selected) lines.push(`  ${String(t.reaches).padStart(w)}  ${t.runner.padEnd(8)}  ${t.id}${t.contexts.length === 1 && t.contexts[0] !== t.id ? `  (${t.contexts[0]})` : ""}`);
      if (commands.length) {
        lines.push("", `Run them (from ${top}), with measurement on, then covshim diff ${base} --changed:`);
        for (const c of commands) lines.push(`  ${c.line}`);
      }
    } else lines.push(`No test of '${base}' ran the code of the change since ${refs}.`);
    if (unreached.length) {
      lines.push("", `Reached by no test in '${base}':`);
      for (const p of unreached) lines.push(`  ${p.repoPath}:${p.kind === "delete" ? `${p.lines[0]} (deleted code)` : lineRanges(p.lines)}  ${p.why}`);
    }
    out(lines.join("\n"));
  },
};
