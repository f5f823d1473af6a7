import precompileSource from "../../templates/agent/precompile.py?raw";
import { atomicWrite } from "../fs/atomic.js";
import { pythonEnv } from "../install/probe.js";
import { type ShimSettings, shimModules } from "./render.js";

export interface ModuleTarget {
  /** covshim's directory for the install (src/paths.ts): the shim's modules go there. */
  home: string;
  python: string;
  pythonPath: string[];
  env: Record<string, string>;
  /** Mode and owner of covshim's files for this install (0600, or 0640 for a --group). */
  mode: number | { mode: number; uid: number; gid: number };
}

/** The shim's modules that only some installs have (render.ts's shimModules). */
const OPTIONAL = ["recorder", "standin"];

/**
 * Writes the shim's modules outside the install, then has the install's own
 * interpreter compile them (templates/agent/precompile.py) so that measured
 * processes load code rather than text. A failed compile costs only time:
 * the loader then compiles the text itself.
 */
export async function writeShimModule(m: ModuleTarget, settings: ShimSettings): Promise<void> {
  // A compiled copy is never older than its text: an enable cut short after
  // this leaves the text alone, which the loader compiles.
  const { readdirSync, rmSync } = await import("node:fs");
  const { basename, join } = await import("node:path");
  const modules = shimModules(m.home, settings);
  const stems = ["shim", "starter", ...OPTIONAL];
  for (const n of readdirSync(m.home).filter((n) => stems.some((s) => n.startsWith(`${s}.`) && n.endsWith(".code")))) rmSync(join(m.home, n), { force: true });
  // A module no longer used goes: nothing loads it, and an old text must not linger.
  const written = new Set(Object.keys(modules).map((p) => basename(p)));
  for (const s of OPTIONAL) if (!written.has(`${s}.py`)) rmSync(join(m.home, `${s}.py`), { force: true });
  for (const [path, text] of Object.entries(modules)) atomicWrite(path, text, m.mode);
  const { execa } = await import("execa");
  const r = await execa(m.python, ["-c", precompileSource, ...Object.keys(modules)], { env: pythonEnv(m.pythonPath, process.env, m.env), extendEnv: false, reject: false, cwd: "/", timeout: 60_000 });
  if (r.exitCode !== 0) return;
  const { chmodSync, chownSync } = await import("node:fs");
  for (const out of String(r.stdout).split("\n").filter(Boolean)) {
    chmodSync(out, typeof m.mode === "number" ? m.mode : m.mode.mode);
    if (typeof m.mode !== "number") chownSync(out, m.mode.uid, m.mode.gid);
  }
}
