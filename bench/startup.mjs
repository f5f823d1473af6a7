// Figure 2: Python start-up with the shim installed and measurement off,
// against no shim; interleaved runs of `python -c pass`.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { covshim, median, timeMs, tmp, venv, fmt, pyenv } from "./lib.mjs";

function interleaved(a, b, n) {
  const xa = [];
  const xb = [];
  for (let i = 0; i < n; i++) {
    xa.push(a());
    xb.push(b());
  }
  return [median(xa), median(xb)];
}

export async function run({ quick }) {
  const n = quick ? 5 : 150;
  const dir = tmp();
  const home = join(dir, "home");
  const env = { ...process.env };
  delete env.COVERAGE_PROCESS_START;
  // .pth shim in a venv, against an identical venv without it.
  const plain = venv(join(dir, "plain"));
  const shimmed = venv(join(dir, "shimmed"));
  covshim(home, ["enable", shimmed, "--scope", "shell"]);
  const [p0, p1] = interleaved(
    () => timeMs(join(plain, "bin", "python"), ["-c", "pass"], { env }),
    () => timeMs(join(shimmed, "bin", "python"), ["-c", "pass"], { env }),
    n,
  );
  // sitecustomize block in a PYTHONPATH directory, against an empty sitecustomize;
  // with bytecode cached (as Python leaves it), and without (PYTHONDONTWRITEBYTECODE,
  // or an install the user cannot write): then the file is compiled at every start.
  const py = pyenv("3.11.7");
  const bare = join(dir, "bare");
  const lib = join(dir, "lib");
  mkdirSync(bare);
  mkdirSync(lib);
  writeFileSync(join(bare, "sitecustomize.py"), "");
  covshim(home, ["enable", lib, "--python", join(shimmed, "bin", "python")]);
  const cached = { ...env };
  delete cached.PYTHONDONTWRITEBYTECODE;
  for (const d of [bare, lib]) timeMs(py, ["-c", "pass"], { env: { ...cached, PYTHONPATH: d } });
  const [d0, d1] = interleaved(
    () => timeMs(py, ["-c", "pass"], { env: { ...cached, PYTHONPATH: bare } }),
    () => timeMs(py, ["-c", "pass"], { env: { ...cached, PYTHONPATH: lib } }),
    n,
  );
  for (const d of [bare, lib]) rmSync(join(d, "__pycache__"), { recursive: true, force: true });
  const nocache = { ...env, PYTHONDONTWRITEBYTECODE: "1" };
  const [b0, b1] = interleaved(
    () => timeMs(py, ["-c", "pass"], { env: { ...nocache, PYTHONPATH: bare } }),
    () => timeMs(py, ["-c", "pass"], { env: { ...nocache, PYTHONPATH: lib } }),
    n,
  );
  // Install scope, expired: the shim also compares a time.
  covshim(home, ["off"]);
  covshim(home, ["enable", shimmed, "--scope", "install", "--for", "1s"]);
  await new Promise((r) => setTimeout(r, 1200));
  const [e0, e1] = interleaved(
    () => timeMs(join(plain, "bin", "python"), ["-c", "pass"], { env }),
    () => timeMs(join(shimmed, "bin", "python"), ["-c", "pass"], { env }),
    n,
  );
  covshim(home, ["off"]);
  // The floor: any one extra .pth file (a one-line `import os`) costs this much.
  writeFileSync(join(shimmed, "lib", "python3.11", "site-packages", "a0_floor.pth"), "import os\n");
  const [f0, f1] = interleaved(
    () => timeMs(join(plain, "bin", "python"), ["-c", "pass"], { env }),
    () => timeMs(join(shimmed, "bin", "python"), ["-c", "pass"], { env }),
    n,
  );
  const rows = [
    ["control: an empty one-line .pth, no shim", fmt(f0), fmt(f1), fmt(f1 / f0, 3)],
    ["venv, .pth shim, shell scope, off", fmt(p0), fmt(p1), fmt(p1 / p0, 3)],
    ["PYTHONPATH dir, sitecustomize block, off, bytecode cached", fmt(d0), fmt(d1), fmt(d1 / d0, 3)],
    ["PYTHONPATH dir, sitecustomize block, off, no bytecode (PYTHONDONTWRITEBYTECODE=1)", fmt(b0), fmt(b1), fmt(b1 / b0, 3)],
    ["venv, .pth shim, install scope expired", fmt(e0), fmt(e1), fmt(e1 / e0, 3)],
  ];
  return {
    title: "Python start-up with the shim installed, measurement off",
    command: "node bench/run.mjs --only startup",
    table: [["case (Python 3.11, `python -c pass`)", "without shim, ms", "with shim, ms", "ratio"], ...rows],
    target: "within 2% (ratio ≤ 1.02)",
    met: [p1 / p0, d1 / d0, b1 / b0, e1 / e0].every((r) => r <= 1.02),
  };
}
