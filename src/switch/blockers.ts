import { accessSync, constants } from "node:fs";
import { join } from "node:path";
import type { Probe } from "../install/probe.js";
import type { Target } from "../install/target.js";
import { PTH_NAME } from "../shim/render.js";

export interface Blocker {
  problem: string;
  fix: string;
}

export const usesBlock = (t: Pick<Target, "kind">) => t.kind === "dir" || t.kind === "gpdb";
export const shimDirOf = (t: Target, p: Probe) => t.shimDir ?? p.purelib;
export const shimPathOf = (t: Target, p: Probe) => join(shimDirOf(t, p), usesBlock(t) ? "sitecustomize.py" : PTH_NAME);

/** Everything that would stop measurement, found before anything is written. */
export function blockers(t: Target, p: Probe): Blocker[] {
  const out: Blocker[] = [];
  if (!p.coverage.importable) {
    const debian = t.python.startsWith("/usr/bin/");
    out.push({
      problem: `coverage is not importable by ${t.python} (${p.coverage.error ?? "missing"})`,
      fix: debian ? "apt-get install python3-coverage" : `${t.python} -m pip install coverage`,
    });
  }
  const dir = shimDirOf(t, p);
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    out.push({ problem: `${dir} is not writable`, fix: `run covshim as the owner of ${dir} (or: sudo chown -R "$USER" ${dir})` });
  }
  if (usesBlock(t)) {
    const ours = join(dir, "sitecustomize.py");
    const first = p.sitecustomizes[0];
    if (first && first !== ours && !first.startsWith(dir + "/")) {
      const firstDir = first.replace(/\/sitecustomize(\.pyc|\.py|\/__init__\.py)$/, "");
      const ourIdx = p.sysPath.indexOf(dir);
      const theirIdx = p.sysPath.indexOf(firstDir);
      if (ourIdx < 0 || (theirIdx >= 0 && theirIdx < ourIdx)) {
        out.push({
          problem: `${first} comes first on sys.path and would shadow ${ours} (Python imports only the first sitecustomize)`,
          fix: `put ${dir} before ${firstDir} on PYTHONPATH, or remove ${first}`,
        });
      }
    }
  }
  return out;
}
