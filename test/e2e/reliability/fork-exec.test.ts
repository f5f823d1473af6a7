import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { covshim, run, statusJson, tempDir, venvWithCoverage } from "../../helpers/fixtures.js";
import { dirInstall } from "../../helpers/installs.js";
import { gpdb6 } from "../../helpers/gpdb.js";

/**
 * A process that runs none of the install's code costs nothing and writes
 * nothing: a fork child that only execs (Python 2.7's subprocess forks in
 * Python; gppylib's WorkerPool runs every command so; pexpect forks and
 * execs on 3.x too) starts no coverage, saves no file, scans no source tree.
 * A fork child that runs code of its own still gets its own file. The
 * report equals coverage.py's own (the hand procedure) on the same program.
 */
const FORKS = `import os, sys
here = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [here, os.path.join(here, "..", "vendor")]
import spawn, work
for i in range(10):
    spawn.run(["/bin/true"])  # a fork child that only execs
work.in_parent()
if len(sys.argv) > 1:
    pid = os.fork()
    if pid == 0:
        work.in_child()  # a child that runs code of its own
        os._exit(0)
    os.waitpid(pid, 0)
`;
/** What pexpect or Python 2.7's subprocess does, outside the install's sources: fork, and exec in the child. */
const SPAWN = "import os\n\n\ndef run(argv):\n    pid = os.fork()\n    if pid == 0:\n        os.execv(argv[0], argv)\n    return os.waitpid(pid, 0)[1]\n";
const WORK = "def in_child():\n    x = 'child'\n    return x\n\n\ndef in_parent():\n    y = 'parent'\n    return y\n\n\ndef never():\n    return 0\n";

const dataFiles = (dir: string) => readdirSync(dir).filter((n) => n.startsWith(".coverage."));

/** The hand procedure: coverage.py's own process_startup() from a sitecustomize.py, its own coveragerc. */
function handProcedure(t: string, python: string, source: string, prog: string, env: NodeJS.ProcessEnv, extraRc = ""): Record<string, number[]> {
  const data = join(t, "hand-data");
  const site = join(t, "hand-site");
  rmSync(data, { recursive: true, force: true });
  mkdirSync(data);
  mkdirSync(site, { recursive: true });
  writeFileSync(join(site, "sitecustomize.py"), "import coverage\ncoverage.process_startup()\n");
  const rc = join(t, "hand.rc");
  writeFileSync(rc, `[run]\nparallel = True\ndata_file = ${data}/.coverage\nsource =\n    ${source}\n${extraRc}`);
  const pp = [site, env.PYTHONPATH].filter(Boolean).join(":");
  expect(run(python, [prog], { ...env, PYTHONPATH: pp, COVERAGE_PROCESS_START: rc }).code).toBe(0);
  const out = join(t, "hand.json");
  for (const args of [["combine", "-q"], ["json", "-q", "-o", out]]) {
    const r = run(python, ["-m", "coverage", ...args, `--rcfile=${rc}`], { ...env, PYTHONPATH: env.PYTHONPATH ?? "" }, data);
    expect(r.code, r.stderr).toBe(0);
  }
  return linesOf(out);
}

const linesOf = (json: string): Record<string, number[]> => Object.fromEntries(Object.entries(JSON.parse(readFileSync(json, "utf8")).files as Record<string, { executed_lines: number[] }>).map(([f, v]) => [f, v.executed_lines]));

function covshimLines(home: string, t: string): Record<string, number[]> {
  const out = join(t, "covshim.json");
  const r = covshim(home, ["report", "--json", out]);
  expect(r.code, r.stderr).toBe(0);
  return linesOf(out);
}

