// Figure 7: `diff --changed` against `report` on the same data: an install of
// 500 modules in a git checkout, 1,000 data files, a change to 50 modules.
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CLI, covshim, fmt, median, status, tmp, venv } from "./lib.mjs";

const mod = (i, v) => `def f${i}(x):\n    if x > ${i}:\n        return x - ${i}\n    y = x * 2\n    return y + ${v}\n\n\ndef g${i}(x):\n    return x + ${i}\n`;

export async function run({ quick }) {
  const modules = quick ? 40 : 500;
  const dataFiles = quick ? 40 : 1000;
  const reps = quick ? 1 : 3;
  const dir = tmp();
  const repo = join(dir, "repo");
  const pkg = join(repo, "pkg");
  mkdirSync(pkg, { recursive: true });
  for (let i = 0; i < modules; i++) writeFileSync(join(pkg, `m${i}.py`), mod(i, 0));
  // A test run that imports every module and calls half of each.
  writeFileSync(join(repo, "run.py"), `import importlib, sys\nfor i in range(${modules}):\n    m = importlib.import_module("m%d" % i)\n    getattr(m, "f%d" % i)(int(sys.argv[1]))\n`);
  const git = (...a) => execFileSync("git", ["-c", "user.name=b", "-c", "user.email=b@b", ...a], { cwd: repo, stdio: "pipe" });
  git("init", "-q", "-b", "main");
  git("add", ".");
  git("commit", "-q", "-m", "v1");
  const py = join(venv(join(dir, "venv")), "bin", "python");
  const lib = join(dir, "lib");
  mkdirSync(lib);
  const home = join(dir, "home");
  const env = { ...process.env, COVSHIM_HOME: home, NO_COLOR: "1" };
  delete env.COVERAGE_PROCESS_START;
  covshim(home, ["enable", lib, "--python", py, "--source", pkg]);
  const rc = status(home).installs[0].rcfile;
  const runTests = (arg) => execFileSync(py, ["run.py", String(arg)], { cwd: repo, env: { ...env, PYTHONPATH: `${lib}:${pkg}`, COVERAGE_PROCESS_START: rc } });
  runTests(0);
  covshim(home, ["report", "--save", "before"]);
  // The change: 50 modules (1 in 10) edited in two places.
  for (let i = 0; i < modules; i += 10) writeFileSync(join(pkg, `m${i}.py`), mod(i, 1).replace("return x + ", "return x - "));
  covshim(home, ["enable", lib, "--python", py, "--source", pkg]);
  const data = status(home).installs[0].dataDir;
  // Four real runs (both branches); their files copied under other processes' names up to 1,000.
  for (const arg of [0, 1000, 0, 1000]) runTests(arg);
  const real = readdirSync(data).filter((f) => f.startsWith(".coverage."));
  for (let i = real.length; i < dataFiles; i++) cpSync(join(data, real[i % real.length]), join(data, `.coverage.bench.pid${3_900_000 + i}.Xchg${String(i).padStart(4, "0")}x`));
  const saved = join(dir, "data-copy");
  cpSync(data, saved, { recursive: true });
  const restore = () => {
    rmSync(data, { recursive: true, force: true });
    cpSync(saved, data, { recursive: true });
  };
  const timed = (args) => {
    restore();
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [CLI, ...args], { env, cwd: repo, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.status !== 0) throw new Error(`covshim ${args.join(" ")}: ${r.stderr}`);
    return ms;
  };
  const tReport = [];
  const tChanged = [];
  for (let i = 0; i < reps; i++) {
    tReport.push(timed(["report"]));
    tChanged.push(timed(["diff", "before", "--changed"]));
  }
  covshim(home, ["off", "--purge"]);
  const r = median(tReport);
  const c = median(tChanged);
  return {
    title: "diff --changed against report",
    command: "node bench/run.mjs --only changed",
    table: [
      ["measure", "covshim report, ms", "covshim diff before --changed, ms", "ratio"],
      [`${modules} modules, ${dataFiles} data files, ${modules / 10} modules changed`, fmt(r, 0), fmt(c, 0), fmt(c / r, 3)],
    ],
    target: "diff --changed within 1.2× of report on the same data",
    met: c / r <= 1.2,
    notes: ["Both start from the same copy of the data directory (both combine it). The 1,000 files: 4 real runs' files copied under the names of gone processes."],
  };
}
