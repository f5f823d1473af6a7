// Shared helpers for the benchmarks: fixtures, timing, medians.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

export { ROOT, CLI, have } from "../test/helpers/base.mjs";
import { CLI, makeVenv, pyenvPython } from "../test/helpers/base.mjs";

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

/**
 * Wall and CPU time (user + system of the command and every process it
 * waited for) in milliseconds, through GNU time: on a shared machine the CPU
 * time of CPU-bound work is what a ratio can trust; wall time shows beside it.
 */
export function timeCpu(cmd, args, opts = {}) {
  const out = join(tmp("covshim-time-"), "t");
  const r = spawnSync("/usr/bin/time", ["-f", "%e %U %S", "-o", out, cmd, ...args], { stdio: ["ignore", "ignore", "pipe"], ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed: ${r.stderr}`);
  const [e, u, sys] = readFileSync(out, "utf8").trim().split("\n").pop().split(" ").map(Number);
  rmSync(dirname(out), { recursive: true, force: true });
  return { wall: e * 1000, cpu: (u + sys) * 1000 };
}

const made = [];
// Every temp directory a benchmark makes goes when the process ends.
process.on("exit", () => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

export function tmp(prefix = "covshim-bench-") {
  const d = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  made.push(d);
  return d;
}

export const pyenv = pyenvPython;

/** A fresh venv; coverage copied in (pure-Python only for other versions than 3.11). */
export const venv = (dir, version = "3.11.7", withCoverage = true) => makeVenv(dir, { version, withCoverage });

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
