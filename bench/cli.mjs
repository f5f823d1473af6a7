// Figure 4: CLI cold start against `node -e 0`.
import { join } from "node:path";
import { CLI, median, timeMs, tmp, fmt } from "./lib.mjs";

export async function run({ quick }) {
  const n = quick ? 3 : 40;
  const home = join(tmp(), "home");
  const env = { ...process.env, COVSHIM_HOME: home };
  const cases = [
    ["node -e 0", ["-e", "0"]],
    ["covshim status", [CLI, "status"]],
    ["covshim hook zsh", [CLI, "hook", "zsh"]],
    ["covshim --version", [CLI, "--version"]],
  ];
  const times = cases.map(() => []);
  for (let i = 0; i < n; i++) cases.forEach(([, args], k) => times[k].push(timeMs(process.execPath, args, { env })));
  const med = times.map(median);
  return {
    title: "CLI cold start",
    command: "node bench/run.mjs --only cli",
    table: [["command", "median ms", "ratio to node -e 0"], ...cases.map(([name], k) => [name, fmt(med[k], 1), fmt(med[k] / med[0])])],
    target: "≤ 1.3× of node -e 0",
    met: med.slice(1).every((m) => m / med[0] <= 1.3),
  };
}
