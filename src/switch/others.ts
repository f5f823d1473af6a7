import { readFileSync } from "node:fs";
import { basename } from "node:path";
import type { Probe } from "../install/probe.js";
import { handStarts } from "../shim/block.js";

/** Something other than covshim that starts coverage in the install's processes, what it means, and the fix. */
export interface Starter {
  file: string;
  /** true: harmless next to covshim; false: worth acting on. */
  fine: boolean;
  text: string;
  fix?: string;
}

/**
 * Finds the other ways coverage gets started: the hand procedure's
 * process_startup() in the sitecustomize.py covshim will edit, and .pth
 * hooks in site-packages. covshim never starts coverage twice: the hand
 * lines are disabled while on, and the .pth hooks find it started.
 */
export function otherStarters(p: Probe, shimFile: string | undefined): Starter[] {
  const out: Starter[] = [];
  if (shimFile) {
    let text = "";
    try {
      text = readFileSync(shimFile, "utf8");
    } catch {
      // no sitecustomize.py yet
    }
    const lines = handStarts(text);
    if (lines.length) {
      out.push({
        file: shimFile,
        fine: false,
        text: `${shimFile} starts coverage itself (the hand procedure's coverage.process_startup(), line ${lines.join(", ")}): covshim disables it while on and puts it back at off, when it starts coverage again wherever COVERAGE_PROCESS_START is set`,
        fix: `remove line ${lines.join(", ")} of ${shimFile} and let covshim start coverage`,
      });
    }
  }
  for (const f of p.coveragePths) {
    const n = basename(f);
    if (n === "a1_coverage.pth") out.push({ file: f, fine: true, text: `${f}: coverage's own start-up hook (7.13+); covshim's shim starts first and it stands down` });
    else if (/pytest-cov|init_cov_core/.test(n)) {
      out.push({ file: f, fine: false, text: `${f}: pytest-cov's hook starts coverage in the subprocesses of 'pytest --cov' runs; with covshim on, measure a run with one of them, not both`, fix: "run pytest without --cov while covshim is on" });
    } else {
      out.push({ file: f, fine: false, text: `${f} starts coverage whenever COVERAGE_PROCESS_START is set, also after 'covshim off' if the variable is set by hand`, fix: `rm ${f} (covshim does the same, and turns it off)` });
    }
  }
  return out;
}
