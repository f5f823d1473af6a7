import { execFileSync } from "node:child_process";

export { CACHE, CLI, PY311, ROOT, SETUP, pyenvPython } from "./base.mjs";
import { SETUP } from "./base.mjs";

/** A missing tool fails the test with the command that installs it; nothing skips. */
export function need(tool: string): string {
  try {
    return execFileSync("bash", ["-c", `command -v ${tool}`], { encoding: "utf8" }).trim();
  } catch {
    throw new Error(`${tool} is not installed: run '${SETUP}' (it installs every test prerequisite)`);
  }
}

export function debianCoveragePython(): string {
  const r = (() => {
    try {
      return execFileSync("/usr/bin/python3", ["-c", "import coverage; print(coverage.__version__)"], { encoding: "utf8" }).trim();
    } catch {
      return "";
    }
  })();
  if (!r) throw new Error(`/usr/bin/python3 has no coverage: run '${SETUP}' (apt-get install python3-coverage)`);
  return "/usr/bin/python3";
}

export const PY312 = "3.12.1";
export const PY313 = "3.13.0";
export const PY27 = "2.7.18";
