import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { covshim, pytestProject, run, statusJson, tempDir } from "../../helpers/fixtures.js";
import { debianCoveragePython, need } from "../../helpers/tools.js";

/**
 * `covshim tests BASE`: from BASE's contexts and the git change, the tests to
 * run first. Then running only those, with measurement on, covers the
 * changed lines the whole suite covers (`diff --changed` of both runs).
 */

interface Selection {
  tests: { runner: string; id: string; reaches: number }[];
  commands: { runner: string; argv: string[]; line: string }[];
  unreached: { repoPath: string; lines: number[]; why: string }[];
}

const gitIn = (repo: string) => (...args: string[]) => execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", ...args], { cwd: repo, stdio: "pipe" });

/** The changed lines `diff BASE --changed` says ran, per file. */
function changedCovered(home: string, base: string): Record<string, number[]> {
  const d = covshim(home, ["diff", base, "--changed", "--json"]);
  expect(d.code, d.stderr).toBe(0);
  const j = JSON.parse(d.stdout) as { files: { repoPath: string; covered: number[]; changed: number[] }[] };
  expect(j.files.some((f) => f.changed.length)).toBe(true);
  return Object.fromEntries(j.files.map((f) => [f.repoPath, f.covered]));
}

// gpMgmt's shape: a library, a utility that imports it, behave features that
// run the utility as a process (the README's environment.py hook).
const OPS = (variant: "base" | "changed") => {
  const out = ["def shared(x):", variant === "base" ? "    y = x * 2" : "    y = x * 3", "    return y + 1", "", ""];
  for (let k = 0; k < 12; k++) {
    out.push(`def op${k}():`);
    if (k === 3 && variant === "changed") out.push("    note = 'op3 changed'");
    out.push(k === 3 || k === 7 ? `    return shared(${k})` : `    return ${k}`, "", "");
  }
  out.push("def never_run():", variant === "base" ? "    return 'never'" : "    return 'still never'", "");
  return out.join("\n");
};
const UTIL = `import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from gppylib import ops  # noqa: E402

print(getattr(ops, sys.argv[1])())
`;
const STEPS = `import os
import subprocess
import sys

from behave import when


@when('I run the utility with "{op}"')
def run_util(context, op):
    subprocess.check_call([sys.executable, os.path.join(os.getcwd(), "bin", "gputil.py"), op])
`;
const ENVIRONMENT = `import os


def before_feature(context, feature):
    os.environ["COVSHIM_CONTEXT"] = feature.name
`;

