import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { committedRepo, covshim, run, statusJson, tempDir } from "../../helpers/fixtures.js";
import { CACHE, need } from "../../helpers/tools.js";

/**
 * What CI systems read: Cobertura XML and LCOV (read back by their real
 * consumers: Debian's diff-cover and lcov), Markdown, GitHub annotations,
 * and the branches of a change; then the one --json rule in every command.
 */
const V1 = "def add(a, b):\n    return a + b\n";
// Lines 5-12 added: sign's `if` (line 6) runs its else only; unused() never runs.
const V2 = `def add(a, b):
    return a + b


def sign(x):
    if x < 0:
        return -1
    return 1


def unused():
    return 0
`;
const TESTS_V1 = "import calc\nassert calc.add(1, 2) == 3\n";
const TESTS_V2 = "import calc\nassert calc.add(1, 2) == 3\nassert calc.sign(5) == 1\n";

const PY = () => join(CACHE, "cov-venv-311", "bin", "python");

/** Cobertura's structure, read with Python's own XML parser: root attributes, and per class its lines' hits. */
function readCobertura(file: string): { root: Record<string, string>; sources: string[]; classes: Record<string, Record<string, string>> } {
  const script = `
import json, sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "coverage"
classes = {}
for pkg in root.findall("packages/package"):
    for cls in pkg.findall("classes/class"):
        assert cls.find("methods") is not None
        classes[cls.get("filename")] = {l.get("number"): l.get("hits") + ("|" + l.get("condition-coverage") + "|" + (l.get("missing-branches") or "") if l.get("branch") else "") for l in cls.findall("lines/line")}
print(json.dumps({"root": root.attrib, "sources": [s.text for s in root.findall("sources/source")], "classes": classes}))
`;
  return JSON.parse(execFileSync("/usr/bin/python3", ["-c", script, file], { encoding: "utf8" }));
}

/** A repository at V1, measured with branches; its report saved; then V2 in the work tree, measured again. */
function change() {
  const t = tempDir();
  const home = join(t, "home");
  const repo = join(t, "repo");
  const pkg = join(repo, "pkg");
  committedRepo(repo, { "pkg/calc.py": V1, "run_tests.py": TESTS_V1 });
  const lib = join(t, "lib");
  mkdirSync(lib);
  const py = PY();
  const enable = () => expect(covshim(home, ["enable", lib, "--python", py, "--source", pkg, "--branch", "--name", "calc"]).code).toBe(0);
  enable();
  const env = () => ({ ...process.env, PYTHONPATH: `${lib}:${pkg}`, COVERAGE_PROCESS_START: statusJson(home).installs[0]!.rcfile });
  expect(run(py, ["run_tests.py"], env(), repo).code).toBe(0);
  expect(covshim(home, ["report", "--save", "before"]).code).toBe(0);
  writeFileSync(join(pkg, "calc.py"), V2);
  writeFileSync(join(repo, "run_tests.py"), TESTS_V2);
  enable();
  expect(run(py, ["run_tests.py"], env(), repo).code).toBe(0);
  return { t, home, repo, pkg, lib, py };
}

