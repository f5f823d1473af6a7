import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { covshim, run, statusJson, tempDir, venvPurePython } from "../helpers/fixtures.js";
import { gpdb7 } from "../helpers/gpdb.js";
import { CACHE, PY312, PY313, ROOT } from "../helpers/tools.js";

/**
 * covshim's recorder (Python 3.12+, docs/recorder.md) against coverage.py's
 * own sysmon core, both in the same processes of one run: coverage.py is
 * started by the hand procedure's process_startup() from a sitecustomize.py
 * (test/fixtures/alongside) with a coveragerc of its own, after the
 * recorder started from covshim's .pth shim.
 */
const LONG = process.env.COVSHIM_LONG === "1";
const FIX = join(ROOT, "test", "fixtures");
const ALONGSIDE = join(FIX, "alongside");
const IDIOMS = join(FIX, "idioms", "idioms.py");
const SUITE = join(FIX, "suite", "run.py");

type Lines = Record<string, number[]>;

interface Setup {
  t: string;
  home: string;
  python: string;
  rec: ReturnType<typeof statusJson>["installs"][number];
}

function recorderInstall(version: string, extra: string[] = []): Setup {
  const t = tempDir();
  const home = join(t, "home");
  const venv = venvPurePython(join(t, "venv"), version);
  // The alongside sitecustomize.py is the test's, not the program's.
  const en = covshim(home, ["enable", venv, "--omit", `${ALONGSIDE}/*`, ...extra]);
  expect(en.code, en.stderr).toBe(0);
  expect(en.stderr).toContain("recorder: covshim's own");
  const rec = statusJson(home).installs[0]!;
  expect(rec.recorder).toBe("covshim");
  return { t, home, python: join(venv, "bin", "python"), rec };
}

/** Unmeasured: the shim's one-line test finds no COVERAGE_PROCESS_START. */
const plainEnv = (): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of ["COVERAGE_PROCESS_START", "PYTHONPATH", "COVSHIM_DISABLE"]) delete env[k];
  return env;
};

/** Runs `args` measured by both, checks its output is the unmeasured run's, and returns each one's executed lines. */
function bothOnOneRun(s: Setup, args: string[], cwd: string): { recorder: Lines; coverage: Lines } {
  const plain = run(s.python, args, plainEnv(), cwd);
  expect(plain.code, plain.stderr).toBe(0);
  const data = join(s.t, "alongside-data");
  rmSync(data, { recursive: true, force: true });
  // Runs add up in covshim's data: each comparison starts from none.
  rmSync(join(s.rec.dataDir, ".coverage"), { force: true });
  mkdirSync(data);
  const rc = join(s.t, "alongside.rc");
  // coverage.py as its docs have it measure every process: with its own patches
  // (covshim's coveragerc has none; covshim's shim does the same where coverage.py measures).
  writeFileSync(rc, `${readFileSync(s.rec.rcfile, "utf8").replace(/^data_file = .*$/m, `data_file = ${data}/.coverage`)}patch =\n    _exit\n    execv\n    fork\n`);
  const env: NodeJS.ProcessEnv = { ...plainEnv(), COVERAGE_PROCESS_START: s.rec.rcfile, PYTHONPATH: ALONGSIDE, ALONGSIDE_COVERAGE_RC: rc };
  const both = run(s.python, args, env, cwd);
  expect({ code: both.code, stdout: both.stdout, stderr: both.stderr }).toEqual({ code: 0, stdout: plain.stdout, stderr: plain.stderr });
  const out = join(s.t, "recorder.json");
  const r = covshim(s.home, ["report", "--json", out]);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stderr).not.toMatch(/unreadable|warn/);
  const cenv = plainEnv();
  expect(run(s.python, ["-m", "coverage", "combine", "-q", `--rcfile=${rc}`, data], cenv, data).code).toBe(0);
  const cout = join(s.t, "coverage.json");
  expect(run(s.python, ["-m", "coverage", "json", "-q", `--rcfile=${rc}`, "-o", cout], cenv, data).code).toBe(0);
  const lines = (f: string): Lines => Object.fromEntries(Object.entries(JSON.parse(readFileSync(f, "utf8")).files as Record<string, { executed_lines: number[] }>).map(([k, v]) => [k, v.executed_lines]));
  return { recorder: lines(out), coverage: lines(cout) };
}

