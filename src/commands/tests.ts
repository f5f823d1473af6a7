import { dirs, savedSources } from "../paths.js";
import { readState } from "../state/state.js";
import { validName } from "../names.js";
import { installWithSaved, loadSaved } from "../coverage/saved.js";
import { parseMaps } from "../coverage/gitchange.js";
import { loadSources } from "../coverage/moves.js";
import { renderSelection } from "../coverage/select.js";
import { selectTests } from "../coverage/selection.js";
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
    const { pieces, top, refs, selected, commands } = selectTests(b, base!, rec.name, loadSources(savedSources(d, rec.id, base!)), o.changed, maps);
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
    out(renderSelection(base!, refs, top, selected, commands, pieces));
  },
};
