import { readFileSync } from "node:fs";
import { join } from "node:path";

/** Where measured processes write coverage's warnings (templates/shim/guard.py), one line each: PID SLUG MESSAGE. */
export const warningsLog = (dataDir: string) => join(dataDir, "warnings.log");

export interface WarningGroup {
  slug: string;
  message: string;
  count: number;
}

/** The warnings measured processes logged, grouped by kind and message, most frequent first. */
export function readWarnings(dataDir: string): WarningGroup[] {
  let text = "";
  try {
    text = readFileSync(warningsLog(dataDir), "utf8");
  } catch {
    return [];
  }
  const groups = new Map<string, WarningGroup>();
  for (const line of text.split("\n")) {
    const m = /^\d+ (\S+) (.*)$/.exec(line);
    if (!m) continue;
    // coverage appends "(slug); see https://..." to its messages: the slug says it already.
    const message = m[2]!.replace(/\s*\([a-z-]+\)(; see \S+)?$/, "").replace(/; see https?:\/\/\S+$/, "");
    const key = `${m[1]}\0${message}`;
    const g = groups.get(key) ?? { slug: m[1]!, message, count: 0 };
    g.count++;
    groups.set(key, g);
  }
  return [...groups.values()].sort((a, b) => b.count - a.count || a.message.localeCompare(b.message));
}

/** One line: "3 warnings from measured processes: module-not-measured: Module mpapp was ... (2×); ..." */
export function warningSummary(groups: WarningGroup[], most = 3): string | undefined {
  if (!groups.length) return undefined;
  const n = groups.reduce((s, g) => s + g.count, 0);
  const shown = groups.slice(0, most).map((g) => `${g.slug === "-" ? "" : `${g.slug}: `}${g.message} (${g.count}×)`);
  const more = groups.length > most ? `; and ${groups.length - most} more kinds in ${"warnings.log"}` : "";
  return `${n} warning${n === 1 ? "" : "s"} from measured processes: ${shown.join("; ")}${more}`;
}