describe("the formats CI systems read", () => {
  it("report --xml/--lcov/--markdown: Cobertura by coverage itself, LCOV read by lcov and genhtml, the figures of report --json", () => {
    need("lcov");
    need("genhtml");
    const { t, home, pkg } = change();
    const j = JSON.parse(covshim(home, ["report", "--json", "-"]).stdout);
    const calc = j.files[join(pkg, "calc.py")];
    expect(calc.executed_lines).toEqual([1, 2, 5, 6, 8, 11]);
    expect(calc.missing_branches).toEqual([[6, 7]]);

    const xml = covshim(home, ["report", "--xml", join(t, "c.xml")]);
    expect(xml.code, xml.stderr).toBe(0);
    expect(xml.stdout).toMatch(/TOTAL/); // the table still, the XML in its file
    const c = readCobertura(join(t, "c.xml"));
    expect(Number(c.root["line-rate"])).toBeCloseTo(j.totals.covered_lines / j.totals.num_statements, 3);
    expect({ valid: c.root["lines-valid"], covered: c.root["lines-covered"], bv: c.root["branches-valid"], bc: c.root["branches-covered"] }).toEqual({
      valid: String(j.totals.num_statements),
      covered: String(j.totals.covered_lines),
      bv: String(j.totals.num_branches),
      bc: String(j.totals.covered_branches),
    });
    expect(c.sources).toEqual([pkg]);
    expect(c.classes["calc.py"]).toMatchObject({ "1": "1", "6": "1|50% (1/2)|7", "7": "0", "12": "0" });
    // Alone, to standard output, instead of the table.
    const xmlOut = covshim(home, ["report", "--xml"]);
    expect(xmlOut.stdout.startsWith("<?xml")).toBe(true);

    const lc = covshim(home, ["report", "--lcov", join(t, "c.info")]);
    expect(lc.code, lc.stderr).toBe(0);
    const sum = spawnSync("lcov", ["--summary", join(t, "c.info"), "--rc", "lcov_branch_coverage=1"], { encoding: "utf8" });
    const said = sum.stdout + sum.stderr;
    expect(said).toContain(`(${j.totals.covered_lines} of ${j.totals.num_statements} lines)`);
    expect(said).toContain(`(${j.totals.covered_branches} of ${j.totals.num_branches} branches)`);
    const gen = spawnSync("genhtml", [join(t, "c.info"), "--branch-coverage", "--output-directory", join(t, "genhtml")], { encoding: "utf8" });
    expect(gen.status, gen.stderr).toBe(0);
    expect(existsSync(join(t, "genhtml", "index.html"))).toBe(true);

    const md = covshim(home, ["report", "--markdown", "-", "--fail-under", "50"]);
    expect(md.code, md.stderr).toBe(0);
    expect(md.stdout).toContain(`**Coverage of calc**: ${j.totals.covered_lines} of ${j.totals.num_statements} statements ran, ${j.totals.covered_branches} of ${j.totals.num_branches} branches taken: ${j.totals.percent_covered.toFixed(1)}%.`);
    expect(md.stdout).toContain("Threshold 50%: held.");
    // coverage's percent counts the branches too: (6 + 1) of (8 + 2).
    expect(md.stdout).toMatch(/\| `.*calc\.py` \| 8 \| 2 \| 70\.0% \|/);
    expect(md.stdout).not.toContain("TOTAL");
    // Two formats cannot share standard output.
    const both = covshim(home, ["report", "--xml", "--lcov"]);
    expect(both.code).toBe(2);
    expect(both.stderr.trim()).toBe("covshim: only one of --xml, --lcov can go to standard output: give the others a FILE");
  });

  it("diff --changed with branches: the partial line and its missing target in --json, the table, --markdown, the HTML, --github; XML that diff-cover reads to the same figures; LCOV; --fail-under-branches", () => {
    need("diff-cover");
    need("lcov");
    const { t, home, repo } = change();
    const r = covshim(home, ["diff", "before", "--changed", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.files).toHaveLength(1);
    expect(j.files[0]).toMatchObject({ repoPath: "pkg/calc.py", changed: [5, 6, 7, 8, 11, 12], covered: [5, 6, 8, 11], missing: [7, 12], branches: { total: 2, taken: 1 }, partial: { "6": [7] } });
    expect(j.totals).toMatchObject({ changed: 6, covered: 4, missing: 2, branches: 2, branchesTaken: 1 });

    const text = covshim(home, ["diff", "before", "--changed"]).stdout;
    expect(text).toContain("pkg/calc.py: changed, a branch never taken: 6→7");
    expect(text).toContain("66.7% of the changed lines ran, 50.0% of their branches");
    const md = covshim(home, ["diff", "before", "--changed", "--markdown", "-", "--fail-under-branches", "40"]).stdout;
    expect(md).toContain("4 of 6 changed lines ran (66.7%), 1 of 2 of their branches taken (50.0%)");
    expect(md).toContain("Threshold 40% of their branches: held.");
    expect(md).toContain("| `pkg/calc.py` | 6 | 4 | 7, 12 | 6→7 |  |");

    // One annotation per changed line never run and per branch never taken, at its place in the repository.
    const gh = covshim(home, ["diff", "before", "--changed", "--github"]);
    expect(gh.code, gh.stderr).toBe(0);
    expect(gh.stdout.trim().split("\n")).toEqual([
      "::warning file=pkg/calc.py,line=7,title=covshim::changed line 7 never ran in current",
      "::warning file=pkg/calc.py,line=12,title=covshim::changed line 12 never ran in current",
      "::warning file=pkg/calc.py,line=6,title=covshim::branch 6→7 never taken in current",
    ]);

    const html = join(t, "html");
    expect(covshim(home, ["diff", "before", "--changed", "--html", html]).code).toBe(0);
    const page = readFileSync(join(html, "pkg_calc.py.html"), "utf8");
    expect(page).toMatch(/<tr data-line="6" class="changed covered partial" title="never taken: 6→7">/);
    expect([...page.matchAll(/class="[^"]*\bpartial\b/g)]).toHaveLength(1);

    // Cobertura of the changed files, named as in the repository: diff-cover, run in the
    // repository on the same change, comes to the same lines.
    const x = covshim(home, ["diff", "before", "--changed", "--xml", join(t, "change.xml")]);
    expect(x.code, x.stderr).toBe(0);
    const c = readCobertura(join(t, "change.xml"));
    expect(c.sources).toEqual([repo]);
    expect(Object.keys(c.classes)).toEqual(["pkg/calc.py"]);
    expect(c.classes["pkg/calc.py"]).toMatchObject({ "6": "1|50% (1/2)|7", "7": "0", "12": "0" });
    const dc = spawnSync("diff-cover", [join(t, "change.xml"), "--compare-branch=HEAD", "--json-report", join(t, "dc.json")], { cwd: repo, encoding: "utf8" });
    expect(dc.status, dc.stderr + dc.stdout).toBe(0);
    const d = JSON.parse(readFileSync(join(t, "dc.json"), "utf8"));
    expect({ lines: d.total_num_lines, violations: d.total_num_violations, missing: d.src_stats["pkg/calc.py"].violation_lines }).toEqual({ lines: j.totals.changed, violations: j.totals.missing, missing: j.files[0].missing });

    const l = covshim(home, ["diff", "before", "--changed", "--lcov", "-"]);
    expect(l.stdout).toContain("SF:pkg/calc.py\n");
    writeFileSync(join(t, "change.info"), l.stdout);
    const sum = spawnSync("lcov", ["--summary", join(t, "change.info"), "--rc", "lcov_branch_coverage=1"], { encoding: "utf8" });
    expect(sum.stdout + sum.stderr).toContain("(1 of 2 branches)");

    const fail = covshim(home, ["diff", "before", "--changed", "--fail-under-branches", "60"]);
    expect(fail.code).toBe(1);
    expect(fail.stderr.trim()).toBe("covshim: 50.0% of the changed lines' branches were taken, under --fail-under-branches 60");
    expect(covshim(home, ["diff", "before", "--changed", "--fail-under-branches", "50"]).code).toBe(0);
  });
});

