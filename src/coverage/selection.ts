import { existsSync, readFileSync } from "node:fs";
import { join, sep } from "node:path";
import { CovshimError } from "../errors.js";
import { type PathMap, gitChange, measuredPath, tryGit } from "./gitchange.js";
import { mapOld } from "./changed.js";
import { type Sources, sourceMoves } from "./moves.js";
import type { CovJson } from "./report.js";
import { type Piece, commandsFor, featureNames, piecesOf, rankTests } from "./select.js";

/**
 * `covshim tests`' git and file side, around the pure select.ts: BASE's
 * report and saved sources, the change of every repository of a measured
 * file (REF's text of each changed file, the work tree's), the repository's
 * feature and Python files for naming the tests.
 */
export function selectTests(b: CovJson, base: string, install: string, sources: Sources | undefined, ref: string | undefined, maps: PathMap[]) {
  const measured = Object.values(b.files);
  if (!measured.some((f) => f.contexts)) throw new CovshimError(`'${base}' has no contexts: enable ${install} with --contexts, run the tests, then covshim report --save ${base}`);
  if (!measured.some((f) => Object.values(f.contexts ?? {}).some((cs) => cs.some((c) => c !== "")))) {
    throw new CovshimError(`no line of '${base}' ran under a test's context: the test runner names it in COVSHIM_CONTEXT (see README), or run unittest or pytest`);
  }
  const { repos } = gitChange(Object.keys(b.files), ref, maps);
  const pieces: Piece[] = [];
  const touched: string[] = [];
  const most = new Map<string, number>();
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
      const got = piecesOf({ path, repoPath, hunks, refText, newText, base: baseFile, toBase });
      pieces.push(...got);
      most.set(g.top, (most.get(g.top) ?? 0) + got.length);
    }
  }
  const refs = [...new Set(repos.map((g) => g.ref))].join(", ");
  if (!touched.length) throw new CovshimError(`no change since ${refs}: nothing to select`);
  if (!pieces.some((p) => b.files[p.path])) throw new CovshimError(`the change since ${refs} touches none of the files '${base}' measured (${[...new Set(touched)].sort().join(", ")})`);
  // Tests are named from the top of the repository with the most of the change.
  const top = [...most].sort((x, y) => y[1] - x[1])[0]![0];
  const ls = (pattern: string) => (tryGit(top, ["ls-files", "--cached", "--others", "--exclude-standard", "--", pattern]) ?? "").split("\n").filter(Boolean);
  const features = featureNames(ls("*.feature").map((f) => ({ path: f, text: readFileSync(join(top, f), "utf8") })));
  const selected = rankTests(pieces, { features, pyFiles: ls("*.py") });
  const commands = commandsFor(selected);
  return { pieces, top, refs, selected, commands };
}