describe("fork children that only exec", () => {
  for (const [label, make] of [
    ["coverage 7.x (pip), Python 3.11: a venv", (t: string) => {
      const venv = venvWithCoverage(join(t, "venv"));
      return { install: venv, python: join(venv, "bin", "python"), env: {} as NodeJS.ProcessEnv, args: [] as string[], handRc: "patch =\n    _exit\n    execv\n    fork\n" };
    }],
    ["coverage 6.5 (Debian), Python 3.11: a PYTHONPATH directory", (t: string) => {
      const { path, python } = dirInstall(t);
      return { install: path, python, env: { PYTHONPATH: path } as NodeJS.ProcessEnv, args: ["--python", python], handRc: "" };
    }],
  ] as const) {
    it(`${label}: no data file from the children that only exec, one from the child that ran code; the report is coverage.py's`, () => {
      const t = tempDir();
      const home = join(t, "home");
      const { install, python, env, args, handRc } = make(t);
      const app = join(t, "app");
      mkdirSync(app);
      mkdirSync(join(t, "vendor"));
      writeFileSync(join(t, "vendor", "spawn.py"), SPAWN);
      writeFileSync(join(app, "work.py"), WORK);
      const prog = join(app, "forks.py");
      writeFileSync(prog, FORKS);
      const base = { PATH: process.env.PATH, HOME: process.env.HOME, ...env };
      const en = covshim(home, ["enable", install, ...args, "--source", app]);
      expect(en.code, en.stderr).toBe(0);
      const rec = statusJson(home).installs[0]!;
      expect(run(python, [prog], { ...base, COVERAGE_PROCESS_START: rec.rcfile })).toMatchObject({ code: 0, stderr: "" });
      // The parent's file only: none of the ten children that only exec'd.
      expect(dataFiles(rec.dataDir)).toHaveLength(1);
      const ours = covshimLines(home, t);
      // coverage.py's own on the same program (with 7.10's own patches where it has them).
      const theirs = handProcedure(t, python, app, prog, base, handRc);
      expect(ours).toEqual(theirs);
      // A fork child that runs code of its own gets a file of its own, with its lines.
      expect(covshim(home, ["enable", install, ...args, "--source", app]).code).toBe(0);
      expect(run(python, [prog, "and-a-child"], { ...base, COVERAGE_PROCESS_START: rec.rcfile })).toMatchObject({ code: 0, stderr: "" });
      expect(dataFiles(rec.dataDir)).toHaveLength(2);
      expect(covshimLines(home, t)[join(app, "work.py")]).toEqual([1, 2, 3, 6, 7, 8, 11]);
      expect(covshim(home, ["off"]).code).toBe(0);
    });
  }

  it("GPDB 6 (Python 2.7, coverage 5.5's stand-in): gppylib's WorkerPool running 20 shell commands leaves one data file, the utility's; the report is the hand procedure's", () => {
    const t = tempDir();
    const home = join(t, "home");
    const { gphome, python } = gpdb6(t, "gpdb6", "lib", { gpMgmt: 30 });
    // stdin not a socket (node's pipes are): bash would take itself for sshd's and read ~/.bashrc.
    const gp = (extra: string[]) => {
      const r = spawnSync("env", ["-i", "PATH=/usr/bin:/bin", ...extra, "bash", "-c", `. ${gphome}/greenplum_path.sh; gpfanout 20`], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
      return { code: r.status, stdout: r.stdout, stderr: r.stderr };
    };
    expect(covshim(home, ["enable", gphome, "--scope", "install", "--for", "1h"]).code).toBe(0);
    const rec = statusJson(home).installs[0]!;
    expect(gp([])).toMatchObject({ code: 0, stdout: "", stderr: "" });
    expect(dataFiles(rec.dataDir)).toHaveLength(1);
    const ours = covshimLines(home, t);
    expect(covshim(home, ["off"]).code).toBe(0);
    // The hand procedure: sitecustomize.py in $GPHOME/lib/python, the variable exported.
    const data = join(t, "hand-data");
    mkdirSync(data);
    const rc = join(t, "hand.rc");
    writeFileSync(rc, `[run]\nparallel = True\ndata_file = ${data}/.coverage\nsource =\n${["lib/python", "bin", "sbin"].map((d) => `    ${join(gphome, d)}\n`).join("")}`);
    const site = join(gphome, "lib", "python", "sitecustomize.py");
    writeFileSync(site, "import coverage\ncoverage.process_startup()\n");
    try {
      expect(gp([`COVERAGE_PROCESS_START=${rc}`]).code).toBe(0);
    } finally {
      rmSync(site);
    }
    const out = join(t, "hand.json");
    const env = { PATH: process.env.PATH, PYTHONHOME: join(gphome, "ext", "python"), PYTHONPATH: join(gphome, "lib", "python") };
    // The stand-in has coverage's API, not its command line.
    const combined = run(python, ["-c", "import sys, coverage\ncov = coverage.Coverage(config_file=sys.argv[1])\ncov.combine(strict=True)\ncov.json_report(outfile=sys.argv[2], ignore_errors=True)", rc, out], env, data);
    expect(combined.code, combined.stderr).toBe(0);
    // The hand procedure's own sitecustomize.py is no part of the install.
    const theirs = Object.fromEntries(Object.entries(linesOf(out)).filter(([f]) => f !== site));
    expect(Object.keys(ours).length).toBeGreaterThan(30);
    expect(ours).toEqual(theirs);
  });
});

describe("the measured program's tracebacks are its own", () => {
  const PROG = "import os\nos.execv('/nonexistent/program', ['program'])\n";
  for (const [label, make] of [
    ["coverage 7.x, Python 3.11", (t: string) => {
      const venv = venvWithCoverage(join(t, "venv"));
      return { install: venv, python: join(venv, "bin", "python"), env: {} as NodeJS.ProcessEnv, args: [] as string[] };
    }],
    ["coverage 6.5 (Debian), Python 3.11", (t: string) => {
      const { path, python } = dirInstall(t);
      return { install: path, python, env: { PYTHONPATH: path } as NodeJS.ProcessEnv, args: ["--python", python] };
    }],
    // GPDB 6: Python 2 re-raises with the frame of any function it passed through.
    ["coverage 5.5's stand-in, Python 2.7 (GPDB 6)", (t: string) => {
      const { gphome, python } = gpdb6(t, "gpdb6", "lib", { gpMgmt: 5 });
      return { install: gphome, python, env: { PYTHONHOME: join(gphome, "ext", "python"), PYTHONPATH: join(gphome, "lib", "python") } as NodeJS.ProcessEnv, args: [] as string[] };
    }],
  ] as const) {
    it(`${label}: a failed exec's traceback is byte-identical measured and unmeasured`, () => {
      const t = tempDir();
      const home = join(t, "home");
      const { install, python, env, args } = make(t);
      const prog = join(t, "execs.py");
      writeFileSync(prog, PROG);
      expect(covshim(home, ["enable", install, ...args, "--source", t]).code).toBe(0);
      const rec = statusJson(home).installs[0]!;
      const base = { PATH: process.env.PATH, ...env };
      const plain = run(python, [prog], base);
      expect(plain.code).toBe(1);
      expect(plain.stderr).toMatch(/(FileNotFoundError|OSError): \[Errno 2\]/);
      const measured = run(python, [prog], { ...base, COVERAGE_PROCESS_START: rec.rcfile });
      expect(measured).toEqual(plain);
      expect(dataFiles(rec.dataDir).length).toBeGreaterThan(0);
      expect(covshim(home, ["off"]).code).toBe(0);
    });
  }
});
