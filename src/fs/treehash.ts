import { createHash } from "node:crypto";
import { lstatSync, readFileSync, readdirSync, readlinkSync } from "node:fs";
import { join, relative } from "node:path";

/**
 * path -> what "restored" is checked against: every file's sha256, and of
 * every entry its permission bits, owner and mtime to the nanosecond.
 */
export function hashTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      const st = lstatSync(p, { bigint: true });
      const key = relative(dir, p);
      const meta = `${(st.mode & 0o7777n).toString(8)} ${st.uid}:${st.gid} ${st.mtimeNs}`;
      if (st.isDirectory()) {
        out[key + "/"] = `dir ${meta}`;
        walk(p);
      } else if (st.isSymbolicLink()) out[key] = `link:${readlinkSync(p)}`;
      else out[key] = `${createHash("sha256").update(readFileSync(p)).digest("hex")} ${meta}`;
    }
  };
  walk(dir);
  return out;
}

export function treeDiff(a: Record<string, string>, b: Record<string, string>): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((k) => a[k] !== b[k]).sort();
}
