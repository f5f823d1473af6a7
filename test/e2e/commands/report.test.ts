import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { baseEnv, covshim, run, statusJson, tempDir, venvWithCoverage } from "../../helpers/fixtures.js";
import { CLI, ROOT, debianCoveragePython } from "../../helpers/tools.js";
import { runApp } from "../../helpers/measure.js";
import { Term } from "../../helpers/tmux.js";

const FIX = join(ROOT, "test", "fixtures");

/** What raw coverage says about a copy of the same data: the reference for covshim's numbers. */
function rawTotals(python: string, rcfile: string, dataDir: string, work: string) {
  const copy = join(work, `copy-${Math.random().toString(36).slice(2)}`);
  cpSync(dataDir, copy, { recursive: true });
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.COVERAGE_PROCESS_START;
  const dataFile = join(copy, ".coverage");
  expect(run(python, ["-m", "coverage", "combine", "-q", "--append", `--rcfile=${rcfile}`, `--data-file=${dataFile}`, copy], env, copy).code).toBe(0);
  const out = join(work, "raw.json");
  expect(run(python, ["-m", "coverage", "json", "-q", `--rcfile=${rcfile}`, `--data-file=${dataFile}`, "-o", out], env, copy).code).toBe(0);
  return JSON.parse(readFileSync(out, "utf8"));
}

describe.each([
  ["coverage 6.5 (Debian, dir kind)", "dir"],
  ["coverage 7.x (pip, venv kind)", "venv"],
])("report with %s", (_label, kind) => {
  it("totals equal raw combine + json on a copy; --fail-under; runs add up; html", () => {
    const t = tempDir();
    const home = join(t, "home");
    let python: string;
    let target: string;
    let extraEnv: NodeJS.ProcessEnv = {};
    if (kind === "dir") {
      python = debianCoveragePython();
      target = join(t, "lib");
      mkdirSync(target);
      extraEnv = { PYTHONPATH: target };
      expect(covshim(home, ["enable", target, "--python", python]).code).toBe(0);
    } else {
      target = venvWithCoverage(join(t, "venv"));
      python = join(target, "bin", "python");
      expect(covshim(home, ["enable", target]).code).toBe(0);
    }
    const rec = statusJson(home).installs[0]!;
    const env = { ...process.env, ...extraEnv, COVERAGE_PROCESS_START: rec.rcfile };
    // No data yet: a plain message, not a traceback.
    const none = covshim(home, ["report"]);
    expect(none.code).toBe(1);
    expect(none.stderr.trim()).toMatch(/^covshim: no data yet for/);

    runApp(python, join(t, "app"), env);
    run(python, [join(FIX, "workload.py"), "a"], env);
    const raw = rawTotals(python, rec.rcfile, rec.dataDir, t);
    const jsonOut = join(t, "r.json");
    const r = covshim(home, ["report", "--json", jsonOut, "--html", join(t, "html")], {}, t);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^TOTAL\s+\d+/m);
    const mine = JSON.parse(readFileSync(jsonOut, "utf8"));
    expect(mine.totals.covered_lines).toBe(raw.totals.covered_lines);
    expect(mine.totals.num_statements).toBe(raw.totals.num_statements);
    expect(Object.keys(mine.files).sort()).toEqual(Object.keys(raw.files).sort());
    expect(existsSync(join(t, "html", "index.html"))).toBe(true);

    const pct = mine.totals.percent_covered as number;
    expect(pct).toBeLessThan(99); // h() of workload.py is not run yet
    expect(covshim(home, ["report", "--fail-under", String(Math.floor(pct))]).code).toBe(0);
    const fail = covshim(home, ["report", "--fail-under", String(Math.ceil(pct) + 1)]);
    expect(fail.code).toBe(1);
    expect(fail.stderr).toContain("is below --fail-under");

    // A second run adds to the first (runs add up until a new enable).
    run(python, [join(FIX, "workload.py"), "b"], env);
    const second = join(t, "r2.json");
    expect(covshim(home, ["report", "--json", second]).code).toBe(0);
    const both = JSON.parse(readFileSync(second, "utf8"));
    expect(both.totals.covered_lines).toBeGreaterThan(mine.totals.covered_lines);
    expect(Object.keys(both.files)).toContain(join(FIX, "workload.py"));
    expect(Object.keys(both.files)).toContain(join(t, "app", "mpapp.py"));
    expect(covshim(home, ["off"]).code).toBe(0);
  });
});

// COVSHIM_LONG=1: 520 processes (the figure this test had in the suite before 2026-12).
const MANY = process.env.COVSHIM_LONG === "1" ? 520 : 160;

