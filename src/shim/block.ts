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
  if (current === withBlock(original ?? "", block)) return { action: original === null ? "delete" : "restore" };
  if (original === null && stripped.trim() === "") return { action: "delete" };
  return { action: "strip", text: stripped };
}
