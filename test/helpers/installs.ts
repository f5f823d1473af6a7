import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { compileAll, venvWithCoverage } from "./fixtures.js";
import { debianCoveragePython } from "./tools.js";

/** A PYTHONPATH directory with a sitecustomize.py of its own and its cached .pyc. */
export function dirInstall(root: string, name = "lib"): { path: string; python: string } {
  const python = debianCoveragePython();
  const path = join(root, name);
  mkdirSync(path, { recursive: true });
  writeFileSync(join(path, "sitecustomize.py"), "import os\nos.environ.setdefault('SITE_RAN', '1')\n");
  writeFileSync(join(path, "helper.py"), "X = 1\n");
  compileAll(python, path);
  return { path, python };
}

export function venvInstall(root: string, name = "venv"): { path: string; python: string } {
  const path = venvWithCoverage(join(root, name));
  return { path, python: join(path, "bin", "python") };
}
