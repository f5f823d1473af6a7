import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { committedRepo, covshim, gitIn, run, statusJson, tempDir } from "../../helpers/fixtures.js";
import { CACHE, debianCoveragePython, need } from "../../helpers/tools.js";

/**
 * `diff --changed`: coverage of the lines of a git change, on a repository
 * made here. Every figure below is computed by hand from the two versions.
 */
const V1 = `def add(a, b):
    return a + b


def sub(a, b):
    return a - b


def mul(a, b):
    return a * b
`;
// Line 2 edited; lines 11-16 added (div). Unchanged: mul, whose test is deleted.
const V2 = `def add(a, b):
    return a + b + 0


def sub(a, b):
    return a - b


def mul(a, b):
    return a * b


def div(a, b):
    if b == 0:
        return None
    return a / b
`;
const TESTS_V1 = "import calc\nassert calc.add(1, 2) == 3\nassert calc.sub(3, 1) == 2\nassert calc.mul(2, 3) == 6\n";
const TESTS_V2 = "import calc, extra\nassert calc.add(1, 2) == 3\nassert calc.sub(3, 1) == 2\nassert calc.div(4, 2) == 2\nassert extra.hello() == 'hi'\n";
const EXTRA = "def hello():\n    return 'hi'\n";

/** Debian's headless Chromium, its profile inside the test's temp dir. */
function browser(t: string, args: string[]): string {
  const r = spawnSync(need("chromium"), ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", `--user-data-dir=${join(t, "chromium")}`, ...args], { encoding: "utf8", timeout: 60_000 });
  if (r.status !== 0) throw new Error(`chromium failed: ${r.stderr}`);
  return r.stdout;
}


for (const [label, python] of [
  ["coverage 6.5 (Debian)", () => debianCoveragePython()],
  ["coverage 7.x (pip)", () => join(CACHE, "cov-venv-311", "bin", "python")],
] as const) {
  describe(`diff --changed, ${label}`, () => {
    it("changed lines covered and never run, unchanged lines lost, an untracked file, --fail-under, --markdown, an installed copy through --map", () => {
      const t = tempDir();
      const home = join(t, "home");
      const repo = join(t, "repo");
      const pkg = join(repo, "pkg");
      committedRepo(repo, { "pkg/calc.py": V1, "run_tests.py": TESTS_V1 });
      const lib = join(t, "lib");
      mkdirSync(lib);
      const py = python();
      const en = covshim(home, ["enable", lib, "--python", py, "--source", pkg]);
      expect(en.code, en.stderr).toBe(0);
      const rc = statusJson(home).installs[0]!.rcfile;
      const env = { ...process.env, PYTHONPATH: `${lib}:${pkg}`, COVERAGE_PROCESS_START: rc };
      const tests = () => expect(run(py, ["run_tests.py"], env, repo).code).toBe(0);
      tests();
      expect(covshim(home, ["report", "--save", "before"]).code).toBe(0);

      // The change, in the work tree: an edit, a new function, a deleted test, a new untracked file.
      writeFileSync(join(pkg, "calc.py"), V2);
      writeFileSync(join(pkg, "extra.py"), EXTRA);
      writeFileSync(join(repo, "run_tests.py"), TESTS_V2);
      // As the README's before/after workflow: enable again (a fresh run), run the tests.
      expect(covshim(home, ["enable", lib, "--python", py, "--source", pkg]).code).toBe(0);
      tests();

      const r = covshim(home, ["diff", "before", "--changed", "--json"]);
      expect(r.code, r.stderr).toBe(0);
      const j = JSON.parse(r.stdout);
      expect(j).toEqual({
        base: "before",
        head: "current",
        ref: "HEAD",
        files: [
          { path: join(pkg, "calc.py"), repoPath: "pkg/calc.py", changed: [2, 13, 14, 15, 16], covered: [2, 13, 14, 16], missing: [15], lost: [10], coveredBefore: [2] },
          { path: join(pkg, "extra.py"), repoPath: "pkg/extra.py", changed: [1, 2], covered: [1, 2], missing: [], lost: [], coveredBefore: [] },
        ],
        // coveredBefore: the edit of line 2 replaced a line that ran; div and extra.py replaced nothing.
        totals: { changed: 7, covered: 6, missing: 1, lost: 1, coveredBefore: 1 },
      });

      // --json FILE writes the same document there.
      expect(covshim(home, ["diff", "before", "--changed", "--json", join(t, "c.json")]).code).toBe(0);
      expect(JSON.parse(readFileSync(join(t, "c.json"), "utf8"))).toEqual(j);

      // For people: the table and the lines; for a review: markdown.
      const text = covshim(home, ["diff", "before", "--changed"]);
      expect(text.stdout).toContain("pkg/calc.py: changed, never run: 15");
      expect(text.stdout).toContain("pkg/calc.py: unchanged, no longer run: 10");
      expect(text.stdout).toContain("85.7% of the changed lines ran");
      const md = covshim(home, ["diff", "before", "--changed", "--markdown", "-"]);
      expect(md.stdout).toContain("| `pkg/calc.py` | 5 | 4 | 15 | 10 |");
      expect(md.stdout).toContain("6 of 7 changed lines ran (85.7%)");

      // --fail-under on the changed lines: 85.7% passes 80, fails 90 with one line.
      expect(covshim(home, ["diff", "before", "--changed", "--fail-under", "80"]).code).toBe(0);
      const fail = covshim(home, ["diff", "before", "--changed", "--fail-under", "90"]);
      expect(fail.code).toBe(1);
      expect(fail.stderr.trim()).toBe("covshim: 85.7% of the changed lines ran, under --fail-under 90");

      // --html, read back by a real browser: the marks in its DOM are the JSON's.
      const html = join(t, "html");
      expect(covshim(home, ["diff", "before", "--changed", "--html", html]).code).toBe(0);
      const dom = browser(t, ["--dump-dom", `file://${join(html, "pkg_calc.py.html")}`]);
      const marked = (cls: string) => [...dom.matchAll(/<tr data-line="(\d+)" class="([^"]*)"/g)].filter((m) => m[2]!.split(" ").includes(cls)).map((m) => Number(m[1]));
      const calc = j.files[0];
      expect({ changed: marked("changed"), covered: marked("covered"), missing: marked("missing"), lost: marked("lost") }).toEqual({ changed: calc.changed, covered: calc.covered, missing: calc.missing, lost: calc.lost });
      // The page's own script counted the same in the browser.
      expect(dom).toContain('id="summary">5 changed, 4 run, 1 never run, 1 lost</p>');
      const index = browser(t, ["--dump-dom", `file://${join(html, "index.html")}`]);
      expect(index).toContain("6 of 7 changed lines ran in current; 1 unchanged lines no longer run since before.");
      expect(index).toContain('<span style="width:80%">');
      const shot = join(t, "page.png");
      browser(t, ["--screenshot=" + shot, "--window-size=900,560", `file://${join(html, "pkg_calc.py.html")}`]);
      expect(readFileSync(shot).subarray(1, 4).toString()).toBe("PNG");
      // The README's picture: COVSHIM_DOCS_SHOT=docs/diff-changed.png npx vitest run -t "7.x" this file.
      if (process.env.COVSHIM_DOCS_SHOT && label.includes("7.x")) cpSync(shot, process.env.COVSHIM_DOCS_SHOT);

      // A REF: since v1 explicitly, the same; a REF that is no commit, one line.
      expect(JSON.parse(covshim(home, ["diff", "before", "--changed", "main", "--json"]).stdout).totals).toEqual(j.totals);
      const bad = covshim(home, ["diff", "before", "--changed", "nosuch"]);
      expect(bad.code).toBe(1);
      expect(bad.stderr.trim()).toBe(`covshim: --changed: 'nosuch' is not a commit in ${repo}`);
      expect(covshim(home, ["diff", "before", "--map", "a=b"]).code).toBe(2);

      // An installed copy (GPDB installs gppylib from the checkout): measured there, mapped onto the repo.
      expect(covshim(home, ["off", "--purge"]).code).toBe(0);
      const home2 = join(t, "home2");
      const inst = join(t, "installed", "pkg");
      cpSync(pkg, inst, { recursive: true });
      gitIn(repo, "stash", "-q", "-u");
      cpSync(join(pkg, "calc.py"), join(inst, "calc.py"));
      expect(covshim(home2, ["enable", lib, "--python", py, "--source", inst]).code).toBe(0);
      const env2 = { ...process.env, PYTHONPATH: `${lib}:${inst}`, COVERAGE_PROCESS_START: statusJson(home2).installs[0]!.rcfile };
      expect(run(py, ["run_tests.py"], env2, repo).code).toBe(0);
      expect(covshim(home2, ["report", "--save", "before"]).code).toBe(0);
      gitIn(repo, "stash", "pop", "-q");
      cpSync(pkg, inst, { recursive: true });
      expect(covshim(home2, ["enable", lib, "--python", py, "--source", inst]).code).toBe(0);
      expect(run(py, ["run_tests.py"], env2, repo).code).toBe(0);
      const unmapped = covshim(home2, ["diff", "before", "--changed"]);
      expect(unmapped.code).toBe(1);
      expect(unmapped.stderr).toContain("--map INSTALLED=CHECKOUT");
      const mapped = JSON.parse(covshim(home2, ["diff", "before", "--changed", "--json", "--map", `${inst}=${pkg}`]).stdout);
      expect(mapped.files.map((f: { repoPath: string }) => f.repoPath)).toEqual(["pkg/calc.py", "pkg/extra.py"]);
      expect(mapped.totals).toEqual(j.totals);
    });
  });
}

it("diff --changed over two repositories at once: each file against its own repository's REF", () => {
  const t = tempDir();
  const home = join(t, "home");
  const lib = join(t, "lib");
  mkdirSync(lib);
  const repos = ["one", "two"].map((n) => {
    const dir = join(t, n);
    mkdirSync(dir);
    writeFileSync(join(dir, `${n}.py`), "def f():\n    return 1\n");
    gitIn(dir, "init", "-q", "-b", "main");
    gitIn(dir, "add", ".");
    gitIn(dir, "commit", "-q", "-m", "v1");
    return dir;
  });
  const py = join(CACHE, "cov-venv-311", "bin", "python");
  const enable = () => expect(covshim(home, ["enable", lib, "--python", py, "--source", repos.join(",")]).code).toBe(0);
  const work = () => {
    const env = { ...process.env, PYTHONPATH: [lib, ...repos].join(":"), COVERAGE_PROCESS_START: statusJson(home).installs[0]!.rcfile };
    expect(run(py, ["-c", "import one, two; one.f(); two.f()"], env, t).code).toBe(0);
  };
  enable();
  work();
  expect(covshim(home, ["report", "--save", "before"]).code).toBe(0);
  // one: line 2 edited; two: a line added, not run.
  writeFileSync(join(repos[0]!, "one.py"), "def f():\n    return 2\n");
  writeFileSync(join(repos[1]!, "two.py"), "def f():\n    return 1\n\n\ndef g():\n    return 3\n");
  enable();
  work();
  const j = JSON.parse(covshim(home, ["diff", "before", "--changed", "--json"]).stdout);
  expect(j.files.map((f: { repoPath: string; changed: number[]; missing: number[] }) => [f.repoPath, f.changed, f.missing])).toEqual([
    ["one.py", [2], []],
    ["two.py", [5, 6], [6]],
  ]);
  expect(j.totals).toEqual({ changed: 3, covered: 2, missing: 1, lost: 0, coveredBefore: 1 });
});

