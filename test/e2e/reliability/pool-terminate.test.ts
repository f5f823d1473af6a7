import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { covshim, statusJson, tempDir } from "../../helpers/fixtures.js";
import { CACHE } from "../../helpers/tools.js";

/**
 * `with Pool(...)` never hangs measured by coverage.py's collector. When the
 * shim had a SIGTERM handler, about one run in 600 hung here: an idle worker
 * lost its SIGTERM while waiting on the queue lock that Pool.terminate()
 * holds, and terminate() joined it forever (docs/reliability.md). The race
 * needs load, so two loops run side by side on the 2 cores.
 * COVSHIM_LONG=1: 1,500 runs per loop (the figure in docs/reliability.md).
 */
const RUNS = process.env.COVSHIM_LONG === "1" ? 1500 : 25;

const PROGRAM = `import multiprocessing

def f(x):
    return x + 1

if __name__ == "__main__":
    with multiprocessing.get_context("fork").Pool(2) as pool:
        assert pool.map(f, range(4)) == [1, 2, 3, 4]
`;

function loop(python: string, script: string, env: NodeJS.ProcessEnv): Promise<string> {
  // Each run gets 20 s; `timeout` says 124 when it had to end a hung one.
  const sh = `for i in $(seq 1 ${RUNS}); do timeout -k 1 20 "$0" "$1" >/dev/null 2>&1; rc=$?; [ $rc -eq 0 ] || echo "run $i: exit $rc"; done`;
  return new Promise((resolve, reject) => {
    const p = spawn("bash", ["-c", sh, python, script], { env, stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    p.stdout.on("data", (b: Buffer) => (out += b.toString()));
    p.on("error", reject);
    p.on("close", () => resolve(out));
  });
}

// The test's own limit only bounds the loops: every run has 20 s of its own,
// and a hung one is reported as "exit 124", not as a timeout of the test.
it(`with Pool(...) never hangs: ${RUNS} runs in each of two loops at once`, { timeout: RUNS * 22_000 + 60_000 }, async () => {
  const t = tempDir();
  const home = join(t, "home");
  const lib = join(t, "lib");
  mkdirSync(lib);
  const python = join(CACHE, "cov-venv-311", "bin", "python");
  expect(covshim(home, ["enable", lib, "--python", python]).code).toBe(0);
  const rec = statusJson(home).installs[0]!;
  const script = join(t, "pool.py");
  writeFileSync(script, PROGRAM);
  const env: NodeJS.ProcessEnv = { ...process.env, PYTHONPATH: lib, COVERAGE_PROCESS_START: rec.rcfile };
  const [a, b] = await Promise.all([loop(python, script, env), loop(python, script, env)]);
  expect(a + b, "runs that failed or hung").toBe("");
  expect(covshim(home, ["off", "--purge"]).code).toBe(0);
});
