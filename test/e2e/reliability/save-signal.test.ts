import { spawnSync } from "node:child_process";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { covshim, statusJson, tempDir, venvWithCoverage } from "../../helpers/fixtures.js";

/**
 * With coverage.py's collector a SIGTERM can land while a process saves (a
 * pool's parent terminates a worker that is saving before its next
 * result): the shim holds such signals for the save's few milliseconds, so
 * the data file is whole, then the process dies of the signal as it would
 * have. Here the save is made slow on purpose (the data layer waits 0.5 s
 * before it writes the lines, a slow disk) and the signal comes 0.1 s into it.
 */
const PROGRAM = `import os, signal, sys, time, threading
import coverage
import coverage.sqldata as sqldata
real = sqldata.CoverageData.add_lines
def slow_add_lines(self, *a, **k):
    time.sleep(0.5)
    return real(self, *a, **k)
sqldata.CoverageData.add_lines = slow_add_lines
def measured_line():
    return 1  # MARK before-the-signal
measured_line()
pid = os.getpid()
if os.fork() == 0:
    time.sleep(0.1)
    os.kill(pid, signal.SIGTERM)
    os._exit(0)
sys.stdout.write("saving\\n"); sys.stdout.flush()
coverage.Coverage.current().save()
sys.stdout.write("after the save\\n")
`;

it("a SIGTERM during a save waits for its end: the data file is whole, then the process dies of the signal, its disposition its own", () => {
  const t = tempDir();
  const home = join(t, "home");
  const venv = venvWithCoverage(join(t, "venv"));
  writeFileSync(join(t, "prog.py"), PROGRAM);
  expect(covshim(home, ["enable", venv, "--source", t]).code).toBe(0);
  const rec = statusJson(home).installs[0]!;
  const python = join(venv, "bin", "python");
  const r = spawnSync(python, [join(t, "prog.py")], { env: { ...process.env, COVERAGE_PROCESS_START: rec.rcfile }, cwd: t, encoding: "utf8", timeout: 60_000 });
  // Died of SIGTERM (no handler), right after the save: the next line never ran.
  expect(r.signal, r.stderr).toBe("SIGTERM");
  expect(r.stdout).toBe("saving\n");
  expect(readdirSync(rec.dataDir).filter((n) => n.startsWith(".coverage.")).length).toBeGreaterThan(0);
  const rep = covshim(home, ["report", "--json", join(t, "r.json")]);
  expect(rep.code, rep.stderr).toBe(0);
  expect(rep.stderr).not.toMatch(/unreadable/);
  const j = JSON.parse(readFileSync(join(t, "r.json"), "utf8"));
  expect(j.files[join(t, "prog.py")].executed_lines).toContain(10);
});