it("behave: 12 features, each running a utility as a process; a change two features run names those two, ranked, with the behave command; running just those covers what the whole suite covers", () => {
  const python = debianCoveragePython();
  if (run(python, ["-m", "behave", "--version"], process.env).code !== 0) throw new Error("behave is not installed for /usr/bin/python3: run 'bash scripts/test-setup.sh' (apt-get install python3-behave)");
  need("git");
  const t = tempDir();
  const home = join(t, "home");
  const repo = join(t, "gpMgmt");
  mkdirSync(join(repo, "features", "steps"), { recursive: true });
  mkdirSync(join(repo, "gppylib"));
  mkdirSync(join(repo, "bin"));
  writeFileSync(join(repo, "gppylib", "__init__.py"), "");
  writeFileSync(join(repo, "gppylib", "ops.py"), OPS("base"));
  writeFileSync(join(repo, "bin", "gputil.py"), UTIL);
  for (let k = 0; k < 12; k++) writeFileSync(join(repo, "features", `util${k}.feature`), `Feature: util${k}\n  Scenario: util${k} runs\n    When I run the utility with "op${k}"\n`);
  writeFileSync(join(repo, "features", "steps", "steps.py"), STEPS);
  writeFileSync(join(repo, "features", "environment.py"), ENVIRONMENT);
  const git = gitIn(repo);
  git("init", "-q", "-b", "main");
  git("add", ".");
  git("commit", "-q", "-m", "v1");
  const lib = join(t, "lib");
  mkdirSync(lib);
  const enable = () => expect(covshim(home, ["enable", lib, "--python", python, "--source", join(repo, "gppylib"), "--contexts"]).code).toBe(0);
  const behave = (args: string[]) => {
    const r = run(python, ["-m", "behave", "--no-color", "-f", "progress", ...args], { ...process.env, PYTHONPATH: lib, COVERAGE_PROCESS_START: statusJson(home).installs[0]!.rcfile }, repo);
    expect(r.code, r.stdout + r.stderr).toBe(0);
  };
  enable();
  behave([]);
  expect(covshim(home, ["report", "--save", "base"]).code).toBe(0);

  // Bad input: one line each, exit 1.
  const before = covshim(home, ["tests", "base"]);
  expect(before.code).toBe(1);
  expect(before.stderr.trim()).toBe("covshim: no change since HEAD: nothing to select");
  writeFileSync(join(repo, "README"), "docs\n");
  const outside = covshim(home, ["tests", "base"]);
  expect(outside.code).toBe(1);
  expect(outside.stderr.trim()).toBe("covshim: the change since HEAD touches none of the files 'base' measured (README)");
  const badRef = covshim(home, ["tests", "base", "--changed", "no-such-ref"]);
  expect(badRef.code).toBe(1);
  expect(badRef.stderr.trim()).toBe(`covshim: --changed: 'no-such-ref' is not a commit in ${repo}`);

  // The change: shared() (util3 and util7 run it), op3 (util3 only), never_run (no feature).
  writeFileSync(join(repo, "gppylib", "ops.py"), OPS("changed"));
  const sel = covshim(home, ["tests", "base", "--json"]);
  expect(sel.code, sel.stderr).toBe(0);
  const j = JSON.parse(sel.stdout) as Selection;
  expect(j.tests.map((x) => [x.runner, x.id, x.reaches])).toEqual([
    ["behave", "features/util3.feature", 2],
    ["behave", "features/util7.feature", 1],
  ]);
  expect(j.commands.map((c) => c.line)).toEqual(["behave features/util3.feature features/util7.feature"]);
  const never = OPS("changed").split("\n").indexOf("    return 'still never'") + 1;
  expect(j.unreached).toEqual([{ repoPath: "gppylib/ops.py", kind: "edit", lines: [never], why: "BASE never ran this code", path: join(repo, "gppylib", "ops.py") }]);
  const text = covshim(home, ["tests", "base"]);
  expect(text.stdout).toContain("      2  behave    features/util3.feature  (util3)\n");
  expect(text.stdout).toContain(`Run them (from ${repo}), with measurement on, then covshim diff base --changed:\n  behave features/util3.feature features/util7.feature\n`);
  expect(text.stdout).toContain(`  gppylib/ops.py:${never}  BASE never ran this code`);

  // Just the selected features, then the whole suite: the same changed lines covered.
  enable();
  behave(j.commands[0]!.argv.slice(1));
  const selected = changedCovered(home, "base");
  enable();
  behave([]);
  expect(selected).toEqual(changedCovered(home, "base"));
  expect(selected["gppylib/ops.py"]!.length).toBe(2);
  expect(covshim(home, ["off"]).code).toBe(0);
});

const TOOL = (variant: "base" | "changed") => `import sys


def start():
    ${variant === "base" ? 'state = "started"' : 'state = "up"'}
    return state


def stop():
    ${variant === "base" ? 'return "stopped"' : 'return "down"'}


def unused():
    ${variant === "base" ? "return 0" : "return -1"}


if __name__ == "__main__":
    print(start() if sys.argv[1] == "start" else stop())
`;

