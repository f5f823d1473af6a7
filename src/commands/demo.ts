import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync, realpathSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CovshimError } from "../errors.js";
import { hashTree, treeDiff } from "../fs/treehash.js";
import { writeDemoApp, marksCovered } from "../demo/app.js";
import { dataFiles } from "../coverage/datadir.js";
import { whichPython } from "../install/target.js";
import { pythonEnv } from "../install/probe.js";
import { out } from "../output.js";
import type { CommandSpec } from "./spec.js";
import { plural } from "../human.js";

/**
 * A throwaway install (a PYTHONPATH directory that already has a
 * sitecustomize.py), a multi-process app, enable, run, report which
 * processes were measured, off, and proof that the install is as it was.
 * Runs under its own COVSHIM_HOME so the user's state is not touched.
 */
export const demo: CommandSpec = {
  name: "demo",
  summary: "a throwaway install with a multi-process app: enable, run, report, off",
  examples: ["covshim demo", "covshim demo --python /usr/bin/python3 --keep"],
  options: [
    { flags: "--python <exe>", help: "interpreter with coverage to use" },
    { flags: "--keep", help: "keep the throwaway directory" },
  ],
  action: (_args, o) => runDemo(o as { python?: string; keep?: boolean }),
};

async function runDemo(o: { python?: string; keep?: boolean }): Promise<void> {
  const { execa } = await import("execa");
  const root = realpathSync(mkdtempSync(join(tmpdir(), "covshim-demo-")));
  const home = join(root, "covshim-home");
  const install = join(root, "install");
  const appDir = join(root, "app");
  mkdirSync(install);
  writeFileSync(join(install, "sitecustomize.py"), "# the install's own sitecustomize: covshim must keep it working\nimport os\nos.environ.setdefault('DEMO_SITECUSTOMIZE', 'ran')\n");
  const app = writeDemoApp(appDir);
  const cli = [process.argv[1]!];
  // As in a hooked shell where the install is on PYTHONPATH (what greenplum_path.sh does for $GPHOME/lib/python).
  const env: NodeJS.ProcessEnv = { ...process.env, COVSHIM_HOME: home, COVSHIM_QUIET: "1", __COVSHIM_HOOKED: "1", PYTHONPATH: [install, process.env.PYTHONPATH].filter(Boolean).join(":") };
  delete env.COVERAGE_PROCESS_START;
  const python = o.python ?? (await pickPython(execa));
  const covshim = (args: string[]) => execa(process.execPath, [...cli, ...args], { env, extendEnv: false, reject: false });
  try {
    out(`covshim demo in ${root}`);
    out(`  python: ${python}`);
    const before = hashTree(install);
    const en = await covshim(["enable", install, "--python", python, "--name", "demo"]);
    if (en.exitCode !== 0) throw new CovshimError(`enable failed: ${String(en.stderr).trim()}`);
    out(`$ covshim enable ${install} --python ${python} --name demo\n${indent(String(en.stderr))}`);
    const status = JSON.parse(String((await covshim(["status", "--json"])).stdout));
    const rec = status.installs[0];
    // The app runs as the user's programs do (bytecode written, if the user's environment allows).
    const runEnv: NodeJS.ProcessEnv = { ...env, COVERAGE_PROCESS_START: rec.rcfile };
    const run = await execa(python, [app], { env: runEnv, extendEnv: false, reject: false, cwd: appDir });
    out(`$ python ${app}   (COVERAGE_PROCESS_START set, as the shell hook does)\n${indent(String(run.stdout))}`);
    if (run.exitCode !== 0) throw new CovshimError(`the demo app failed: ${String(run.stderr).trim().split("\n").pop()}`);
    const files = dataFiles(rec.dataDir);
    out(`  ${plural(files.length, "data file")}: one per measured process`);
    const covEnv = pythonEnv([], env);
    await execa(python, ["-m", "coverage", "combine", "-q", `--rcfile=${rec.rcfile}`], { cwd: rec.dataDir, env: covEnv, extendEnv: false });
    const jsonFile = join(root, "report.json");
    await execa(python, ["-m", "coverage", "json", "-q", `--rcfile=${rec.rcfile}`, "-o", jsonFile], { cwd: rec.dataDir, env: covEnv, extendEnv: false });
    const marks = marksCovered(JSON.parse(readFileSync(jsonFile, "utf8")), appDir);
    out("  which processes were measured:");
    for (const m of marks) {
      out(`    ${m.measured ? "yes" : "NO "}  ${m.name.padEnd(20)} ${m.file}:${m.line}`);
    }
    const off = await covshim(["off"]);
    out(`$ covshim off\n${indent(String(off.stderr))}`);
    const after = hashTree(install);
    const changed = treeDiff(before, after);
    out(changed.length ? `  install CHANGED after off: ${changed.join(", ")}` : `  install after off: identical to before (${plural(Object.keys(after).length, "entry", "entries")}: content, mode, owner, mtime to the nanosecond)`);
    const n0 = dataFiles(rec.dataDir).length;
    await execa(python, [app], { env: runEnv, extendEnv: false, reject: false, cwd: appDir });
    const n1 = dataFiles(rec.dataDir).length;
    out(`  a new run after off wrote ${plural(n1 - n0, "data file")}`);
    const missed = marks.filter((m) => !m.measured && m.name !== "before-exec");
    if (changed.length || missed.length || n1 !== n0) throw new CovshimError("demo failed: see above");
    out("demo ok");
  } finally {
    if (o.keep) out(`kept ${root}`);
    else rmSync(root, { recursive: true, force: true });
  }
}

const indent = (s: string) => s.trim().split("\n").filter(Boolean).map((l) => `  ${l}`).join("\n");

async function pickPython(execa: typeof import("execa").execa): Promise<string> {
  const candidates = [whichPython(), "/usr/bin/python3"].filter((x): x is string => !!x);
  for (const c of candidates) {
    const r = await execa(c, ["-c", "import coverage"], { reject: false, env: pythonEnv(), extendEnv: false });
    if (r.exitCode === 0) return c;
  }
  throw new CovshimError("no python3 with coverage found; fix: apt-get install python3-coverage (or pass --python EXE)");
}
