import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { run, tempDir, venvPurePython } from "./helpers/fixtures.js";
import { PY27, PY312, PY313, ROOT, pyenvPython } from "./helpers/tools.js";

/**
 * The Python of templates/ has unit tests of its own (test/templates/,
 * mirroring it; the standard library's unittest), run here with each Python
 * they apply to: GPDB 6's 2.7 for what runs on every install and host, 3.12
 * and 3.13 (with coverage 7) for covshim's recorder and coverage's rules.
 */
const T = join(ROOT, "test", "templates");
const EVERY_PYTHON = ["data/test_files.py", "agent/test_remote.py", "shim/test_starter.py"];
const WITH_COVERAGE_7 = [...EVERY_PYTHON, "data/test_rules.py", "data/test_combine.py", "shim/test_recorder.py"];

function unittests(python: string, files: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of ["COVERAGE_PROCESS_START", "PYTHONPATH", "PYTHONHOME"]) delete env[k];
  const r = run(python, [join(T, "run.py"), ...files.map((f) => join(T, f))], env, T);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toMatch(/^ran [1-9]\d*, failed 0, errors 0, skipped 0$/m);
}

describe("templates/' Python, unit tests", () => {
  it(`Python ${PY27}: ${EVERY_PYTHON.join(", ")}`, () => unittests(pyenvPython(PY27), EVERY_PYTHON));
  for (const v of [PY312, PY313]) {
    it(`Python ${v} with coverage 7: ${WITH_COVERAGE_7.join(", ")}`, { timeout: 180_000 }, () => {
      const venv = venvPurePython(join(tempDir(), "venv"), v);
      unittests(join(venv, "bin", "python"), WITH_COVERAGE_7);
    });
  }
});
