import { existsSync, readdirSync } from "node:fs";
import { CLI, coverageSite311 } from "./base.mjs";

/**
 * Builds what many tests share, once: a venv of Python 3.11 with real
 * coverage from pip (the offline wheel), whose installed files tests copy
 * into throwaway venvs, and checks the CLI is built.
 */
export default function setup(): void {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run 'npm run build' (npm test does)`);
  const site = coverageSite311();
  if (!readdirSync(site).some((n) => n.startsWith("coverage-"))) throw new Error("coverage dist-info missing in the cached venv");
}
