import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { covshim, pytestProject, run, statusJson, tempDir } from "../../helpers/fixtures.js";
import { debianCoveragePython, need } from "../../helpers/tools.js";

/**
 * Contexts with a real behave (Debian's python3-behave 1.2.6): the GPDB
 * case. Each feature's steps start processes through subprocess; the
 * two-line environment.py hook of the README names the feature in
 * COVSHIM_CONTEXT, which those processes inherit.
 */
const tool = (a: string, b: string) => `import sys


def start():
    return "${a}"


def stop():
    return "${b}"


if __name__ == "__main__":
    print(start() if sys.argv[1] == "start" else stop())
`;
const feature = (name: string, arg: string) => `Feature: ${name}\n  Scenario: ${name} the cluster\n    When I run the tool with "${arg}"\n`;
const STEPS = `import os
import subprocess
import sys

from behave import when


@when('I run the tool with "{arg}"')
def run_tool(context, arg):
    subprocess.check_call([sys.executable, os.path.join(os.getcwd(), "tool.py"), arg])
`;
// The hook the README documents.
const ENVIRONMENT = `import os


def before_feature(context, feature):
    os.environ["COVSHIM_CONTEXT"] = feature.name
`;

it("behave features name the lines their processes ran: report --contexts, diff --changed --contexts", () => {
  const python = debianCoveragePython();
  const behaveOk = run(python, ["-m", "behave", "--version"], process.env);
  if (behaveOk.code !== 0) throw new Error("behave is not installed for /usr/bin/python3: run 'bash scripts/test-setup.sh' (apt-get install python3-behave)");
  need("git");
  const t = tempDir();
  const home = join(t, "home");
  const repo = join(t, "repo");
  mkdirSync(join(repo, "features", "steps"), { recursive: true });
  writeFileSync(join(repo, "tool.py"), tool("started", "stopped"));
  writeFileSync(join(repo, "features", "gpstart.feature"), feature("gpstart", "start"));
  writeFileSync(join(repo, "features", "gpstop.feature"), feature("gpstop", "stop"));
  writeFileSync(join(repo, "features", "steps", "steps.py"), STEPS);
  writeFileSync(join(repo, "features", "environment.py"), ENVIRONMENT);
  const git = (...args: string[]) => execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", ...args], { cwd: repo, stdio: "pipe" });
  git("init", "-q", "-b", "main");
  git("add", ".");
  git("commit", "-q", "-m", "v1");
  const lib = join(t, "lib");
  mkdirSync(lib);
  const enable = () => expect(covshim(home, ["enable", lib, "--python", python, "--source", repo, "--contexts"]).code).toBe(0);
  enable();
  const rc = statusJson(home).installs[0]!.rcfile;
  const behave = () => {
    const r = run(python, ["-m", "behave", "--no-color", "-f", "progress"], { ...process.env, PYTHONPATH: lib, COVERAGE_PROCESS_START: rc }, repo);
    expect(r.code, r.stdout + r.stderr).toBe(0);
  };
  behave();
  const rep = covshim(home, ["report", "--contexts"]);
  expect(rep.code, rep.stderr).toBe(0);
  const file = join(repo, "tool.py");
  expect(rep.stdout).toContain(`${file}:5 — gpstart\n`);
  expect(rep.stdout).toContain(`${file}:9 — gpstop\n`);
  // Lines both features' processes ran name both.
  expect(rep.stdout).toContain(`${file}:13 — gpstart, gpstop\n`);
  // unittest in the same run: coverage's per-test context names the test function.
  writeFileSync(join(repo, "test_tool.py"), "import unittest\n\nimport tool\n\n\nclass T(unittest.TestCase):\n    def test_stop(self):\n        self.assertEqual(tool.stop(), 'stopped')\n");
  git("add", "test_tool.py");
  git("commit", "-q", "-m", "a unit test");
  expect(run(python, ["-m", "unittest", "-q", "test_tool"], { ...process.env, PYTHONPATH: `${lib}:${repo}`, COVERAGE_PROCESS_START: rc }, repo).code).toBe(0);
  const withTests = covshim(home, ["report", "--contexts"]);
  expect(withTests.stdout).toMatch(new RegExp(`${file.replace(/[.]/g, "\\.")}:9 — gpstop, \\S*test_stop\n`));
  expect(withTests.stdout).toContain(`${file}:5 — gpstart\n`);
  expect(covshim(home, ["report", "--save", "before"]).code).toBe(0);

  // The change: both functions edited. Which feature runs each changed line?
  writeFileSync(join(repo, "tool.py"), tool("up", "down"));
  enable();
  behave();
  const d = covshim(home, ["diff", "before", "--changed", "--contexts", "--json"]);
  expect(d.code, d.stderr).toBe(0);
  const j = JSON.parse(d.stdout);
  expect(j.files).toEqual([{ path: file, repoPath: "tool.py", changed: [5, 9], covered: [5, 9], missing: [], lost: [], coveredBefore: [5, 9], contexts: { "5": ["gpstart"], "9": ["gpstop"] } }]);
  const text = covshim(home, ["diff", "before", "--changed", "--contexts"]);
  expect(text.stdout).toContain("tool.py:5 — gpstart");
  expect(text.stdout).toContain("tool.py:9 — gpstop");

  // Without --contexts at enable, asking for them is one line, not an empty answer.
  const home2 = join(t, "home2");
  expect(covshim(home2, ["enable", lib, "--python", python, "--source", repo]).code).toBe(0);
  run(python, [join(repo, "tool.py"), "start"], { ...process.env, PYTHONPATH: lib, COVERAGE_PROCESS_START: statusJson(home2).installs[0]!.rcfile }, repo);
  const none = covshim(home2, ["report", "--contexts"]);
  expect(none.code).toBe(1);
  expect(none.stderr.trim()).toBe("covshim: lib records no contexts: enable it with --contexts, run the tests, then report");
});

