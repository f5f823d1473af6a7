import { execFileSync } from "node:child_process";

export { CACHE, CLI, PY311, ROOT, SETUP, need, pyenvPython } from "./base.mjs";
import { SETUP } from "./base.mjs";

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
export { PY27 } from "./base.mjs";
