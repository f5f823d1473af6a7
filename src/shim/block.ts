import { BEGIN, END } from "./render.js";

/**
 * The rules for covshim's marked block in a sitecustomize.py: where it goes,
 * how it comes out, and what `off` does with the file. Pure functions on
 * text; the same rules serve the local install and the cluster hosts.
 */

/** Where the block stands, markers and its newline included; null when there is none. */
export function blockAt(text: string): { start: number; stop: number } | null {
  const start = text.indexOf(BEGIN);
  const endAt = start < 0 ? -1 : text.indexOf(END, start);
  if (endAt < 0) return null;
  return { start, stop: endAt + END.length + (text[endAt + END.length] === "\n" ? 1 : 0) };
}

export const hasBlock = (text: string) => blockAt(text) !== null;

/** The block as it stands in a file, markers included; null when there is none. */
export function blockIn(text: string): string | null {
  const at = blockAt(text);
  return at ? text.slice(at.start, at.stop) : null;
}

/** The block goes at the end, after a blank line, so a `from __future__` import stays first. */
export const withBlock = (original: string, block: string) =>
  original + (original === "" || original.endsWith("\n\n") ? "" : original.endsWith("\n") ? "\n" : "\n\n") + block;

/** The hand procedure's start of coverage (gpMgmt/test/README.coverage.md), one call a line. */
const HAND = /^([ \t]*)((?:import coverage[ \t]*;[ \t]*)?coverage\.process_startup\([ \t]*\).*)$/gm;
const DISABLED = /^([ \t]*)pass {2}# covshim-disabled: (.*)$/gm;

/** Line numbers (1-based) of the hand procedure's `coverage.process_startup()` calls. */
export function handStarts(text: string): number[] {
  const lines: number[] = [];
  for (const m of text.matchAll(HAND)) lines.push(text.slice(0, m.index).split("\n").length);
  return lines;
}

/**
 * While covshim is on, the hand procedure's calls become `pass` (indentation
 * kept, so an `if` around them still parses): coverage starts once, through
 * the shim, with its safeguards. `off` puts the lines back.
 */
export const disableHand = (text: string) => text.replace(HAND, "$1pass  # covshim-disabled: $2");
export const enableHand = (text: string) => text.replace(DISABLED, "$1$2");

/** The file's text while covshim is on. */
export const onText = (original: string, block: string) => withBlock(disableHand(original), block);

/** The text without covshim's block (and the blank line it added); null when there is none. */
export function stripBlock(text: string): string | null {
  const at = blockAt(text);
  if (!at) return null;
  let begin = at.start;
  if (text.slice(0, begin).endsWith("\n\n") && at.stop === text.length) begin--;
  return text.slice(0, begin) + text.slice(at.stop);
}

export type Removal =
  /** No block: nothing of covshim's is in the file. */
  | { action: "none" }
  /** Untouched since enable: the saved original goes back, byte for byte. */
  | { action: "restore" }
  /** Untouched, and there was no file before: it goes. */
  | { action: "delete" }
  /** Edited while on: only the block comes out, the edits stay. */
  | { action: "strip"; text: string };

/**
 * What `off` does with a sitecustomize.py that holds `current`, given the
 * original (null: there was none). A file that did not exist before is
 * removed only if it holds nothing but the block.
 */
export function removal(current: string, original: string | null): Removal {
  const stripped = stripBlock(current);
  const block = blockIn(current);
  if (stripped === null || block === null) return { action: "none" };
  if (current === onText(original ?? "", block)) return { action: original === null ? "delete" : "restore" };
  if (original === null && stripped.trim() === "") return { action: "delete" };
  return { action: "strip", text: enableHand(stripped) };
}