it("pytest with xdist workers and unittest: the tests that ran the changed code, in-process and through a program, each with its runner's command; running just those covers what both suites cover", () => {
  need("git");
  const { home, venv, python, repo } = pytestProject();
  writeFileSync(join(repo, "tool.py"), TOOL("base"));
  writeFileSync(
    join(repo, "tests", "test_tool.py"),
    `import os
import subprocess
import sys

import tool

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_start():
    assert tool.start() in ("started", "up")


def test_nothing():
    assert True


def test_stop_as_a_program():
    out = subprocess.check_output([sys.executable, os.path.join(HERE, "tool.py"), "stop"])
    assert out.strip() in (b"stopped", b"down")
`,
  );
  writeFileSync(
    join(repo, "tests", "test_units.py"),
    `import unittest

import tool


class TestTool(unittest.TestCase):
    def test_start(self):
        self.assertIn(tool.start(), ("started", "up"))

    def test_other(self):
        self.assertTrue(True)
`,
  );
  const git = gitIn(repo);
  git("init", "-q", "-b", "main");
  git("add", ".");
  git("commit", "-q", "-m", "v1");
  const env: NodeJS.ProcessEnv = { ...process.env, PYTHONPATH: repo };
  delete env.PYTEST_ADDOPTS;
  const withRc = () => ({ ...env, COVERAGE_PROCESS_START: statusJson(home).installs[0]!.rcfile });
  const pytest = (ids: string[]) => run(python, ["-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "2", ...ids], withRc(), repo);
  const unittest = (ids: string[]) => run(python, ["-m", "unittest", "-q", ...ids], withRc(), repo);

  // Measured without contexts: asking for tests says how to record them.
  expect(covshim(home, ["enable", venv, "--source", repo]).code).toBe(0);
  expect(pytest(["tests/test_tool.py"]).code).toBe(0);
  expect(covshim(home, ["report", "--save", "plain"]).code).toBe(0);
  writeFileSync(join(repo, "tool.py"), TOOL("changed"));
  const plain = covshim(home, ["tests", "plain"]);
  expect(plain.code).toBe(1);
  expect(plain.stderr.trim()).toBe("covshim: 'plain' has no contexts: enable venv with --contexts, run the tests, then covshim report --save plain");
  git("checkout", "-q", "--", "tool.py");

  const enable = () => expect(covshim(home, ["enable", venv, "--source", repo, "--contexts"]).code).toBe(0);
  const suites = () => {
    const p = pytest(["tests/test_tool.py"]);
    expect(p.code, p.stdout + p.stderr).toBe(0);
    const u = unittest(["tests.test_units"]);
    expect(u.code, u.stdout + u.stderr).toBe(0);
  };
  enable();
  suites();
  expect(covshim(home, ["report", "--save", "base"]).code).toBe(0);

  writeFileSync(join(repo, "tool.py"), TOOL("changed"));
  const sel = covshim(home, ["tests", "base", "--json"]);
  expect(sel.code, sel.stderr).toBe(0);
  const j = JSON.parse(sel.stdout) as Selection;
  // start() is run in an xdist worker by test_start and by unittest's
  // TestTool.test_start; stop() by the program test_stop_as_a_program starts.
  expect(j.tests.map((x) => [x.runner, x.id, x.reaches]).sort()).toEqual(
    [
      ["pytest", "tests/test_tool.py::test_start", 1],
      ["pytest", "tests/test_tool.py::test_stop_as_a_program", 1],
      ["unittest", "tests.test_units.TestTool.test_start", 1],
    ].sort(),
  );
  expect(j.commands.map((c) => c.line)).toEqual(["pytest 'tests/test_tool.py::test_start' 'tests/test_tool.py::test_stop_as_a_program'", "python -m unittest tests.test_units.TestTool.test_start"]);
  expect(j.unreached.map((u) => [u.repoPath, u.why])).toEqual([["tool.py", "BASE never ran this code"]]);

  // Only the selected ones, as the commands say; then both whole suites.
  enable();
  const [pyCmd, utCmd] = j.commands;
  expect(pytest(pyCmd!.argv.slice(1)).code).toBe(0);
  expect(unittest(utCmd!.argv.slice(3)).code).toBe(0);
  const selected = changedCovered(home, "base");
  enable();
  suites();
  expect(selected).toEqual(changedCovered(home, "base"));
  expect(selected["tool.py"]).toHaveLength(2);
  expect(readFileSync(join(repo, "tool.py"), "utf8")).toBe(TOOL("changed"));
  expect(covshim(home, ["off"]).code).toBe(0);
});