/** Lines of these functions' bodies in a file (and of `if pid == 0:` blocks in `forkers`), by Python's ast. */
function bodiesOf(python: string, file: string, names: string[], forkers: string[]): Set<number> {
  const src = `
import ast, json, sys
tree = ast.parse(open(sys.argv[1]).read())
names, forkers = json.loads(sys.argv[2]), json.loads(sys.argv[3])
out = set()
for node in ast.walk(tree):
    if isinstance(node, ast.FunctionDef):
        blocks = []
        if node.name in names:
            blocks = node.body
        elif node.name in forkers:
            blocks = [s for n in ast.walk(node) if isinstance(n, ast.If) and "pid == 0" in ast.unparse(n.test) for s in n.body]
        for s in blocks:
            out.update(range(s.lineno, s.end_lineno + 1))
print(json.dumps(sorted(out)))`;
  return new Set(JSON.parse(execFileSync(python, ["-c", src, file, JSON.stringify(names), JSON.stringify(forkers)], { encoding: "utf8" })) as number[]);
}

/**
 * Processes that coverage.py itself cannot save, whatever it is given: pool
 * workers and children ended by SIGTERM (its `sigterm` setting is not used
 * here, and in a fork child it saves the parent's file), and a bare fork
 * child, where coverage restarts for new frames only.
 */
const LOST_BY_COVERAGE = ["in_fork_pool", "in_spawn_pool", "in_forkserver_pool", "in_terminated_pool", "in_executor", "daemon_body", "sigtermed_body", "lock_waiter", "lock_waiter_forkserver", "lock_acquirer", "forked_child"];

describe("covshim's recorder records the lines coverage.py's sysmon core records, on the same run", () => {
  // COVSHIM_LONG=1: 400 processes each (the figures in docs/recorder.md).
  for (const [version, suiteSize] of [[PY312, LONG ? 400 : 20], [PY313, LONG ? 400 : 10]] as const) {
    it(`Python ${version}: a suite of ${suiteSize} short processes (subprocess, os.system, exec), and every idiom of test/fixtures/idioms`, { timeout: 600_000 }, () => {
      const s = recorderInstall(version);
      const suite = bothOnOneRun(s, [SUITE, String(suiteSize)], s.t);
      expect(Object.keys(suite.recorder).length).toBeGreaterThanOrEqual(5);
      expect(suite.recorder).toEqual(suite.coverage);

      const idioms = bothOnOneRun(s, [IDIOMS], s.t);
      expect(Object.keys(idioms.recorder).sort()).toEqual(Object.keys(idioms.coverage).sort());
      const lost = bodiesOf(s.python, IDIOMS, LOST_BY_COVERAGE, ["bare_fork"]);
      for (const [file, lines] of Object.entries(idioms.recorder)) {
        const theirs = new Set(idioms.coverage[file]);
        // Everything coverage.py saw, the recorder saw.
        expect(lines.filter((l) => theirs.has(l)).length, file).toBe(theirs.size);
        // And more only where coverage.py loses a process's data.
        const more = lines.filter((l) => !theirs.has(l));
        expect(more.filter((l) => !(file === IDIOMS && lost.has(l))), `${file}: lines only the recorder saw, outside processes coverage.py loses`).toEqual([]);
      }
      expect(covshim(s.home, ["off"]).code).toBe(0);
    });
  }
});

/** `# MARK name` lines of a fixture: name -> line. */
function marksOf(file: string): Map<string, number> {
  const out = new Map<string, number>();
  readFileSync(file, "utf8").split("\n").forEach((l, i) => {
    const m = /# MARK ([a-z][-a-z.]*)\s*$/.exec(l);
    if (m) out.set(m[1]!, i + 1);
  });
  return out;
}

