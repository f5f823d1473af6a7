import { mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { covshim, run, statusJson, tempDir, venvPurePython, venvWithCoverage } from "../helpers/fixtures.js";
import { CACHE, PY312, PY313, ROOT, debianCoveragePython } from "../helpers/tools.js";
import { gpdb6, gpdb6Env } from "../helpers/gpdb.js";

/**
 * Every way real code starts processes (test/fixtures/idioms), measured on
 * each coverage line covshim supports here. COVSHIM_LONG=1 runs each cell 20
 * times (the figure in docs/reliability.md); the suite runs it twice.
 */
const LONG = process.env.COVSHIM_LONG === "1";
const RUNS = LONG ? 20 : 1;
const APP = join(ROOT, "test", "fixtures", "idioms");
/** The idioms Python 2.7 has (GPDB 6). */
const APP27 = join(ROOT, "test", "fixtures", "idioms27");

/** `# MARK name` lines: each is run by exactly one kind of process. */
function marks(app: string): Map<string, [string, number]> {
  const out = new Map<string, [string, number]>();
  for (const f of readdirSync(app).filter((n) => n.endsWith(".py"))) {
    readFileSync(join(app, f), "utf8").split("\n").forEach((l, i) => {
      const m = /# MARK ([a-z][-a-z.]*)\s*$/.exec(l);
      if (m) out.set(m[1]!, [join(app, f), i + 1]);
    });
  }
  return out;
}

/**
 * Before coverage 7.10 (no `patch = _exit, execv, fork`) the shim does what
 * those patches do: a bare os.fork() child and the lines before an exec are
 * measured there too (docs/reliability.md). Nothing is left out.
 */
const LIMITS_BEFORE_7_10: string[] = [];

type Cell = { name: string; setup: (t: string, home: string) => { python: string; env: NodeJS.ProcessEnv }; limits: string[]; app?: string };

const debianDir = (scope: string): Cell["setup"] => (t, home) => {
  const python = debianCoveragePython();
  const lib = join(t, "lib");
  mkdirSync(lib);
  const en = covshim(home, ["enable", lib, "--python", python, "--scope", scope, ...(scope === "install" ? ["--for", "1h"] : [])]);
  expect(en.code, en.stderr).toBe(0);
  const rec = statusJson(home).installs[0]!;
  return { python, env: { PYTHONPATH: lib, ...(scope === "shell" ? { COVERAGE_PROCESS_START: rec.rcfile } : {}) } };
};

const CELLS: Cell[] = [
  {
    // GPDB 6: Python 2.7 through greenplum_path.sh, coverage 5.5 (the stand-in: test/fixtures/coverage55).
    name: "coverage 5.5 (stand-in), GPDB 6 layout (Python 2.7), install scope",
    app: APP27,
    setup: (t, home) => {
      const { gphome, python } = gpdb6(t, "gpdb6", "lib");
      const en = covshim(home, ["enable", gphome, "--scope", "install", "--for", "1h", "--source", APP27]);
      expect(en.code, en.stderr).toBe(0);
      return { python, env: { ...gpdb6Env(gphome) } };
    },
    limits: [],
  },
  { name: "coverage 6.5 (Debian), dir, shell scope", setup: debianDir("shell"), limits: LIMITS_BEFORE_7_10 },
  { name: "coverage 6.5 (Debian), dir, install scope", setup: debianDir("install"), limits: LIMITS_BEFORE_7_10 },
  {
    name: "coverage 7.x (pip), venv, .pth shim",
    setup: (t, home) => {
      const venv = venvWithCoverage(join(t, "venv"));
      expect(covshim(home, ["enable", venv]).code).toBe(0);
      return { python: join(venv, "bin", "python"), env: { COVERAGE_PROCESS_START: statusJson(home).installs[0]!.rcfile } };
    },
    limits: [],
  },
  {
    // docs/recorder.md: nothing to save, nothing patched, nothing lost.
    name: "covshim's recorder, Python 3.12 venv (.pth shim)",
    setup: (t, home) => {
      const venv = venvPurePython(join(t, "venv"), PY312);
      const en = covshim(home, ["enable", venv]);
      expect(en.stderr).toContain("recorder: covshim's own");
      return { python: join(venv, "bin", "python"), env: { COVERAGE_PROCESS_START: statusJson(home).installs[0]!.rcfile } };
    },
    limits: [],
  },
  {
    name: "covshim's recorder, Python 3.13 dir (sitecustomize block), install scope",
    setup: (t, home) => {
      // coverage in the interpreter for the reports; the measured processes never import it.
      const python = join(venvPurePython(join(t, "venv"), PY313), "bin", "python");
      const lib = join(t, "lib");
      mkdirSync(lib);
      const en = covshim(home, ["enable", lib, "--python", python, "--scope", "install", "--for", "1h"]);
      expect(en.stderr, en.stderr).toContain("recorder: covshim's own");
      return { python, env: { PYTHONPATH: lib } };
    },
    limits: [],
  },
  {
    name: "coverage 7.x (pip), dir",
    setup: (t, home) => {
      const python = join(CACHE, "cov-venv-311", "bin", "python");
      const lib = join(t, "lib");
      mkdirSync(lib);
      expect(covshim(home, ["enable", lib, "--python", python]).code).toBe(0);
      return { python, env: { PYTHONPATH: lib, COVERAGE_PROCESS_START: statusJson(home).installs[0]!.rcfile } };
    },
    limits: [],
  },
];

describe(`every process idiom, ${RUNS} runs per coverage line (COVSHIM_LONG=1: 20)`, () => {
  for (const cell of CELLS) {
    const app = cell.app ?? APP;
    const all = marks(app);
    it(cell.name, { timeout: RUNS * 60_000 }, () => {
      const t = tempDir();
      const home = join(t, "home");
      const { python, env } = cell.setup(t, home);
      const rec = statusJson(home).installs[0]!;
      const base: NodeJS.ProcessEnv = { ...process.env, ...env };
      delete base.PYTHONDONTWRITEBYTECODE;
      if (!env.COVERAGE_PROCESS_START) delete base.COVERAGE_PROCESS_START;
      // Unmeasured: without the variable too. coverage 7.13+'s own
      // a1_coverage.pth would otherwise measure this run without covshim, and
      // its SIGTERMed workers leave half-written files for run 1's report.
      const plain: NodeJS.ProcessEnv = { ...base, COVSHIM_DISABLE: "1" };
      delete plain.COVERAGE_PROCESS_START;
      const unmeasured = run(python, [join(app, "idioms.py")], plain, t);
      expect(unmeasured).toMatchObject({ code: 0, stdout: "idioms: done\n", stderr: "" });
      for (let i = 1; i <= RUNS; i++) {
        const r = run(python, [join(app, "idioms.py")], base, t);
        // The program's output is the program's: byte for byte as unmeasured.
        expect({ code: r.code, stdout: r.stdout, stderr: r.stderr }, `run ${i}`).toEqual({ code: 0, stdout: unmeasured.stdout, stderr: unmeasured.stderr });
        const out = join(t, `r${i}.json`);
        const rep = covshim(home, ["report", "--json", out]);
        expect(rep.code, `run ${i}: ${rep.stderr}`).toBe(0);
        // Every process saved whole: no unreadable data file, no warning.
        expect(rep.stderr, `run ${i}`).not.toMatch(/unreadable|warn/);
        const files = JSON.parse(readFileSync(out, "utf8")).files as Record<string, { executed_lines: number[] }>;
        const missed = [...all].filter(([, [f, line]]) => !files[f]?.executed_lines.includes(line)).map(([n]) => n);
        expect(missed.sort(), `run ${i}: processes whose code was not measured`).toEqual([...cell.limits].sort());
        rmSync(join(rec.dataDir, ".coverage"), { force: true });
      }
      expect(covshim(home, ["off"]).code).toBe(0);
    });
  }
});
