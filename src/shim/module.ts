import precompileSource from "../../templates/shim/precompile.py?raw";
import { atomicWrite } from "../fs/atomic.js";
import { pythonEnv } from "../install/probe.js";
import { type ShimSettings, renderShimModule } from "./render.js";

export interface ModuleTarget {
  path: string;
  python: string;
  pythonPath: string[];
  env: Record<string, string>;
  /** Mode and owner of covshim's files for this install (0600, or 0640 for a --group). */
  mode: number | { mode: number; uid: number; gid: number };
}

/**
 * Writes the shim's module outside the install, then has the install's own
 * interpreter compile it (templates/shim/precompile.py) so that measured
 * processes load code rather than text. A failed compile costs only time:
 * the loader then compiles the text itself.
 */
export async function writeShimModule(m: ModuleTarget, settings: ShimSettings): Promise<void> {
  atomicWrite(m.path, renderShimModule(settings), m.mode);
  const { execa } = await import("execa");
  const r = await execa(m.python, ["-c", precompileSource, m.path], { env: pythonEnv(m.pythonPath, process.env, m.env), extendEnv: false, reject: false, cwd: "/", timeout: 60_000 });
  const out = String(r.stdout).trim();
  if (r.exitCode === 0 && out) {
    const { chmodSync, chownSync } = await import("node:fs");
    const mode = typeof m.mode === "number" ? m.mode : m.mode.mode;
    chmodSync(out, mode);
    if (typeof m.mode !== "number") chownSync(out, m.mode.uid, m.mode.gid);
  }
}