function reportLines(s: Setup): Lines {
  const out = join(s.t, `report-${Date.now()}.json`);
  const r = covshim(s.home, ["report", "--json", out]);
  expect(r.code, r.stderr).toBe(0);
  return Object.fromEntries(Object.entries(JSON.parse(readFileSync(out, "utf8")).files as Record<string, { executed_lines: number[] }>).map(([k, v]) => [k, v.executed_lines]));
}

const measured = (s: Setup): NodeJS.ProcessEnv => ({ ...plainEnv(), COVERAGE_PROCESS_START: s.rec.rcfile });

describe("covshim's recorder loses nothing and changes nothing", () => {
  it("children killed with SIGKILL mid-work (a fork child, a new interpreter): every line they ran before the kill is in the report", () => {
    const s = recorderInstall(PY312);
    const fixture = join(FIX, "killed.py");
    const r = run(s.python, [fixture], measured(s), s.t);
    expect(r).toMatchObject({ code: 0, stdout: "killed: done\n", stderr: "" });
    const lines = new Set(reportLines(s)[fixture]);
    const m = marksOf(fixture);
    for (const name of ["killed-fork-before", "killed-child-before"]) expect(lines.has(m.get(name)!), name).toBe(true);
    for (const name of ["killed-fork-never", "killed-child-never"]) expect(lines.has(m.get(name)!), name).toBe(false);
  });

  it("the program sees what it sees unmeasured, here and in fork and spawn children: no SIGTERM handler, os functions its own, multiprocessing's locks unchanged, coverage not imported, no covshim variable, no module added", () => {
    const s = recorderInstall(PY312);
    const fixture = join(FIX, "untouched.py");
    const plain = run(s.python, [fixture], plainEnv(), s.t);
    expect(plain.code, plain.stderr).toBe(0);
    const seen = JSON.parse(plain.stdout);
    expect(seen.process["coverage imported"]).toBe(false);
    const rec = run(s.python, [fixture], measured(s), s.t);
    expect(rec).toMatchObject({ code: 0, stderr: "" });
    expect(JSON.parse(rec.stdout)).toEqual(seen);
    // It was measured, in all three processes.
    expect(readdirSync(s.rec.dataDir).filter((n) => n.endsWith(".covrec")).length).toBe(3);
    // The same look tells coverage.py's collector apart: the test sees a difference where there is one.
    expect(covshim(s.home, ["enable", join(s.t, "venv"), "--core", "sysmon"]).code).toBe(0);
    const cov = run(s.python, [fixture], { ...measured(s), COVERAGE_PROCESS_START: statusJson(s.home).installs[0]!.rcfile }, s.t);
    expect(cov.code, cov.stderr).toBe(0);
    const c = JSON.parse(cov.stdout);
    expect(c.process["coverage imported"]).toBe(true);
    expect(c.process["os functions are posix's"]._exit).toBe(false); // coverage's own patch = _exit
    // Neither has a SIGTERM handler (docs/reliability.md).
    expect(c.fork.sigterm).toBe(seen.fork.sigterm);
  });

  // Both workers say they started before the pool is used (and terminated by
  // its __exit__): a worker that never ran would have no line to lose.
  const POOL = `import multiprocessing, os, sys

def init(started):
    started.put(os.getpid())  # MARK pool-worker

def f(x):
    return x + 1

if __name__ == "__main__":
    ctx = multiprocessing.get_context(sys.argv[1])
    started = ctx.Queue()
    with ctx.Pool(2, initializer=init, initargs=(started,)) as pool:
        assert len({started.get(timeout=20), started.get(timeout=20)}) == 2
        assert pool.map(f, range(4)) == [1, 2, 3, 4]
`;
  // Per loop; two loops at once: COVSHIM_LONG=1 makes 1,000 pools of each start method.
  const POOL_RUNS = LONG ? 500 : 4;

  it(`with Pool(...) under fork, forkserver and spawn: ${POOL_RUNS} runs of each in two loops at once, none hangs, every worker's line is on disk`, { timeout: POOL_RUNS * 12_000 }, async () => {
    const s = recorderInstall(PY312);
    const script = join(s.t, "pool.py");
    writeFileSync(script, POOL);
    const loop = (methods: string[]) =>
      new Promise<string>((resolve, reject) => {
        const sh = `for i in $(seq 1 ${POOL_RUNS}); do for m in ${methods.join(" ")}; do timeout -k 1 30 "$0" "$1" "$m" >/dev/null 2>&1; rc=$?; [ $rc -eq 0 ] || echo "run $i $m: exit $rc"; done; done`;
        const p = spawn("bash", ["-c", sh, s.python, script], { env: measured(s), stdio: ["ignore", "pipe", "inherit"] });
        let out = "";
        p.stdout.on("data", (b: Buffer) => (out += b.toString()));
        p.on("error", reject);
        p.on("close", () => resolve(out));
      });
    const [a, b] = await Promise.all([loop(["fork", "forkserver", "spawn"]), loop(["spawn", "fork", "forkserver"])]);
    expect(a + b, "runs that failed or hung").toBe("");
    // Each worker's own file has its initializer's line: 2 workers a run, 2 loops, 3 start methods.
    const line = marksOf(script).get("pool-worker")!;
    const count = execFileSync(s.python, ["-c", `${readFileSync(join(ROOT, "templates", "data", "files.py"), "utf8")}
import sys
n = 0
for f in os.listdir(sys.argv[1]):
    if is_recorder(f):
        ctx, files, torn = read_recorder(os.path.join(sys.argv[1], f))
        n += sys.argv[3] in files and int(sys.argv[2]) in files[sys.argv[3]]
print(n)`, s.rec.dataDir, String(line), script], { encoding: "utf8" });
    expect(Number(count)).toBe(POOL_RUNS * 2 * 3 * 2);
    const rep = covshim(s.home, ["report"]);
    expect(rep.code, rep.stderr).toBe(0);
    expect(rep.stderr).not.toMatch(/unreadable|warn|still running/);
  });
});

