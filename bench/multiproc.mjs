// Figure 5: a few hundred short Python processes under covshim against the
// hand procedure; then combining their data: covshim report vs raw coverage.
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { CLI, covshim, median, status, timeMs, tmp, venv, fmt } from "./lib.mjs";

const WORK = `
import subprocess, sys
n = int(sys.argv[1])
procs = []
for i in range(n):
    procs.append(subprocess.Popen([sys.executable, "-c", "import json; json.dumps({'a': 1})"]))
    if len(procs) >= 8:
        procs.pop(0).wait()
for p in procs:
    p.wait()
`;

export async function run({ quick }) {
  const n = quick ? 20 : 300;
  const reps = quick ? 1 : 3;
  const dir = tmp();
  const script = join(dir, "work.py");
  writeFileSync(script, WORK);
  const py = pyIn(dir);
  const env = { ...process.env };
  delete env.COVERAGE_PROCESS_START;
  // Hand procedure: sitecustomize + coveragerc of the GPDB README.
  const hand = join(dir, "hand");
  mkdirSync(join(hand, "data"), { recursive: true });
  writeFileSync(join(hand, "sitecustomize.py"), "import coverage\ncoverage.process_startup()\n");
  writeFileSync(join(hand, "rc"), `[run]\nparallel = True\ndata_file = ${hand}/data/.coverage\n`);
  const lib = join(dir, "lib");
  mkdirSync(lib);
  const home = join(dir, "home");
  covshim(home, ["enable", lib, "--python", py.python]);
  const rec = status(home).installs[0];
  const tHand = [];
  const tCov = [];
  for (let i = 0; i < reps; i++) {
    tHand.push(timeMs(py.python, [script, String(n)], { env: { ...env, PYTHONPATH: hand, COVERAGE_PROCESS_START: join(hand, "rc") } }));
    tCov.push(timeMs(py.python, [script, String(n)], { env: { ...env, PYTHONPATH: lib, COVERAGE_PROCESS_START: rec.rcfile } }));
  }
  // Combine the same files both ways, each round from the same copy of them
  // (combining deletes what it combined), rounds interleaved.
  const pristine = join(dir, "pristine");
  cpSync(rec.dataDir, pristine, { recursive: true });
  const files = spawnSync("bash", ["-c", `ls -A ${pristine} | wc -l`], { encoding: "utf8" }).stdout.trim();
  const fresh = (to) => {
    rmSync(to, { recursive: true, force: true });
    cpSync(pristine, to, { recursive: true });
  };
  const copy = join(dir, "copy");
  const tRaw = [];
  const tReport = [];
  for (let i = 0; i < (quick ? 1 : 5); i++) {
    fresh(rec.dataDir);
    tReport.push(timeMs(process.execPath, [CLI, "report"], { env: { ...env, COVSHIM_HOME: home } }));
    fresh(copy);
    const combine = timeMs(py.python, ["-m", "coverage", "combine", "-q", `--rcfile=${rec.rcfile}`, `--data-file=${copy}/.coverage`, copy], { env, cwd: copy });
    tRaw.push(combine + timeMs(py.python, ["-m", "coverage", "report", `--rcfile=${rec.rcfile}`, `--data-file=${copy}/.coverage`], { env, cwd: copy }));
  }
  covshim(home, ["off", "--purge"]);
  const h = median(tHand);
  const c = median(tCov);
  const raw = median(tRaw);
  const rep = median(tReport);
  return {
    title: "Multi-process workload and combining",
    command: "node bench/run.mjs --only multiproc",
    table: [
      ["measure", "hand procedure / raw coverage, ms", "covshim, ms", "ratio"],
      [`${n} short Python processes, wall time`, fmt(h, 0), fmt(c, 0), fmt(c / h, 3)],
      [`combine + report of ${files} data files (median of ${tRaw.length})`, fmt(raw, 0), fmt(rep, 0), fmt(rep / raw, 3)],
    ],
    target: "workload ≤ 1.05× of the hand procedure; report within 10% of raw coverage",
    met: c / h <= 1.05 && rep / raw <= 1.1,
    notes: ["covshim report = combine + text report, started from Node; raw = `coverage combine` + `coverage report` started directly."],
  };
}

function pyIn(dir) {
  const v = venv(join(dir, "venv"));
  return { python: join(v, "bin", "python") };
}
