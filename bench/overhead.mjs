// Figure 3: measured-run overhead on the seed README's tight loop, covshim's
// `auto` core against coverage's default and against no measurement.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { covshim, median, status, timeMs, tmp, venv, fmt } from "./lib.mjs";

const LOOP = (n) => `
class _Example:
    def add_numbers(self, a, b):
        return a + b

e = _Example()
for _ in range(${n}):
    e.add_numbers(1, 6)
`;

export async function run({ quick }) {
  const iters = quick ? 20_000 : 10_000_000;
  const reps = quick ? 1 : 3;
  const dir = tmp();
  const script = join(dir, "loop.py");
  writeFileSync(script, LOOP(iters));
  const empty = join(dir, "empty.py");
  writeFileSync(empty, LOOP(0));
  const rows = [];
  let met = true;
  for (const version of ["3.11.7", "3.12.1", "3.13.0"]) {
    const home = join(dir, `home-${version}`);
    const v = venv(join(dir, `venv-${version}`), version);
    const py = join(v, "bin", "python");
    const env = { ...process.env };
    delete env.COVERAGE_PROCESS_START;
    const time = (extra, file = script, n = reps) => median(Array.from({ length: n }, () => timeMs(py, [file], { env: { ...env, ...extra } })));
    const none = time({});
    const noneEmpty = time({}, empty);
    covshim(home, ["enable", v]);
    const auto = status(home).installs[0];
    const tAuto = time({ COVERAGE_PROCESS_START: auto.rcfile });
    // The same program with no loop: coverage's fixed start-up and save cost.
    const autoEmpty = time({ COVERAGE_PROCESS_START: auto.rcfile }, empty);
    const loopRatio = (tAuto - autoEmpty) / (none - noneEmpty);
    // coverage's default: what the hand procedure gets (ctrace where the C
    // tracer exists; the pure-Python tracer on 3.12+ here, where the offline
    // wheel's C extension does not load).
    const handRc = join(dir, `hand-${version}.rc`);
    writeFileSync(handRc, `[run]\nparallel = True\ndata_file = ${dir}/hand-${version}/.coverage\n`);
    // The pure-Python tracer is 10-50x slower: one run is enough to see it.
    const tDefault = time({ COVERAGE_PROCESS_START: handRc }, script, version === "3.11.7" ? reps : 1);
    covshim(home, ["off"]);
    const defaultCore = version === "3.11.7" ? "ctrace" : "pytrace (no C tracer)";
    const recorder = auto.recorder === "covshim" ? "covshim's recorder" : auto.core;
    rows.push([version, fmt(none, 0), `${recorder}: ${fmt(tAuto, 0)}`, `${defaultCore}: ${fmt(tDefault, 0)}`, fmt(tAuto / none), fmt(loopRatio), fmt(tDefault / none)]);
    if (version !== "3.11.7" && tAuto / none > 1.5) met = false;
  }
  return {
    title: "Measured-run overhead on the tight loop",
    command: "node bench/run.mjs --only overhead",
    table: [["Python", "unmeasured, ms", "covshim auto, ms", "coverage default, ms", "auto ratio", "auto ratio, loop only", "default ratio"], ...rows],
    target: "auto ≤ 1.5× on 3.12+",
    met,
    notes: [`${iters.toLocaleString("en")} calls of \`_Example().add_numbers(1, 6)\`; median of ${reps} (one run for the pure-Python tracer). The hand procedure's coveragerc names no core, so it gets coverage's default. "Loop only" subtracts the same program without the loop (interpreter and coverage start-up, saving the data) from both sides.`],
  };
}