describe("the recorder's files (docs/recorder.md)", () => {
  /** Python with templates/data/files.py loaded, running `code` with argv. */
  const withReader = (python: string, code: string, ...args: string[]) =>
    execFileSync(python, ["-c", `${readFileSync(join(ROOT, "templates", "data", "files.py"), "utf8")}\n${code}`, ...args], { encoding: "utf8" });

  it("a file stopped at any record (its writer killed, or still writing) reads as the records written whole; a name without all its pieces drops its lines only", () => {
    const s = recorderInstall(PY312);
    const fixture = join(FIX, "suite", "unit.py");
    expect(run(s.python, [fixture, "7"], measured(s), join(FIX, "suite")).code).toBe(0);
    const [file] = readdirSync(s.rec.dataDir).filter((n) => n.endsWith(".covrec"));
    const src = join(s.rec.dataDir, file!);
    const out = withReader(s.python, `
import json, sys
data = open(sys.argv[1], "rb").read()
whole = read_recorder(sys.argv[1])[1]
used = max(i for i in range(len(data) // 8) if data[i * 8:i * 8 + 8] != bytes(8)) + 1
seen = []
# The file as it stood after each 8-byte store (the rest is zeros: it is
# reserved ahead; the header's magic is written last, so a file without it
# is one killed before its first record), and cut short as it grows.
for k in [0] + list(range(8, used + 1)) + [-1]:
    with open(sys.argv[2], "wb") as f:
        f.write(data[:k * 8] + bytes(len(data) - k * 8) if k >= 0 else data[:len(data) // 2])
    ctx, files, torn = read_recorder(sys.argv[2])
    # Only records that are whole, and never a line the file does not have.
    assert all(f in whole and ls <= whole[f] for f, ls in files.items()), k
    if k >= 0:
        seen.append(sum(len(ls) for ls in files.values()))
# Each file's name: zero its length record, its lines go, the others stay.
slots = bytearray(data)
import struct
victim = None
for i in range(8, len(slots) // 8):
    s = struct.unpack("<Q", bytes(slots[i * 8:i * 8 + 8]))[0]
    if s & 0xFF == 70 and victim is None:
        victim = (s >> 8) & 0xFFFF
        slots[i * 8:i * 8 + 8] = bytes(8)
open(sys.argv[2], "wb").write(bytes(slots))
ctx, files, torn = read_recorder(sys.argv[2])
print(json.dumps({"grows": seen == sorted(seen), "last": seen[-1], "whole": sum(len(v) for v in whole.values()), "files": len(whole), "after": len(files), "torn": torn}))`, src, join(s.t, "cut.covrec"));
    const r = JSON.parse(out);
    expect(r).toMatchObject({ grows: true, torn: 1 });
    expect(r.last).toBe(r.whole);
    expect(r.after).toBe(r.files - 1);
  });

  it("report: a damaged recorder file is set aside and named, an empty one (killed before its header) is gone, a live writer's file is left for the next report, the rest is reported", async () => {
    const s = recorderInstall(PY312);
    const fixture = join(FIX, "suite", "unit.py");
    expect(run(s.python, [fixture, "5"], measured(s), s.t).code).toBe(0);
    writeFileSync(join(s.rec.dataDir, ".coverage.myhost.pid1.Xdeadbeefx.covrec"), Buffer.from("garbage, not a recorder file at all".repeat(10)));
    writeFileSync(join(s.rec.dataDir, ".coverage.myhost.pid2.Xfeedf00dx.covrec"), Buffer.alloc(65536));
    // A process that ran a line and is still running: its lock is held.
    const script = join(s.t, "alive.py");
    writeFileSync(script, "import sys, time\nprint('x', flush=True)  # MARK alive\ntime.sleep(60)\n");
    const alive = spawn(s.python, [script], { env: measured(s), stdio: ["ignore", "pipe", "ignore"] });
    try {
      await new Promise((r) => alive.stdout!.once("data", r));
      const out = join(s.t, "r.json");
      const r = covshim(s.home, ["report", "--json", out]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/set aside 1 unreadable data file in .*unreadable \(.*not a covshim recorder file/);
      expect(r.stderr).toContain("left 1 data file of processes still running for the next report");
      const files = JSON.parse(readFileSync(out, "utf8")).files;
      expect(files[fixture]).toBeDefined();
      expect(files[script]).toBeUndefined();
      expect(readdirSync(join(s.rec.dataDir, "unreadable"))).toEqual([".coverage.myhost.pid1.Xdeadbeefx.covrec"]);
      expect(readdirSync(s.rec.dataDir).filter((n) => n.endsWith(".covrec")).length).toBe(1);
    } finally {
      alive.kill("SIGKILL");
    }
    await new Promise((r) => (alive.exitCode !== null ? r(null) : alive.once("exit", r)));
    // Killed: its lines are on disk, and the next report has them.
    const out2 = join(s.t, "r2.json");
    expect(covshim(s.home, ["report", "--json", out2]).code).toBe(0);
    expect(JSON.parse(readFileSync(out2, "utf8")).files[script].executed_lines).toContain(2);
  });
});

describe("coverage's own a1_coverage.pth (7.13+) next to the recorder", () => {
  /** A 3.12 venv whose coverage brings its start-up hook, as pip installs it. */
  function withA1(s: { t: string }): string {
    const venv = venvPurePython(join(s.t, "venv-a1"), PY312);
    const from = join(CACHE, "cov-venv-311", "lib", "python3.11", "site-packages", "a1_coverage.pth");
    writeFileSync(join(venv, "lib", "python3.12", "site-packages", "a1_coverage.pth"), readFileSync(from));
    return venv;
  }

  it("in the venv's own site-packages, after covshim's .pth: coverage.py is neither imported nor started, one file per process, nothing recorded twice", () => {
    const t = tempDir();
    const home = join(t, "home");
    const venv = withA1({ t });
    const en = covshim(home, ["enable", venv]);
    expect(en.code, en.stderr).toBe(0);
    expect(en.stderr).toContain("recorder: covshim's own");
    const rec = statusJson(home).installs[0]!;
    const python = join(venv, "bin", "python");
    const fixture = join(FIX, "untouched.py");
    const plain = run(python, [fixture], plainEnv(), t);
    const on = run(python, [fixture], { ...plainEnv(), COVERAGE_PROCESS_START: rec.rcfile }, t);
    expect(on).toMatchObject({ code: 0, stderr: "" });
    expect(JSON.parse(on.stdout)).toEqual(JSON.parse(plain.stdout));
    expect(JSON.parse(on.stdout).process["coverage imported"]).toBe(false);
    const files = readdirSync(rec.dataDir).filter((n) => n.startsWith(".coverage."));
    expect(files.length).toBe(3);
    expect(files.every((n) => n.endsWith(".covrec")), files.join(" ")).toBe(true);
    // A program of the user's that uses coverage itself gets the real one.
    const own = run(python, ["-c", "import coverage, sys; print(coverage.Coverage.__name__, type(sys.modules['coverage']).__name__)"], { ...plainEnv(), COVERAGE_PROCESS_START: rec.rcfile }, t);
    expect(own).toMatchObject({ code: 0, stdout: "Coverage module\n", stderr: "" });
    expect(covshim(home, ["report"]).code).toBe(0);
  });

  /** A program that starts coverage.py itself when COVERAGE_PROCESS_START is set, as behave's bin/behave does, then starts a child of its own. */
  const BEHAVE_LIKE = `import os, subprocess, sys
if "COVERAGE_PROCESS_START" in os.environ:
    import coverage
    coverage.process_startup()
def step(n):
    total = 0
    for i in range(n):
        total += i
    return total
step(3)
if len(sys.argv) > 1:
    subprocess.check_call([sys.executable, __file__])
print("coverage imported:", "coverage" in sys.modules)
`;

  it("a GPDB install whose Python 3.12 has coverage's a1_coverage.pth, shell scope, the variable as the hook exports it; a program that calls coverage.process_startup() itself (as behave's does): coverage.py is neither imported nor started, and the lines equal coverage.py's on the same program", () => {
    const t = tempDir();
    const home = join(t, "home");
    const { gphome } = gpdb7(t, "gpdb7", { version: PY312 });
    const venvSite = join(t, "gpdb7-python", "lib", "python3.12", "site-packages");
    writeFileSync(join(venvSite, "a1_coverage.pth"), readFileSync(join(CACHE, "cov-venv-311", "lib", "python3.11", "site-packages", "a1_coverage.pth")));
    const python = join(gphome, "bin", "python3");
    const app = join(t, "app");
    mkdirSync(app);
    const prog = join(app, "behave_like.py");
    writeFileSync(prog, BEHAVE_LIKE);
    const en = covshim(home, ["enable", gphome, "--source", app], { PATH: `${gphome}/bin:${process.env.PATH}` });
    expect(en.code, en.stderr).toBe(0);
    expect(en.stderr).toContain("recorder: covshim's own");
    // What a hooked shell exports (covshim env is the same text as the hook's sync).
    const exported = covshim(home, ["env", "--shell", "bash"]).stdout;
    const m = /^export (COVSHIM_START|COVERAGE_PROCESS_START)='([^']*)';$/m.exec(exported);
    expect(m?.[1]).toBe("COVSHIM_START");
    const env = { ...plainEnv(), PYTHONPATH: join(gphome, "lib", "python"), [m![1]!]: m![2]! };
    for (const fixture of [join(FIX, "untouched.py"), prog]) {
      // Unmeasured: the same variable, without lib/python (the shim) on PYTHONPATH.
      const plain = run(python, fixture === prog ? [prog, "child"] : [fixture], { ...plainEnv(), [m![1]!]: m![2]! }, t);
      const on = run(python, fixture === prog ? [prog, "child"] : [fixture], env, t);
      expect(on).toMatchObject({ code: 0, stderr: "" });
      expect(on.stdout).toBe(plain.stdout);
    }
    expect(run(python, [prog, "child"], env, t).stdout).toBe("coverage imported: False\ncoverage imported: False\n");
    const rec = statusJson(home).installs[0]!;
    expect(readdirSync(rec.dataDir).filter((n) => n.startsWith(".coverage.")).every((n) => n.endsWith(".covrec"))).toBe(true);
    const out = join(t, "covshim.json");
    expect(covshim(home, ["report", "--json", out]).code).toBe(0);
    const ours = JSON.parse(readFileSync(out, "utf8")).files[prog].executed_lines;
    expect(covshim(home, ["off"]).code).toBe(0);
    // coverage.py on the same program, as the user sets it up by hand: its a1_coverage.pth and COVERAGE_PROCESS_START.
    const data = join(t, "hand");
    mkdirSync(data);
    const rc = join(t, "hand.rc");
    writeFileSync(rc, `[run]\nparallel = True\ndata_file = ${data}/.coverage\nsource =\n    ${app}\n`);
    const hand = run(python, [prog, "child"], { ...plainEnv(), PYTHONPATH: join(gphome, "lib", "python"), COVERAGE_PROCESS_START: rc }, t);
    expect(hand.stdout).toBe("coverage imported: True\ncoverage imported: True\n");
    const hout = join(t, "hand.json");
    for (const args of [["combine", "-q"], ["json", "-q", "-o", hout]]) expect(run(python, ["-m", "coverage", ...args, `--rcfile=${rc}`], plainEnv(), data).code).toBe(0);
    // The same lines but the program's own coverage start (lines 3-4), which it runs only where coverage.py's variable asks for it.
    expect(ours).toEqual((JSON.parse(readFileSync(hout, "utf8")).files[prog].executed_lines as number[]).filter((l) => l !== 3 && l !== 4));
    expect(ours).toContain(9);
  });
});