it("pytest with xdist workers: each line names its test, and a utility a test starts through subprocess is named after that test", () => {
  const { home, venv, python, repo } = pytestProject();
  writeFileSync(join(repo, "tool.py"), tool("started", "stopped"));
  // As gpMgmt's tests do: one calls the code, one runs the utility as a program.
  writeFileSync(
    join(repo, "tests", "test_tool.py"),
    `import os
import subprocess
import sys

import tool

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_start():
    assert tool.start() == "started"


def test_stop_as_a_program():
    out = subprocess.check_output([sys.executable, os.path.join(HERE, "tool.py"), "stop"])
    assert out == b"stopped\\n"


def test_program_environment_untouched():
    out = subprocess.check_output([sys.executable, "-c", "import os; print(sorted(k for k in os.environ if k.startswith('COVSHIM')))"])
    assert out == b"[]\\n"
`,
  );
  expect(covshim(home, ["enable", venv, "--source", repo, "--contexts"]).code).toBe(0);
  const rc = statusJson(home).installs[0]!.rcfile;
  const env: NodeJS.ProcessEnv = { ...process.env, PYTHONPATH: repo, COVERAGE_PROCESS_START: rc };
  delete env.PYTEST_ADDOPTS;
  const r = run(python, ["-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "2", "tests"], env, repo);
  expect(r.code, r.stdout + r.stderr).toBe(0);
  expect(r.stdout).toMatch(/3 passed/);
  expect(r.stderr).toBe("");
  const rep = covshim(home, ["report", "--contexts"]);
  expect(rep.code, rep.stderr).toBe(0);
  const file = join(repo, "tool.py");
  // In the xdist worker: coverage's dynamic context, the test function.
  expect(rep.stdout).toMatch(new RegExp(`${file.replace(/[.]/g, "\\.")}:5 — \\S*test_start\n`));
  // In the program the other test ran: pytest's id of that test.
  expect(rep.stdout).toContain(`${file}:9 — tests/test_tool.py::test_stop_as_a_program\n`);
  expect(rep.stdout).toContain(`${file}:13 — tests/test_tool.py::test_stop_as_a_program\n`);
  expect(covshim(home, ["off"]).code).toBe(0);
});
