import { execFileSync, spawnSync, type SpawnSyncReturns } from "node:child_process";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach } from "vitest";
import { CLI } from "./tools.js";
import { compileAll, makePytestVenv, makeVenv } from "./base.mjs";

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

/** A temp directory with covshim's home, a venv with pytest (and xdist) and a repository with a tests/ folder, as the pytest suites' tests start. */
export function pytestProject(): { home: string; venv: string; python: string; repo: string } {
  const t = tempDir();
  const venv = makePytestVenv(join(t, "venv"));
  const repo = join(t, "repo");
  mkdirSync(join(repo, "tests"), { recursive: true });
  return { home: join(t, "home"), venv, python: join(venv, "bin", "python"), repo };
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

/** A command to its end; `timeout` (ms, 0: none) stops one that hangs. */
export function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd?: string, timeout = 120_000): Run {
  return done(spawnSync(cmd, args, { env, encoding: "utf8", cwd, timeout }));
}

/** A fresh venv of Python 3.11 holding real coverage (copied from the cached pip install). */
export const venvWithCoverage = (dir: string, withCoverage = true): string => makeVenv(dir, { withCoverage });

/** A venv of another Python with coverage's pure-Python package (sysmon needs no C tracer). */
export const venvPurePython = (dir: string, version: string): string => makeVenv(dir, { version });

export { compileAll };

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

/** git with a committer of its own (the machine may have none). */
export const gitIn = (cwd: string, ...args: string[]) => execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", ...args], { cwd, stdio: "pipe" });

/** A git repository at `repo` whose first commit holds these files (path -> text). */
export function committedRepo(repo: string, files: Record<string, string>): void {
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(repo, p)), { recursive: true });
    writeFileSync(join(repo, p), text);
  }
  gitIn(repo, "init", "-q", "-b", "main");
  gitIn(repo, "add", ".");
  gitIn(repo, "commit", "-q", "-m", "v1");
}
