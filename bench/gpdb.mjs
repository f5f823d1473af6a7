// Figure: GPDB-shaped workloads (test/helpers/base.mjs gpMgmtTree: a gppylib
// of 300 modules, GPDB's utilities and their mechanics), each variant side by
// side in one run, rounds interleaved; CPU time (user + system of everything
// the workload started) beside wall time, since this machine is shared.
//
// 1. GPDB 6's Popen pattern: Python 2.7, coverage 5.5 (the stand-in, which
//    saves as 5.5 does: docs/reliability.md), `gpfanout 50`: gppylib loaded,
//    then 50 shell commands from a WorkerPool's threads, each a fork child
//    that only execs. Unmeasured, the hand procedure, covshim (install scope).
// 2. A package of gppylib's size on Python 3.12 and 3.13 with covshim's
//    recorder: 20 processes that each import the 300 modules and run a
//    function of each (about 16,000 lines, each run once per process); and
//    the floor of any recorder on sys.monitoring: callbacks that record
//    nothing, in Python and with the LINE callback in C.
// 3. 300 short processes on 3.12 whose entry point starts coverage.py itself
//    when COVERAGE_PROCESS_START is set, as behave's bin/behave does:
//    unmeasured, covshim's recorder (the variable the hook exports), and the
//    hand procedure (COVERAGE_PROCESS_START, coverage.py in every process).
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gpdb6, gpdb7 } from "../test/helpers/base.mjs";
import { ROOT, covshim, fmt, median, status, timeCpu, tmp } from "./lib.mjs";

/** Python run before the workload: sys.monitoring's events as covshim's recorder asks for them, callbacks that only return DISABLE. */
const FLOOR = (root) =>
  [
    'import sys; mon = sys.monitoring; mon.use_tool_id(4, "floor"); E = mon.events; D = mon.DISABLE',
    `mon.register_callback(4, E.PY_START, lambda c, o: (c.co_filename.startswith(${JSON.stringify(root)}) and mon.set_local_events(4, c, E.LINE)) or D)`,
    "mon.register_callback(4, E.LINE, lambda c, l: D)",
    "mon.set_events(4, E.PY_START)",
    "",
  ].join("; ");

/**
 * The same floor with its LINE callback in C (bench/cfloor.c, built here for
 * the Python timed): what CPython's instrumentation costs whatever the
 * callback is written in.
 */
function cFloor(python, dir, root) {
  mkdirSync(dir, { recursive: true });
  const [include, suffix] = execFileSync(python, ["-c", 'import sysconfig; print(sysconfig.get_paths()["include"]); print(sysconfig.get_config_var("EXT_SUFFIX"))'], { encoding: "utf8" }).trim().split("\n");
  try {
    execFileSync("gcc", ["-O2", "-shared", "-fPIC", `-I${include}`, join(ROOT, "bench", "cfloor.c"), "-o", join(dir, `cfloor${suffix}`)]);
  } catch (e) {
    throw new Error(`building bench/cfloor.c for ${python} failed (${e.message.split("\n")[0]}): run 'bash scripts/test-setup.sh'`);
  }
  const code = FLOOR(root)
    .replace("D = mon.DISABLE", `D = mon.DISABLE; sys.path.insert(0, ${JSON.stringify(dir)}); import cfloor; del sys.path[0]; cfloor.set_disable(D)`)
    .replace("lambda c, l: D", "cfloor.line");
  if (!code.includes("import cfloor") || !code.includes("E.LINE, cfloor.line")) throw new Error("bench/gpdb.mjs: FLOOR changed; cFloor no longer puts the C callback in");
  return code;
}

const clean = (extra = {}) => {
  const env = { PATH: "/usr/bin:/bin", HOME: process.env.HOME ?? "/root", ...extra };
  return env;
};

/** Rounds of every variant, interleaved; medians of wall and CPU ms. */
function sideBySide(variants, rounds, each) {
  const got = variants.map(() => ({ wall: [], cpu: [] }));
  for (let r = 0; r < rounds; r++) {
    variants.forEach((v, i) => {
      v.before?.();
      const t = each(v);
      got[i].wall.push(t.wall);
      got[i].cpu.push(t.cpu);
    });
  }
  return got.map((g) => ({ wall: median(g.wall), cpu: median(g.cpu) }));
}

const ratioRows = (variants, res, base) => [
  ["variant", "wall ms", "CPU ms", "wall ratio", "CPU ratio"],
  ...variants.map((v, i) => [v.name, fmt(res[i].wall, 0), fmt(res[i].cpu, 0), fmt(res[i].wall / res[base].wall, 3), fmt(res[i].cpu / res[base].cpu, 3)]),
];

