import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Change, parseDiff } from "./changed.js";

/** Each measured file's text, as `report --save` keeps it beside the report (paths.savedSources). */
export type Sources = Record<string, string>;

/** The text of each of these files now, where it can be read. */
export function readSources(files: string[]): Sources {
  const out: Sources = {};
  for (const f of files) {
    try {
      out[f] = readFileSync(f, "utf8");
    } catch {
      // Gone (a test's temporary module): nothing to follow.
    }
  }
  return out;
}

export const loadSources = (file: string): Sources | undefined => (existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Sources) : undefined);

/**
 * How the lines of each file moved between two versions of its source: git's
 * diff (`--no-index`, one call for every file that changed), as hunks keyed
 * by the measured file's path. Files whose text is the same, or missing on
 * either side, have no entry: their line numbers are compared as they are.
 */
export function sourceMoves(before: Sources, after: Sources): Change {
  const changed = Object.keys(before).filter((f) => f in after && before[f] !== after[f]);
  const out: Change = new Map();
  if (!changed.length) return out;
  const tmp = mkdtempSync(join(tmpdir(), "covshim-moves-"));
  try {
    mkdirSync(join(tmp, "a"));
    mkdirSync(join(tmp, "b"));
    changed.forEach((f, i) => {
      writeFileSync(join(tmp, "a", String(i)), before[f]!);
      writeFileSync(join(tmp, "b", String(i)), after[f]!);
    });
    let text: string;
    try {
      text = execFileSync("git", ["diff", "--no-index", "--no-renames", "--no-color", "-U0", "a", "b"], { cwd: tmp, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 256 * 2 ** 20 });
    } catch (e) {
      // Exit 1: there are differences, which is what was asked.
      const r = e as { status?: number; stdout?: string };
      if (r.status !== 1 || r.stdout === undefined) throw e;
      text = r.stdout;
    }
    for (const [name, hunks] of parseDiff(text)) {
      const i = Number(name.replace(/^b\//, "").split("/").pop());
      if (Number.isInteger(i) && changed[i] !== undefined) out.set(changed[i]!, hunks);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return out;
}
