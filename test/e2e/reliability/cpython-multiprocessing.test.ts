import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { covshim, statusJson, tempDir, venvPurePython, venvWithCoverage } from "../../helpers/fixtures.js";
import { PY312 } from "../../helpers/tools.js";

/**
 * CPython's own multiprocessing tests (the `test` package of pyenv's
 * Pythons) run unmeasured and measured by covshim: the same tests pass, fail
 * and are skipped, and none hangs. Measured as the issue that found the
 * forkserver hang measured them: --source naming the test module and the
 * standard library's multiprocessing, so that coverage traces
 * multiprocessing itself. COVSHIM_LONG=1 runs the whole suites
 * (docs/reliability.md has the figures).
 */
const LONG = process.env.COVSHIM_LONG === "1";
/**
 * What the suite runs of each start method: the Pool class everywhere (the
 * forkserver hang was there; the Process class alone takes 40-90 s under
 * forkserver and spawn, and runs in the long run). MiscTestCase
 * under spawn: a fresh interpreter must start without multiprocessing
 * imported (coverage.py's own import brought it; starter.py keeps it out).
 * COVSHIM_LONG=1: everything.
 */
const CLASSES: Record<string, string[]> = LONG
  ? { fork: [], forkserver: [], spawn: [] }
  : { fork: ["WithProcessesTestPool"], forkserver: ["WithProcessesTestPool"], spawn: ["WithProcessesTestPool", "MiscTestCase"] };
/** A class's whole run, measured, may take this long before it counts as hung. */
const LIMIT_S = LONG ? 1800 : 240;

/** `python -m unittest -v` output: test -> outcome. */
function outcomes(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/^(test\w*) \(([\w.]+)\)\s*(?:\n.*?)?\.\.\. (ok|FAIL|ERROR|expected failure|unexpected success|skipped.*)$/gm)) {
    out[`${m[2]}.${m[1]}`] = m[3]!.startsWith("skipped") ? "skipped" : m[3]!;
  }
  return out;
}

interface Outcome {
  code: number;
  results: Record<string, string>;
  tail: string;
  seconds: number;
}

/** One start method's tests; they mostly wait (on processes, on timeouts), so the methods run side by side. */
function unittest(python: string, dir: string, method: string, env: NodeJS.ProcessEnv): Promise<Outcome> {
  const mod = `mp_${method}`;
  writeFileSync(join(dir, `${mod}.py`), `import test._test_multiprocessing\ntest._test_multiprocessing.install_tests_in_module_dict(globals(), ${JSON.stringify(method)})\n`);
  const names = CLASSES[method]!.length ? CLASSES[method]!.map((c) => `${mod}.${c}`) : [mod];
  return new Promise((resolve, reject) => {
    // timeout's own process group: a hung run is ended with every process it started.
    const started = Date.now();
    const p = spawn("timeout", ["-k", "5", String(LIMIT_S), python, "-m", "unittest", "-v", ...names], { env, cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    p.stderr.on("data", (b: Buffer) => (err += b.toString()));
    p.on("error", reject);
    p.on("close", (code) => resolve({ code: code ?? -1, results: outcomes(err), tail: err.trim().split("\n").slice(-3).join("\n"), seconds: (Date.now() - started) / 1000 }));
  });
}

const plain = (): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of ["COVERAGE_PROCESS_START", "PYTHONPATH", "COVSHIM_DISABLE"]) delete env[k];
  return env;
};

const CELLS = [
  { name: "Python 3.11, coverage 7.x's C tracer (coverage.py's collector)", venv: (d: string) => venvWithCoverage(d) },
  { name: "Python 3.12, covshim's recorder", venv: (d: string) => venvPurePython(d, PY312) },
];

const METHODS = ["fork", "forkserver", "spawn"];

for (const cell of CELLS) {
  it(`CPython's multiprocessing tests (${LONG ? "the whole suite" : "the Pool class, and MiscTestCase under spawn"}) under fork, forkserver and spawn, measured and not: ${cell.name}`, { timeout: (LIMIT_S * 2 + 120) * 1000 }, async () => {
    const t = tempDir();
    const home = join(t, "home");
    const venv = cell.venv(join(t, "venv"));
    const python = join(venv, "bin", "python");
    const en = covshim(home, ["enable", venv, "--source", "test._test_multiprocessing,multiprocessing"]);
    expect(en.code, en.stderr).toBe(0);
    const rec = statusJson(home).installs[0]!;
    // Side by side in the suite; one at a time for the long run's figures.
    const each = async (env: NodeJS.ProcessEnv) => {
      if (!LONG) return Promise.all(METHODS.map((m) => unittest(python, t, m, env)));
      const out: Outcome[] = [];
      for (const m of METHODS) out.push(await unittest(python, t, m, env));
      return out;
    };
    // The suite runs unmeasured and measured side by side too (the tests mostly
    // wait); the long run one after the other, for its figures.
    const [unmeasured, measured] = LONG
      ? [await each(plain()), await each({ ...plain(), COVERAGE_PROCESS_START: rec.rcfile })]
      : await Promise.all([each(plain()), each({ ...plain(), COVERAGE_PROCESS_START: rec.rcfile })]);
    if (LONG) {
      // The figures of docs/reliability.md: unmeasured, the hand procedure
      // (GPDB's README: sitecustomize.py with process_startup(), coverage's
      // own settings), covshim; one start method at a time.
      const hand = join(t, "hand");
      writeFileSync(join(t, "hand.rc"), `[run]\nparallel = True\ndata_file = ${hand}/.coverage\nsource =\n    test._test_multiprocessing\n    multiprocessing\n`);
      const { mkdirSync } = await import("node:fs");
      mkdirSync(hand);
      writeFileSync(join(hand, "sitecustomize.py"), "import coverage\ncoverage.process_startup()\n");
      const handEnv = { ...plain(), PYTHONPATH: hand, COVERAGE_PROCESS_START: join(t, "hand.rc") };
      for (const [i, m] of METHODS.entries()) {
        const h = await unittest(python, t, m, handEnv);
        const row = (o: Outcome) => `${o.seconds.toFixed(0)} s, ${Object.values(o.results).filter((x) => x === "ok").length} passed of ${Object.keys(o.results).length}${o.code ? ` (exit ${o.code})` : ""}`;
        console.log(`FIGURES ${cell.name} | ${m} | unmeasured ${row(unmeasured[i]!)} | hand procedure ${row(h)} | covshim ${row(measured[i]!)}`);
      }
    }
    METHODS.forEach((m, i) => {
      expect(unmeasured[i]!.code, `${m} unmeasured: ${unmeasured[i]!.tail}`).toBe(0);
      expect(Object.keys(unmeasured[i]!.results).length, m).toBeGreaterThan(15);
      expect({ method: m, code: measured[i]!.code, results: measured[i]!.results }, measured[i]!.tail).toEqual({ method: m, code: 0, results: unmeasured[i]!.results });
    });
    // And it was measured: multiprocessing's own lines, from the workers too.
    const r = covshim(home, ["report"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/multiprocessing\/pool\.py\s+\d+\s+\d+\s+\d+%/);
    expect(covshim(home, ["off", "--purge"]).code).toBe(0);
  });
}