export async function run({ quick }) {
  const rounds = quick ? 1 : 5;
  const dir = tmp();
  const tables = [];
  let met = true;

  // 1. GPDB 6's Popen pattern.
  {
    const commands = quick ? 5 : 50;
    const { gphome } = gpdb6(dir, "gpdb6", "lib", { gpMgmt: quick ? 20 : 300 });
    const lib = join(gphome, "lib", "python");
    const hand = join(dir, "hand6");
    mkdirSync(hand);
    const handRc = join(dir, "hand6.rc");
    writeFileSync(handRc, `[run]\nparallel = True\ndata_file = ${hand}/.coverage\nsource =\n${["lib/python", "bin", "sbin"].map((d) => `    ${join(gphome, d)}\n`).join("")}`);
    const home = join(dir, "home6");
    // Several runs a timing: one run is a few hundred ms, and time(1) counts CPU in 10 ms steps.
    const runs = quick ? 1 : 5;
    const cmd = (extra) => timeCpu("bash", ["-c", `. ${gphome}/greenplum_path.sh; for i in $(seq ${runs}); do gpfanout ${commands} || exit 1; done`], { env: clean(extra) });
    const site = join(lib, "sitecustomize.py");
    const variants = [
      { name: "unmeasured", run: () => cmd({}) },
      {
        name: "hand procedure (sitecustomize.py, COVERAGE_PROCESS_START)",
        before: () => {
          rmSync(hand, { recursive: true, force: true });
          mkdirSync(hand);
          writeFileSync(site, "import coverage\ncoverage.process_startup()\n");
        },
        run: () => {
          try {
            return cmd({ COVERAGE_PROCESS_START: handRc });
          } finally {
            // Python 2 left its .pyc beside it, which it would import
            // without the .py: the next unmeasured round would then import
            // coverage (it did, and came out dearer than covshim's round).
            rmSync(site, { force: true });
            rmSync(`${site}c`, { force: true });
          }
        },
      },
      {
        name: "covshim (install scope)",
        before: () => covshim(home, ["enable", gphome, "--scope", "install", "--for", "1h"]),
        run: () => {
          try {
            return cmd({});
          } finally {
            covshim(home, ["off", "--purge"]);
          }
        },
      },
    ];
    const res = sideBySide(variants, rounds, (v) => v.run());
    const r = res[2].cpu / res[1].cpu;
    met &&= r <= 1.2;
    tables.push([`**GPDB 6's Popen pattern** (Python 2.7, coverage 5.5's stand-in; \`gpfanout ${commands}\` after loading gppylib, ${runs} times a timing; median of ${rounds}): covshim **${fmt(r, 3)}×** the hand procedure's CPU time (target ≤ 1.2×), ${fmt(res[2].wall / res[1].wall, 3)}× its wall time.`, ratioRows(variants, res, 0)]);
  }

  // 2. A package of gppylib's size with the recorder, on 3.12 and 3.13.
  for (const version of ["3.12.1", "3.13.0"]) {
    const procs = quick ? 2 : 20;
    const { gphome, python } = gpdb7(dir, `gpdb7-${version}`, { version, gpMgmt: quick ? 20 : 300 });
    const home = join(dir, `home-${version}`);
    covshim(home, ["enable", gphome], { PATH: `${gphome}/bin:${process.env.PATH}` });
    const rec = status(home).installs[0];
    const work = 'from gppylib import gpcatalog; [m.run("h") for m in gpcatalog.load_all()]';
    const load = (prefix = "") => `for i in $(seq ${procs}); do ${python} -c '${prefix}${work}'; done`;
    const env = (extra) => clean({ PYTHONPATH: join(gphome, "lib", "python"), ...extra });
    const variants = [
      { name: "unmeasured", env: env({}), cmd: load() },
      { name: "covshim's recorder", env: env({ COVSHIM_START: rec.rcfile }), cmd: load(), before: () => rmSync(join(rec.dataDir), { recursive: true, force: true }) || mkdirSync(rec.dataDir, { recursive: true, mode: 0o700 }) },
      // What any recorder on sys.monitoring with Python callbacks pays before
      // recording anything: the same events, callbacks that only return DISABLE.
      { name: "sys.monitoring's floor (PY_START and LINE callbacks that record nothing)", env: env({}), cmd: load(FLOOR(join(gphome, "lib", "python"))) },
      { name: "the same floor, its LINE callback in C", env: env({}), cmd: load(cFloor(python, join(dir, `cfloor-${version}`), join(gphome, "lib", "python"))) },
    ];
    const res = sideBySide(variants, rounds, (v) => timeCpu("bash", ["-c", v.cmd], { env: v.env }));
    covshim(home, ["off", "--purge"]);
    const r = res[1].cpu / res[0].cpu;
    met &&= r <= 1.1;
    tables.push([`**A package of gppylib's size, Python ${version}** (${procs} processes, each imports ${quick ? 20 : 300} modules and runs a function of each; median of ${rounds}): covshim's recorder **${fmt(r, 3)}×** unmeasured CPU time (target ≤ 1.10×), ${fmt(res[1].wall / res[0].wall, 3)}× wall; sys.monitoring's floor ${fmt(res[2].cpu / res[0].cpu, 3)}× (${fmt(res[3].cpu / res[0].cpu, 3)}× with its LINE callback in C).`, ratioRows(variants, res, 0)]);
  }

  // 3. Short processes whose entry point starts coverage.py itself (behave's bin/behave).
  {
    const n = quick ? 10 : 300;
    const { gphome, python } = gpdb7(dir, "gpdb7-behave", { version: "3.12.1", gpMgmt: 5 });
    const app = join(dir, "behave-app");
    mkdirSync(app);
    writeFileSync(join(app, "steps.py"), "def given(n):\n    total = 0\n    for i in range(n):\n        total += i\n    return total\n\n\ndef then(x):\n    return x * 2\n");
    writeFileSync(join(app, "entry.py"), "import os, sys\nsys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))\nif 'COVERAGE_PROCESS_START' in os.environ:\n    import coverage\n    coverage.process_startup()\nimport steps\nsteps.then(steps.given(10))\n");
    const home = join(dir, "home-behave");
    covshim(home, ["enable", gphome, "--source", app], { PATH: `${gphome}/bin:${process.env.PATH}` });
    const rec = status(home).installs[0];
    const hand = join(dir, "hand-behave");
    const handRc = join(dir, "hand-behave.rc");
    writeFileSync(handRc, `[run]\nparallel = True\ndata_file = ${hand}/.coverage\nsource =\n    ${app}\n`);
    const loop = `for i in $(seq ${n}); do ${python} ${join(app, "entry.py")}; done`;
    const env = (extra) => clean({ PYTHONPATH: join(gphome, "lib", "python"), ...extra });
    const fresh = (d) => () => {
      rmSync(d, { recursive: true, force: true });
      mkdirSync(d, { recursive: true, mode: 0o700 });
    };
    const variants = [
      { name: "unmeasured", env: env({}) },
      { name: "covshim's recorder (COVSHIM_START, as the hook exports it)", env: env({ COVSHIM_START: rec.rcfile }), before: fresh(rec.dataDir) },
      { name: "hand procedure (COVERAGE_PROCESS_START: the entry point starts coverage.py)", env: env({ COVERAGE_PROCESS_START: handRc }), before: fresh(hand) },
    ];
    const res = sideBySide(variants, rounds, (v) => timeCpu("bash", ["-c", loop], { env: v.env }));
    covshim(home, ["off", "--purge"]);
    const r = res[1].cpu / res[0].cpu;
    met &&= r <= 1.1;
    tables.push([`**${n} short processes whose entry point starts coverage.py itself when COVERAGE_PROCESS_START is set** (as behave's bin/behave; Python 3.12; median of ${rounds}): covshim's recorder **${fmt(r, 3)}×** unmeasured CPU time (target ≤ 1.10×), ${fmt(res[1].wall / res[0].wall, 3)}× wall; the hand procedure ${fmt(res[2].cpu / res[0].cpu, 3)}×.`, ratioRows(variants, res, 0)]);
  }

  const [first, ...rest] = tables;
  return {
    title: "GPDB-shaped workloads: GPDB 6's Popen pattern, a package of gppylib's size, behave's entry point",
    command: "node bench/run.mjs --only gpdb",
    table: first[1],
    target: "GPDB 6's Popen pattern ≤ 1.2× the hand procedure; the recorder ≤ 1.10× unmeasured CPU time on a package of gppylib's size (3.12, 3.13) and on 300 short processes whose entry point starts coverage.py itself",
    met,
    notes: [first[0], ...rest.flatMap(([text, rows]) => [text, [rows[0], rows[0].map(() => "---"), ...rows.slice(1)].map((r) => `| ${r.join(" | ")} |`).join("\n")])],
  };
}
