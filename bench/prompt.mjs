// Figure 1: per-prompt cost of each hook function, called in a loop in the
// shell itself, against direnv's bash hook in an empty directory.
import { spawnSync } from "node:child_process";
import { writeFileSync, readFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { CLI, covshim, have, median, tmp, venv, fmt } from "./lib.mjs";

function loopScript(shell, hook, fn, n) {
  if (shell === "fish") return `${hook}\nfor i in (seq ${n}); ${fn}; end`;
  return `${hook}\nfor ((i = 0; i < ${n}; i++)); do ${fn}; done`;
}

function timeShell(shell, script, env, cwd) {
  const args = shell === "fish" ? ["--no-config", "-c", script] : shell === "zsh" ? ["-f", "-c", script] : ["--norc", "--noprofile", "-c", script];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(shell, args, { env, cwd, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${shell}: ${r.stderr}`);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** µs per call: (time with N calls - time with 0 calls) / N, median of several. */
function perCall(shell, hook, fn, n, reps, env, cwd) {
  const xs = [];
  for (let i = 0; i < reps; i++) {
    const full = timeShell(shell, loopScript(shell, hook, fn, n), env, cwd);
    const empty = timeShell(shell, loopScript(shell, hook, ":", n), env, cwd);
    xs.push(((full - empty) * 1000) / n);
  }
  return median(xs);
}

function processesPerCall(shell, hook, fn, n, env, cwd, dir) {
  if (!have("strace")) return NaN;
  const log = join(dir, `strace-${shell}-${fn.length}.log`);
  const emptyLog = log + ".empty";
  const count = (script, out) => {
    const args = shell === "fish" ? ["--no-config", "-c", script] : shell === "zsh" ? ["-f", "-c", script] : ["--norc", "--noprofile", "-c", script];
    spawnSync("strace", ["-f", "-e", "trace=execve,fork,vfork,clone,clone3", "-o", out, shell, ...args], { env, cwd });
    return readFileSync(out, "utf8").split("\n").filter((l) => /(execve|fork|clone3?)\(/.test(l) && !l.includes("CLONE_THREAD")).length;
  };
  return (count(loopScript(shell, hook, fn, n), log) - count(loopScript(shell, hook, ":", n), emptyLog)) / n;
}

export async function run({ quick }) {
  const dir = tmp();
  const home = join(dir, "home");
  const v = venv(join(dir, "venv"));
  covshim(home, ["enable", v]);
  const env = { ...process.env, COVSHIM_HOME: home, COVSHIM_QUIET: "1", NO_COLOR: "1" };
  const rows = [];
  const n = quick ? 200 : 5000;
  const reps = quick ? 1 : 7;
  const cov = {};
  for (const shell of ["bash", "zsh", "fish"]) {
    if (!have(shell)) throw new Error(`${shell} missing: bash scripts/test-setup.sh`);
    const hookText = spawnSync(process.execPath, [CLI, "hook", shell], { env, encoding: "utf8" }).stdout;
    const hookFile = join(dir, `hook.${shell}`);
    writeFileSync(hookFile, hookText);
    const hook = shell === "fish" ? `source ${hookFile}` : `. ${hookFile}`;
    cov[shell] = perCall(shell, hook, "__covshim_sync", n, reps, env, dir);
    const procs = processesPerCall(shell, hook, "__covshim_sync", quick ? 5 : 20, env, dir, dir);
    rows.push({ what: `covshim ${shell} hook (measurement on)`, us: cov[shell], procs });
  }
  let direnvUs = NaN;
  if (have("direnv")) {
    const empty = join(dir, "empty");
    mkdirSync(empty);
    const denv = { ...env, DIRENV_LOG_FORMAT: "" };
    const hookText = spawnSync("direnv", ["hook", "bash"], { env: denv, encoding: "utf8" }).stdout;
    const hookFile = join(dir, "direnv.bash");
    writeFileSync(hookFile, hookText);
    direnvUs = perCall("bash", `. ${hookFile}`, "_direnv_hook", quick ? 20 : 300, reps, denv, empty);
    const procs = processesPerCall("bash", `. ${hookFile}`, "_direnv_hook", quick ? 5 : 20, denv, empty, dir);
    rows.push({ what: "direnv bash hook, empty directory", us: direnvUs, procs });
  }
  covshim(home, ["off"]);
  return {
    title: "Per-prompt cost of the shell hooks",
    command: "node bench/run.mjs --only prompt",
    table: [["hook", "µs per prompt", "processes per prompt", "ratio to direnv"], ...rows.map((r) => [r.what, fmt(r.us, 1), fmt(r.procs, 0), fmt(r.us / direnvUs, 4)])],
    target: "covshim ≤ 1/50 of direnv's cost (ratio ≤ 0.02); 0 processes",
    met: Object.values(cov).every((us) => us / direnvUs <= 0.02),
  };
}