describe("many data files", () => {
  it(`${MANY} real processes: report equals raw coverage; quiet when stdout is not a terminal`, () => {
    const t = tempDir();
    const home = join(t, "home");
    const venv = venvWithCoverage(join(t, "venv"));
    const py = join(venv, "bin", "python");
    expect(covshim(home, ["enable", venv]).code).toBe(0);
    const rec = statusJson(home).installs[0]!;
    const r = run(py, [join(FIX, "many.py"), String(MANY), "4"], { ...process.env, COVERAGE_PROCESS_START: rec.rcfile });
    expect(r.code, r.stderr).toBe(0);
    const n = readdirSync(rec.dataDir).filter((f) => f.startsWith(".coverage.")).length;
    expect(n).toBeGreaterThanOrEqual(MANY);
    const raw = rawTotals(py, rec.rcfile, rec.dataDir, t);
    const out = join(t, "m.json");
    const rep = covshim(home, ["report", "--json", out]);
    expect(rep.code, rep.stderr).toBe(0);
    expect(rep.stderr).not.toContain("combining");
    expect(rep.stderr).toContain(`combined ${n} data files`);
    const mine = JSON.parse(readFileSync(out, "utf8"));
    expect(mine.totals.covered_lines).toBe(raw.totals.covered_lines);
    // work() runs only in the forked children, both branches of it.
    const many = mine.files[join(FIX, "many.py")];
    const src = readFileSync(join(FIX, "many.py"), "utf8").split("\n");
    for (const mark of ["# odd", "# even"]) expect(many.executed_lines).toContain(src.findIndex((l) => l.includes(mark)) + 1);
  });
});

describe("progress", () => {
  it("shows combining progress on a terminal (tmux pty)", async () => {
    const t = tempDir();
    const home = join(t, "home");
    const venv = venvWithCoverage(join(t, "venv"));
    const py = join(venv, "bin", "python");
    expect(covshim(home, ["enable", venv]).code).toBe(0);
    const rec = statusJson(home).installs[0]!;
    expect(run(py, [join(FIX, "many.py"), "30"], { ...process.env, COVERAGE_PROCESS_START: rec.rcfile }).code).toBe(0);
    const n = readdirSync(rec.dataDir).filter((f) => f.startsWith(".coverage.")).length;
    const term = new Term("bash", t, baseEnv(home, { TERM: "xterm" }), "");
    await term.run(`${process.execPath} ${CLI} report >/dev/null`);
    expect(term.screen()).toContain(`covshim: combining ${n}/${n} data files`);
  });
});

describe("data files left by processes killed while saving", () => {
  for (const kind of ["coverage 6.5 (dir)", "coverage 7.x (venv)"] as const) {
    it(`${kind}: counted, set aside in unreadable/, named in one line; later reports do not repeat it`, () => {
      const t = tempDir();
      const home = join(t, "home");
      let python: string;
      let env: NodeJS.ProcessEnv;
      if (kind.includes("6.5")) {
        python = debianCoveragePython();
        const lib = join(t, "lib");
        mkdirSync(lib);
        expect(covshim(home, ["enable", lib, "--python", python]).code).toBe(0);
        env = { ...process.env, PYTHONPATH: lib };
      } else {
        const venv = venvWithCoverage(join(t, "venv"));
        python = join(venv, "bin", "python");
        expect(covshim(home, ["enable", venv]).code).toBe(0);
        env = { ...process.env };
      }
      const rec = statusJson(home).installs[0]!;
      expect(run(python, [join(FIX, "idioms", "idioms.py"), "pool-with-fork"], { ...env, COVERAGE_PROCESS_START: rec.rcfile }).code).toBe(0);
      const good = readdirSync(rec.dataDir).filter((f) => f.startsWith(".coverage."));
      expect(good.length).toBeGreaterThan(1);
      // A file cut off mid-write, and a database whose schema row was never written.
      const whole = readFileSync(join(rec.dataDir, good[0]!));
      writeFileSync(join(rec.dataDir, ".coverage.host.111.cut"), whole.subarray(0, Math.floor(whole.length / 3)));
      const noSchema = join(rec.dataDir, ".coverage.host.222.schemaless");
      expect(run(python, ["-c", `import sqlite3; c = sqlite3.connect(${JSON.stringify(noSchema)}); c.execute("create table coverage_schema (version integer)"); c.commit()`], {}).code).toBe(0);
      // A host's combined file still arriving (`collect` running): not data yet, left alone.
      const part = join(rec.dataDir, ".covshim-part-.coverage.host-127.0.0.2.collect-x1");
      writeFileSync(part, whole.subarray(0, Math.floor(whole.length / 2)));
      const rep = covshim(home, ["report"]);
      expect(rep.code, rep.stderr).toBe(0);
      expect(rep.stderr).toContain(`combined ${good.length} data files`);
      expect(readFileSync(part)).toEqual(whole.subarray(0, Math.floor(whole.length / 2)));
      expect(rep.stderr).toMatch(new RegExp(`set aside 2 unreadable data files in ${rec.dataDir}/unreadable \\(left by processes killed while saving: `));
      expect(readdirSync(join(rec.dataDir, "unreadable")).sort()).toEqual([".coverage.host.111.cut", ".coverage.host.222.schemaless"]);
      const again = covshim(home, ["report"]);
      expect(again.code).toBe(0);
      expect(again.stderr).not.toContain("unreadable");
      expect(covshim(home, ["off"]).code).toBe(0);
    });
  }
});

