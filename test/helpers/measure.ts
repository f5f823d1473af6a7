import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { marksCovered, writeDemoApp } from "../../src/demo/app.js";
import { covshim, run } from "./fixtures.js";

export const dataFileCount = (dir: string) => {
  try {
    return readdirSync(dir).filter((n) => n.startsWith(".coverage.")).length;
  } catch {
    return 0;
  }
};

/** Runs the multi-process demo app with the environment a hooked shell would give. */
export function runApp(python: string, appDir: string, env: NodeJS.ProcessEnv) {
  const app = writeDemoApp(appDir);
  const r = run(python, [app], env, appDir);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  return r;
}

/** Combines a copy-free data dir with the install's coverage and says which processes were measured. */
export function marksIn(python: string, rcfile: string, dataDir: string, appDir: string, outDir: string) {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.COVERAGE_PROCESS_START;
  const c = run(python, ["-m", "coverage", "combine", "-q", `--rcfile=${rcfile}`], env, dataDir);
  expect(c.stderr + c.stdout).not.toMatch(/error|Error/);
  expect(c.code, c.stderr).toBe(0);
  const out = join(outDir, "cov.json");
  const j = run(python, ["-m", "coverage", "json", "-q", `--rcfile=${rcfile}`, "-o", out], env, dataDir);
  expect(j.code, j.stderr).toBe(0);
  return Object.fromEntries(marksCovered(JSON.parse(readFileSync(out, "utf8")), appDir).map((m) => [m.name, m.measured]));
}

/** Which processes of the demo app were measured, through `covshim report` (the recorder's files need it). */
export function marksThroughReport(home: string, appDir: string, outDir: string) {
  const out = join(outDir, "report.json");
  const r = covshim(home, ["report", "--json", out]);
  expect(r.code, r.stderr).toBe(0);
  return Object.fromEntries(marksCovered(JSON.parse(readFileSync(out, "utf8")), appDir).map((m) => [m.name, m.measured]));
}
