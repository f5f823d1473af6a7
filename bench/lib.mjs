// Shared helpers for the benchmarks: fixtures, timing, medians.
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
export const CLI = join(ROOT, "dist", "covshim.cjs");
export const CACHE = join(ROOT, ".cache", "bench");

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Wall time of one command in milliseconds. */
export function timeMs(cmd, args, opts = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: ["ignore", "ignore", "pipe"], ...opts });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed: ${r.stderr}`);
  return ms;
}

export function tmp(prefix = "covshim-bench-") {
  return realpathSync(mkdtempSync(join(tmpdir(), prefix)));
}

export function pyenv(version) {
  const root = process.env.PYENV_ROOT ?? join(process.env.HOME ?? "/root", ".pyenv");
  const p = join(root, "versions", version, "bin", "python");
  if (!existsSync(p)) throw new Error(`Python ${version} missing at ${p}`);
  return p;
}

/** A venv of 3.11 with coverage from pip (the C tracer included), built once. */
export function coverageSite311() {
  // The same venv the test suite builds (test/helpers/global-setup.ts).
  const venv = join(ROOT, ".cache", "test", "cov-venv-311");
  const site = join(venv, "lib", "python3.11", "site-packages");
  if (!existsSync(join(site, "coverage"))) {
    mkdirSync(CACHE, { recursive: true });
    execFileSync(pyenv("3.11.7"), ["-m", "venv", "--clear", venv]);
    execFileSync(join(venv, "bin", "pip"), ["install", "-q", "coverage"], { stdio: "inherit" });
  }
  return site;
}

/** A fresh venv; coverage copied in (pure-Python only for other versions than 3.11). */
export function venv(dir, version = "3.11.7", withCoverage = true) {
  execFileSync(pyenv(version), ["-m", "venv", "--without-pip", dir]);
  if (!withCoverage) return dir;
  const from = coverageSite311();
  const minor = version.split(".").slice(0, 2).join(".");
  const to = join(dir, "lib", `python${minor}`, "site-packages");
  const pure = minor !== "3.11";
  for (const n of readdirSync(from)) {
    if (!n.startsWith("coverage")) continue;
    cpSync(join(from, n), join(to, n), { recursive: true, filter: (s) => !(pure && (s.endsWith(".so") || s.includes("__pycache__"))) });
  }
  return dir;
}

export function covshim(home, args, extra = {}) {
  const env = { ...process.env, COVSHIM_HOME: home, COVSHIM_QUIET: "1", ...extra };
  delete env.COVERAGE_PROCESS_START;
  const r = spawnSync(process.execPath, [CLI, ...args], { env, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`covshim ${args.join(" ")}: ${r.stderr}`);
  return r;
}

export function status(home) {
  return JSON.parse(covshim(home, ["status", "--json"]).stdout);
}

export const fmt = (n, d = 2) => (Number.isFinite(n) ? n.toFixed(d) : "n/a");
export const have = (tool) => spawnSync("bash", ["-c", `command -v ${tool}`]).status === 0;