describe("a report never gives up on one file", () => {
  describe.each([
    ["coverage 6.5 (Debian, dir kind)", "dir"],
    ["coverage 7.x (pip, venv kind)", "venv"],
  ])("%s", (_label, kind) => {
    it("measured files whose source is gone are left out and named; the rest is reported (table, --json, --html, diff), exit 0", () => {
      const t = tempDir();
      const home = join(t, "home");
      let python: string;
      let extra: NodeJS.ProcessEnv = {};
      if (kind === "dir") {
        python = debianCoveragePython();
        const lib = join(t, "lib");
        mkdirSync(lib);
        extra = { PYTHONPATH: lib };
        expect(covshim(home, ["enable", lib, "--python", python]).code).toBe(0);
      } else {
        const venv = venvWithCoverage(join(t, "venv"));
        python = join(venv, "bin", "python");
        expect(covshim(home, ["enable", venv]).code).toBe(0);
      }
      const rec = statusJson(home).installs[0]!;
      // As test suites do: modules made in a temporary directory, imported, deleted.
      const tmpMods = join(t, "tempcwd");
      mkdirSync(tmpMods);
      const prog = join(t, "prog.py");
      writeFileSync(
        prog,
        [
          "import os, shutil, sys",
          `d = ${JSON.stringify(tmpMods)}`,
          "for name in ('imported_by_an_imported_module', 'another_temporary'):",
          "    open(os.path.join(d, name + '.py'), 'w').write('X = 1\\n')",
          "sys.path.insert(0, d)",
          "import imported_by_an_imported_module, another_temporary",
          "print('kept')",
          "",
        ].join("\n"),
      );
      const r0 = run(python, [prog], { ...process.env, ...extra, COVERAGE_PROCESS_START: rec.rcfile }, t);
      expect(r0).toMatchObject({ code: 0, stdout: "kept\n" });
      expect(covshim(home, ["report", "--save", "before"]).code).toBe(0);
      rmSync(tmpMods, { recursive: true });
      const out = join(t, "r.json");
      const r = covshim(home, ["report", "--json", out, "--html", join(t, "html")]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain(`left out 2 measured files whose source is gone (deleted since it ran): ${join(tmpMods, "another_temporary.py")}, ${join(tmpMods, "imported_by_an_imported_module.py")}`);
      expect(r.stderr).not.toMatch(/Traceback|NoSource|couldn.t parse/i);
      expect(r.stdout).toContain(prog);
      expect(r.stdout).not.toContain(tmpMods);
      const files = Object.keys(JSON.parse(readFileSync(out, "utf8")).files);
      expect(files).toEqual([prog]);
      expect(existsSync(join(t, "html", "index.html"))).toBe(true);
      const d = covshim(home, ["diff", "before"]);
      expect(d.code, d.stderr).toBe(0);
      expect(d.stderr).toContain("left out 2 measured files whose source is gone");
      expect(covshim(home, ["off"]).code).toBe(0);
    });
  });
});

describe("a data file is left for the next report only while its writer runs", () => {
  it("a half-written file whose name has the pid of a live process that does not have it open is set aside at the first report, also one written after that process started; one its live writer holds open is left", async () => {
    const t = tempDir();
    const home = join(t, "home");
    const venv = venvWithCoverage(join(t, "venv"));
    const python = join(venv, "bin", "python");
    expect(covshim(home, ["enable", venv]).code).toBe(0);
    const rec = statusJson(home).installs[0]!;
    expect(run(python, [join(FIX, "workload.py"), "a"], { ...process.env, COVERAGE_PROCESS_START: rec.rcfile }).code).toBe(0);
    // A process killed while saving left this; a process started since has its pid.
    const { spawn } = await import("node:child_process");
    const { hostname } = await import("node:os");
    const { utimesSync } = await import("node:fs");
    const other = spawn("sleep", ["60"], { stdio: "ignore" });
    try {
      const host = hostname().replace(/\./g, "_");
      const name = `.coverage.${host}.pid${other.pid}.XabcdefGx`;
      writeFileSync(join(rec.dataDir, name), Buffer.from("SQLite format 3\0 half-written"));
      const longAgo = new Date(Date.now() - 3600_000);
      utimesSync(join(rec.dataDir, name), longAgo, longAgo);
      const r = covshim(home, ["report"]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/set aside 1 unreadable data file/);
      expect(r.stderr).not.toContain("still running");
      expect(readdirSync(join(rec.dataDir, "unreadable"))).toEqual([name]);
      // The same name, written after that process started, which does not have it open
      // (a long-lived process that took a dead writer's pid): set aside at once, not left for ever.
      const name2 = `.coverage.${host}.pid${other.pid}.XhijklmNx`;
      writeFileSync(join(rec.dataDir, name2), Buffer.from("SQLite format 3\0 half-written"));
      const r2 = covshim(home, ["report"]);
      expect(r2.code, r2.stderr).toBe(0);
      expect(r2.stderr).not.toContain("still running");
      expect(readdirSync(join(rec.dataDir, "unreadable")).sort()).toEqual([name, name2].sort());
      // A live writer that holds its file open: left for the next report.
      const name3 = join(rec.dataDir, "writer-started");
      const writer = spawn(python, ["-c", `import os, sys, time\nf = open(os.path.join(sys.argv[1], ".coverage.${host}.pid%d.XwriterZx" % os.getpid()), "wb")\nf.write(b"SQLite format 3\\0 half")\nf.flush()\nopen(sys.argv[2], "w").close()\ntime.sleep(60)`, rec.dataDir, name3], { stdio: "ignore" });
      try {
        const end = Date.now() + 30_000;
        while (!existsSync(name3) && Date.now() < end) await new Promise((res) => setTimeout(res, 50));
        const r3 = covshim(home, ["report"]);
        expect(r3.code, r3.stderr).toBe(0);
        expect(r3.stderr).toContain("left 1 data file of processes still running for the next report");
        expect(existsSync(join(rec.dataDir, `.coverage.${host}.pid${writer.pid}.XwriterZx`))).toBe(true);
      } finally {
        writer.kill("SIGKILL");
      }
    } finally {
      other.kill("SIGKILL");
    }
  });
});

describe("the order people work in: enable, run the tests, off, report", () => {
  it("report, data and diff without TARGET take the one known install with data once nothing is on; with several, the one-line error lists them", () => {
    const t = tempDir();
    const home = join(t, "home");
    const venv = venvWithCoverage(join(t, "venv"));
    const other = venvWithCoverage(join(t, "other"));
    const script = join(t, "s.py");
    writeFileSync(script, "x = 1\n");
    expect(covshim(home, ["enable", venv]).code).toBe(0);
    // Known, but never measured: not a candidate.
    expect(covshim(home, ["enable", other]).code).toBe(0);
    expect(covshim(home, ["enable", venv]).code).toBe(0);
    const rc = statusJson(home).installs.find((i) => i.path === venv)!.rcfile;
    expect(run(join(venv, "bin", "python"), [script], { ...process.env, COVERAGE_PROCESS_START: rc }).code).toBe(0);
    expect(covshim(home, ["off"]).code).toBe(0);
    const r = covshim(home, ["report", "--save", "first"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(script);
    expect(covshim(home, ["data"]).code).toBe(0);
    expect(covshim(home, ["diff", "first"]).code).toBe(0);
    // A second install with data: which one is not for covshim to guess.
    expect(covshim(home, ["enable", other]).code).toBe(0);
    const rc2 = statusJson(home).installs.find((i) => i.path === other)!.rcfile;
    expect(run(join(other, "bin", "python"), [script], { ...process.env, COVERAGE_PROCESS_START: rc2 }).code).toBe(0);
    expect(covshim(home, ["off"]).code).toBe(0);
    const two = covshim(home, ["report"]);
    expect(two.code).toBe(2);
    expect(two.stderr.trim().split("\n")).toHaveLength(1);
    expect(two.stderr).toContain("no target given, and 2 installs have data (venv, other): name one");
  });
});
