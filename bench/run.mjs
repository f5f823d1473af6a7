// npm run bench: runs every figure side by side on this machine and rewrites
// docs/benchmarks.md. --quick: few iterations (CI runs it so the scripts
// cannot rot; its numbers mean nothing). --only NAME: one figure, whose
// section alone is replaced in the file. --out FILE.
import { execFileSync } from "node:child_process";
import { cpus, totalmem } from "node:os";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, have } from "./lib.mjs";

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const only = args.includes("--only") ? args[args.indexOf("--only") + 1] : undefined;
const out = args.includes("--out") ? args[args.indexOf("--out") + 1] : join(ROOT, "docs", quick ? "benchmarks.quick.md" : "benchmarks.md");
const FIGURES = ["prompt", "startup", "overhead", "recorder", "gpdb", "cli", "multiproc", "cluster", "changed"];

const version = (cmd, a = ["--version"]) => {
  try {
    return execFileSync(cmd, a, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).split("\n")[0].trim();
  } catch {
    return "not installed";
  }
};

const results = [];
for (const name of FIGURES) {
  if (only && only !== name) continue;
  const t0 = Date.now();
  process.stderr.write(`bench: ${name}...`);
  const mod = await import(`./${name}.mjs`);
  const r = await mod.run({ quick });
  results.push({ name, ...r });
  process.stderr.write(` ${((Date.now() - t0) / 1000).toFixed(1)} s, target ${r.met ? "met" : "MISSED"}\n`);
}

const table = (rows) => [rows[0], rows[0].map(() => "---"), ...rows.slice(1)].map((r) => `| ${r.join(" | ")} |`).join("\n");
let md = `# Benchmarks\n\nProduced by \`npm run bench\` (\`node bench/run.mjs\`)${quick ? " in QUICK mode: too few iterations to mean anything" : ""} on ${new Date().toISOString().slice(0, 10)}.\nRatios are what count: every ratio compares two things measured side by side in the same run. Absolute times are shown but noisy.\n\n`;
md += `Machine: ${cpus().length} × ${cpus()[0]?.model ?? "?"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; Node ${process.version}; ${version("bash")}; ${version("zsh")}; ${version("fish")}; direnv ${version("direnv", ["version"])}; coverage ${version(join(ROOT, ".cache", "test", "cov-venv-311", "bin", "python"), ["-c", "import coverage; print(coverage.__version__)"])}.\n\n`;
const section = (r) => {
  let s = `## ${r.title}\n\n${table(r.table)}\n\nTarget: ${r.target} — **${r.met ? "met" : "missed"}**. Reproduce: \`${r.command}\`.\n`;
  for (const n of r.notes ?? []) s += `\n${n}\n`;
  return `${s}\n`;
};
// The hand-written analysis below the figures is kept as it is.
const MARK = "## Where the time goes";
const previous = existsSync(out) ? readFileSync(out, "utf8") : "";
if (only && previous.includes(MARK)) {
  // One figure: only its section changes; the others keep their run's figures.
  const mine = section(results[0]);
  const at = previous.indexOf(`## ${results[0].title}\n`);
  if (at >= 0) {
    const next = previous.indexOf("\n## ", at + 1);
    md = previous.slice(0, at) + mine + previous.slice(next + 1);
  } else {
    md = previous.slice(0, previous.indexOf(MARK)) + mine + previous.slice(previous.indexOf(MARK));
  }
} else {
  for (const r of results) md += section(r);
  md += previous.includes(MARK) ? previous.slice(previous.indexOf(MARK)) : `${MARK}\n\n(analysis to be written)\n`;
}
writeFileSync(out, md);
process.stderr.write(`bench: wrote ${out}\n`);
if (!have("strace")) process.stderr.write("bench: strace missing, processes per prompt not counted (bash scripts/test-setup.sh)\n");
