import { execFileSync, spawnSync, type SpawnSyncReturns } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";
import { CACHE, CLI, PY311, pyenvPython } from "./tools.js";

const temps: string[] = [];
afterEach(() => {
  // A killed shell may still be writing as it exits: retry.
  while (temps.length) rmSync(temps.pop()!, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
});

export function tempDir(prefix = "covshim-test-"): string {
  const d = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  temps.push(d);
  return d;
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

const done = (r: SpawnSyncReturns<string>): Run => ({ code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr });

/** Environment for a covshim run: its own COVSHIM_HOME, nothing measured by accident. */
export function baseEnv(home: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, COVSHIM_HOME: home, NO_COLOR: "1", ...extra };
  for (const k of ["COVERAGE_PROCESS_START", "GPHOME", "VIRTUAL_ENV", "PYTHONPATH", "__COVSHIM_SET", "COVSHIM_QUIET"]) {
    if (!(k in extra)) delete env[k];
  }
  return env;
}

export function covshim(home: string, args: string[], extra: NodeJS.ProcessEnv = {}, cwd?: string): Run {
  mkdirSync(home, { recursive: true });
  return done(spawnSync(process.execPath, [CLI, ...args], { env: baseEnv(home, extra), encoding: "utf8", cwd: cwd ?? home }));
}

export function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd?: string): Run {
  return done(spawnSync(cmd, args, { env, encoding: "utf8", cwd, timeout: 120_000 }));
}

/** A fresh venv of Python 3.11 holding real coverage (copied from the cached pip install). */
export function venvWithCoverage(dir: string, withCoverage = true): string {
  execFileSync(pyenvPython(PY311), ["-m", "venv", "--without-pip", dir]);
  if (withCoverage) {
    const from = join(CACHE, "cov-venv-311", "lib", "python3.11", "site-packages");
    const to = join(dir, "lib", "python3.11", "site-packages");
    for (const n of readdirSync(from)) if (n.startsWith("coverage") || n === "a1_coverage.pth") cpSync(join(from, n), join(to, n), { recursive: true });
  }
  return dir;
}

/** A venv of another Python with coverage's pure-Python package (sysmon needs no C tracer). */
export function venvPurePython(dir: string, version: string): string {
  execFileSync(pyenvPython(version), ["-m", "venv", "--without-pip", dir]);
  const from = join(CACHE, "cov-venv-311", "lib", "python3.11", "site-packages");
  const minor = version.split(".").slice(0, 2).join(".");
  const to = join(dir, "lib", `python${minor}`, "site-packages");
  cpSync(join(from, "coverage"), join(to, "coverage"), {
    recursive: true,
    filter: (src) => !src.endsWith(".so") && !src.includes("__pycache__"),
  });
  for (const n of readdirSync(from)) if (n.startsWith("coverage-")) cpSync(join(from, n), join(to, n), { recursive: true });
  return dir;
}

export function statusJson(home: string, extra: NodeJS.ProcessEnv = {}) {
  const r = covshim(home, ["status", "--json"], extra);
  if (r.code !== 0) throw new Error(`status failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as {
    installs: Array<Record<string, unknown> & { name: string; path: string; enabled: boolean; rcfile: string; dataDir: string; core: string; shim: string | null; dataFiles: number; scope: string; expires: string | null; pythonVersion: string; hosts?: { host: string; state: string; error?: string }[] }>;
    env: { COVERAGE_PROCESS_START: string | null; setByCovshim: boolean };
    warnings: string[];
  };
}

/**
 * Evaluates covshim's output (`env` lines or a `hook`) in a real shell, the way
 * a user's rc file does, then runs `then` in the same shell.
 */
export function evalIn(sh: string, text: string, then: string, env: NodeJS.ProcessEnv, cwd?: string): Run {
  return sh === "fish"
    ? done(spawnSync("fish", ["--no-config", "-c", `${text}\n${then}`], { encoding: "utf8", env, cwd }))
    : done(spawnSync(sh, ["-c", `eval "$(cat)"; ${then}`], { input: text, encoding: "utf8", env, cwd }));
}
