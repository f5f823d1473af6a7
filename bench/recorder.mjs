// Figure: covshim's recorder (Python 3.12) against no measurement, the hand
// procedure and coverage.py's sysmon core through covshim, side by side on
// one suite of short processes (test/fixtures/suite: subprocess, os.system,
// exec), an empty program and the tight loop.
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, covshim, fmt, median, status, timeMs, tmp, venv } from "./lib.mjs";

const SUITE = join(ROOT, "test", "fixtures", "suite", "run.py");
const LOOP = (n) => `
class _Example:
    def add_numbers(self, a, b):
        return a + b

e = _Example()
for _ in range(${n}):
    e.add_numbers(1, 6)
`;

export async function run({ quick }) {
  const n = quick ? 12 : 300;
  const rounds = quick ? 1 : 3;
  const emptyRuns = quick ? 3 : 40;
  const iters = quick ? 20_000 : 10_000_000;
  const dir = tmp();
  const v = venv(join(dir, "venv"), "3.12.1");
  const py = join(v, "bin", "python");
  const base = { ...process.env };
  for (const k of ["COVERAGE_PROCESS_START", "PYTHONPATH", "COVSHIM_DISABLE"]) delete base[k];

  // The hand procedure (GPDB's README.coverage.md): sitecustomize.py starts
  // coverage.py in every process; its coveragerc asks for the sysmon core.
  const hand = join(dir, "hand");
  mkdirSync(join(hand, "data"), { recursive: true });
  writeFileSync(join(hand, "sitecustomize.py"), "import coverage\ncoverage.process_startup()\n");
  writeFileSync(join(hand, "rc"), `[run]\nparallel = True\ncore = sysmon\ndata_file = ${hand}/data/.coverage\n`);

  const recHome = join(dir, "home-recorder");
  covshim(recHome, ["enable", v]);
  const rec = status(recHome).installs[0];
  // coverage.py's own collector, through covshim, on a second copy of the venv.
  const v2 = venv(join(dir, "venv-sysmon"), "3.12.1");
  const sysHome = join(dir, "home-sysmon");
  covshim(sysHome, ["enable", v2, "--core", "sysmon"]);
  const sys = status(sysHome).installs[0];
  const py2 = join(v2, "bin", "python");

  const variants = [
    { name: "unmeasured", py, env: base },
    { name: "covshim's recorder", py, env: { ...base, COVERAGE_PROCESS_START: rec.rcfile }, data: rec.dataDir },
    { name: "hand procedure (coverage.py, core sysmon, from sitecustomize.py)", py, env: { ...base, PYTHONPATH: hand, COVERAGE_PROCESS_START: join(hand, "rc") }, data: join(hand, "data") },
    { name: "coverage.py's sysmon core through covshim", py: py2, env: { ...base, COVERAGE_PROCESS_START: sys.rcfile }, data: sys.dataDir },
  ];
  const clear = (d) => {
    if (!d) return;
    rmSync(d, { recursive: true, force: true });
    mkdirSync(d, { recursive: true, mode: 0o700 });
  };
  // Interleaved rounds: every variant sees the same machine.
  const suite = variants.map(() => []);
  for (let r = 0; r < rounds; r++) {
    variants.forEach((x, i) => {
      clear(x.data);
      suite[i].push(timeMs(x.py, [SUITE, String(n), "4"], { env: x.env, cwd: dir }));
    });
  }
  const emptyPy = join(dir, "empty.py");
  writeFileSync(emptyPy, LOOP(0));
  const loopPy = join(dir, "loop.py");
  writeFileSync(loopPy, LOOP(iters));
  const empty = [[], []];
  clear(rec.dataDir);
  for (let r = 0; r < emptyRuns; r++) {
    empty[0].push(timeMs(py, [emptyPy], { env: variants[0].env }));
    empty[1].push(timeMs(py, [emptyPy], { env: variants[1].env }));
  }
  const loop = [[], []];
  for (let r = 0; r < (quick ? 1 : 5); r++) {
    clear(rec.dataDir);
    loop[0].push(timeMs(py, [loopPy], { env: variants[0].env }));
    loop[1].push(timeMs(py, [loopPy], { env: variants[1].env }));
  }
  // Instructions, which a busy or throttled machine does not change
  // (valgrind's callgrind): the same empty program, and a million calls.
  const instr = (file, env) => {
    const r = spawnSync("valgrind", ["--tool=callgrind", "--callgrind-out-file=/dev/null", py, file], { env, encoding: "utf8" });
    const m = /Collected : (\d+)/.exec(r.stderr ?? "");
    if (!m) throw new Error(`valgrind failed (bash scripts/test-setup.sh installs it): ${r.stderr}`);
    return Number(m[1]);
  };
  const loop1 = join(dir, "loop1.py");
  writeFileSync(loop1, LOOP(quick ? 20_000 : 1_000_000));
  clear(rec.dataDir);
  const ins = { plainEmpty: instr(emptyPy, variants[0].env), recEmpty: instr(emptyPy, variants[1].env), plainLoop: instr(loop1, variants[0].env), recLoop: instr(loop1, variants[1].env) };
  const insLoop = (ins.recLoop - ins.recEmpty) / (ins.plainLoop - ins.plainEmpty);
  covshim(recHome, ["off", "--purge"]);
  covshim(sysHome, ["off", "--purge"]);

  const s = suite.map(median);
  const fixed = median(empty[1]) - median(empty[0]);
  const loopRatio = median(loop[1]) / median(loop[0]);
  const table = [
    ["measure", ...variants.map((x) => x.name)],
    [`${n} short processes, wall ms (median of ${rounds})`, ...s.map((x) => fmt(x, 0))],
    ["ratio to unmeasured", ...s.map((x) => fmt(x / s[0], 3))],
  ];
  const met = s[1] / s[0] <= 1.15 && fixed <= 5 && loopRatio <= 1.05 && insLoop <= 1.05;
  return {
    title: "covshim's recorder: short processes, an empty program, the tight loop (Python 3.12)",
    command: "node bench/run.mjs --only recorder",
    table,
    target: "the recorder ≤ 1.15× unmeasured on the suite; a measured empty program ≤ 5 ms over unmeasured; the tight loop ≤ 1.05×",
    met,
    notes: [
      `Instructions (valgrind's callgrind, the same on a busy machine): the empty program ${(ins.plainEmpty / 1e6).toFixed(1)} M unmeasured, ${(ins.recEmpty / 1e6).toFixed(1)} M with the recorder (+${(((ins.recEmpty - ins.plainEmpty) / ins.plainEmpty) * 100).toFixed(1)} % of an interpreter's start); the loop of ${quick ? "20,000" : "1,000,000"} calls without the start: **${fmt(insLoop, 3)}×**.`,
      `Empty program (median of ${emptyRuns}, interleaved): unmeasured ${fmt(median(empty[0]))} ms, covshim's recorder ${fmt(median(empty[1]))} ms: **${fmt(fixed)} ms** fixed cost. Tight loop (${iters.toLocaleString("en")} calls, median of ${quick ? 1 : 5}, interleaved): unmeasured ${fmt(median(loop[0]), 0)} ms, recorder ${fmt(median(loop[1]), 0)} ms: **${fmt(loopRatio, 3)}×**.`,
      "The suite is test/fixtures/suite (each process imports a small package and runs one of its functions; a third through os.system, a third through an exec), 4 at a time. coverage.py here is its pure-Python package (the offline index has the C extension for 3.11 only); the sysmon core does not use the C tracer, so only its import and start are Python either way.",
    ],
  };
}