describe("one --json rule: alone (or -) to standard output, with FILE to that file", () => {
  it("status, enable, doctor, run, data, report and diff", () => {
    const { t, home, lib, py, pkg } = change();
    const cases: [string, string[]][] = [
      ["status", ["status"]],
      ["enable", ["enable", lib, "--python", py, "--source", pkg, "--branch", "--name", "calc", "--append"]],
      ["doctor", ["doctor", lib, "--python", py]],
      ["data", ["data", "calc"]],
      ["report", ["report", "calc"]],
      ["diff", ["diff", "before"]],
      // Last: a run starts a fresh run of the data.
      ["run", ["run", lib, "--python", py]],
    ];
    const tail = (name: string) => (name === "run" ? ["--", py, "-c", "pass"] : []);
    for (const [name, args] of cases) {
      const alone = covshim(home, [...args, "--json", ...tail(name)]);
      expect(alone.code, `${name}: ${alone.stderr}`).toBe(0);
      expect(() => JSON.parse(alone.stdout), `${name} --json: stdout is JSON`).not.toThrow();
      const dash = covshim(home, [...args, "--json", "-", ...tail(name)]);
      expect(JSON.parse(dash.stdout), `${name} --json -`).toBeTruthy();
      const file = join(t, `${name}.json`);
      const to = covshim(home, [...args, "--json", file, ...tail(name)]);
      expect(to.code, `${name}: ${to.stderr}`).toBe(0);
      expect(JSON.parse(readFileSync(file, "utf8")), `${name} --json FILE`).toBeTruthy();
      expect(to.stdout.trim().startsWith("{"), `${name} --json FILE: not on stdout`).toBe(false);
    }
  });
});