it("contexts with the recorder: each process records under the COVSHIM_CONTEXT it started with, a fork child under its own, a pytest test's program under the test's id", () => {
  const s = recorderInstall(PY312, ["--contexts"]);
  const tool = join(s.t, "tool.py");
  writeFileSync(tool, "import sys\n\n\ndef shared():\n    return 1\n\n\nshared()\nif sys.argv[1:] == ['b']:\n    print('b')  # only b\n");
  const driver = join(s.t, "driver.py");
  writeFileSync(
    driver,
    [
      "import os, subprocess, sys",
      "tool = sys.argv[1]",
      "for name in ('gpstart', 'gpstop'):",
      "    subprocess.check_call([sys.executable, tool, 'b' if name == 'gpstop' else 'a'], env=dict(os.environ, COVSHIM_CONTEXT=name))",
      "subprocess.check_call([sys.executable, tool, 'a'], env=dict(os.environ, PYTEST_CURRENT_TEST='tests/test_x.py::test_one (call)'))",
      // The parent runs shared() first; a fork child runs it again under its own context.
      "sys.path.insert(0, os.path.dirname(tool))",
      "import tool as t",
      "os.environ['COVSHIM_CONTEXT'] = 'forked'",
      "pid = os.fork()",
      "if pid == 0:",
      "    t.shared()",
      "    os._exit(0)",
      "os.waitpid(pid, 0)",
      "",
    ].join("\n"),
  );
  expect(run(s.python, [driver, tool], measured(s), s.t)).toMatchObject({ code: 0, stderr: "" });
  const r = covshim(s.home, ["report", "--contexts"]);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toContain(`${tool}:5 — forked, gpstart, gpstop, tests/test_x.py::test_one`);
  expect(r.stdout).toContain(`${tool}:10 — gpstop`);
});
