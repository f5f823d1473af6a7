import { homedir } from "node:os";

/** "1 data file", "3 data files". */
export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** A local time without seconds: "14:02", or "Nov 26 14:02" when not today. */
export function clock(iso: string | null | undefined, now = new Date()): string {
  const d = new Date(iso ?? "");
  if (Number.isNaN(d.getTime())) return "?";
  const hm = `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
  return d.toDateString() === now.toDateString() ? hm : `${d.toLocaleString("en", { month: "short" })} ${d.getDate()} ${hm}`;
}

/** "7 h 59 min", "3 min", "less than a minute". */
export function span(seconds: number): string {
  const m = Math.floor(Math.abs(seconds) / 60);
  if (m < 1) return "less than a minute";
  const h = Math.floor(m / 60);
  return h ? `${h} h${m % 60 ? ` ${m % 60} min` : ""}` : `${m} min`;
}

/** A path with the home directory written as ~. */
export function tilde(path: string, home = homedir()): string {
  return home && home !== "/" && (path === home || path.startsWith(home + "/")) ? `~${path.slice(home.length)}` : path;
}
