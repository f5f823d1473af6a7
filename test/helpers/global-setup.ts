import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { CACHE, CLI, PY311, SETUP, pyenvPython } from "./tools.js";

/**
 * Builds what many tests share, once: a venv of Python 3.11 with real
 * coverage from pip (the offline wheel), whose installed files tests copy
 * into throwaway venvs, and checks the CLI is built.
 */
export default function setup(): void {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run 'npm run build' (npm test does)`);
  const venv = join(CACHE, "cov-venv-311");
  const site = join(venv, "lib", "python3.11", "site-packages");
  if (!existsSync(join(site, "coverage"))) {
    mkdirSync(CACHE, { recursive: true });
    execFileSync(pyenvPython(PY311), ["-m", "venv", "--clear", venv], { stdio: "inherit" });
    try {
      execFileSync(join(venv, "bin", "pip"), ["install", "-q", "coverage"], { stdio: "inherit", env: { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: "1" } });
    } catch {
      throw new Error(`pip install coverage failed for Python 3.11: run '${SETUP}'`);
    }
  }
  if (!readdirSync(site).some((n) => n.startsWith("coverage-"))) throw new Error("coverage dist-info missing in the cached venv");
}
