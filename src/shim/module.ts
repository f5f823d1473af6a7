import precompileSource from "../../templates/shim/precompile.py?raw";
import { atomicWrite } from "../fs/atomic.js";
import { pythonEnv } from "../install/probe.js";
import { type ShimSettings, renderShimModule, renderStarterModule } from "./render.js";

export interface ModuleTarget {
  /** The shim's module; settings.starter is coverage.py's starter beside it. */
  path: string;
  python: string;
  pythonPath: string[];
  env: Record<string, string>;
  /** Mode and owner of covshim's files for this install (0600, or 0640 for a --group). */
  mode: number | { mode: number; uid: number; gid: number };
}

/**
 * Writes the shim's modules outside the install, then has the install's own
 * interpreter compile them (templates/shim/precompile.py) so that measured
 * processes load code rather than text. A failed compile costs only time:
 * the loader then compiles the text itself.
 */
export async function writeShimModule(m: ModuleTarget, settings: ShimSettings): Promise<void> {
  // A compiled copy is never older than its text: an enable cut short after
  // this leaves the text alone, which the loader compiles.
  const { readdirSync, rmSync } = await import("node:fs");
  const { basename, dirname, join } = await import("node:path");
  for (const module of [m.path, settings.starter]) {
    const stem = basename(module, ".py");
    for (const n of readdirSync(dirname(module)).filter((n) => n.startsWith(`${stem}.`) && n.endsWith(".code"))) rmSync(join(dirname(module), n), { force: true });
  }
  atomicWrite(settings.starter, renderStarterModule(), m.mode);
  atomicWrite(m.path, renderShimModule(settings), m.mode);
  const { execa } = await import("execa");
  const r = await execa(m.python, ["-c", precompileSource, m.path, settings.starter], { env: pythonEnv(m.pythonPath, process.env, m.env), extendEnv: false, reject: false, cwd: "/", timeout: 60_000 });
  if (r.exitCode !== 0) return;
  const { chmodSync, chownSync } = await import("node:fs");
  for (const out of String(r.stdout).split("\n").filter(Boolean)) {
    chmodSync(out, typeof m.mode === "number" ? m.mode : m.mode.mode);
    if (typeof m.mode !== "number") chownSync(out, m.mode.uid, m.mode.gid);
  }
}
