import { usageError } from "./errors.js";

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** Parses "90s", "30m", "8h", "1h30m", "2d" into seconds. */
export function parseDuration(text: string, what = "duration"): number {
  const t = String(text).trim();
  if (!/^(\d+(\.\d+)?[smhd])+$/.test(t)) {
    throw usageError(`invalid ${what} '${text}': use a number with a unit, like 90s, 30m, 8h or 1h30m`);
  }
  let total = 0;
  for (const m of t.matchAll(/(\d+(?:\.\d+)?)([smhd])/g)) total += Number(m[1]) * UNITS[m[2]!]!;
  if (total <= 0) throw usageError(`invalid ${what} '${text}': must be more than zero`);
  return Math.round(total);
}
