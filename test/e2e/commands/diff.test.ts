import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { committedRepo, covshim, run, statusJson, tempDir, venvWithCoverage } from "../../helpers/fixtures.js";
import { ROOT } from "../../helpers/tools.js";

const FIX = join(ROOT, "test", "fixtures");

describe("diff", () => {
  it("two saved reports with different workloads: per-file numbers and lines", () => {
    const t = tempDir();
    const home = join(t, "home");
    const venv = venvWithCoverage(join(t, "venv"));
    const py = join(venv, "bin", "python");
    const wl = join(FIX, "workload.py");
    const src = readFileSync(wl, "utf8").split("\n");
    const lineOf = (s: string) => src.findIndex((l) => l.trim() === s) + 1;
    expect(covshim(home, ["enable", venv]).code).toBe(0);
    const rc = statusJson(home).installs[0]!.rcfile;
    run(py, [wl, "a"], { ...process.env, COVERAGE_PROCESS_START: rc });
    expect(covshim(home, ["report", "--save", "before"]).code).toBe(0);
    expect(covshim(home, ["enable", venv]).code).toBe(0); // afresh: data moved aside
    run(py, [wl, "b"], { ...process.env, COVERAGE_PROCESS_START: rc });
    expect(covshim(home, ["report", "--save", "after"]).code).toBe(0);
    const j = covshim(home, ["diff", "before", "after", "--json"]);
    expect(j.code, j.stderr).toBe(0);
    const d = JSON.parse(j.stdout);
    const row = d.files.find((f: { file: string }) => f.file === wl);
    // g's two lines lost, h's two lines gained; the `if`/`else` lines swap too.
    expect(row.newlyCovered).toEqual([lineOf("y = 3"), lineOf("return y"), lineOf("h()")]);
    expect(row.lost).toEqual([lineOf("x = 2"), lineOf("return x"), lineOf("g()")]);
    expect(row.after - row.before).toBe(row.change);
    expect(row.change).toBe(row.newlyCovered.length - row.lost.length);
    const text = covshim(home, ["diff", "before", "after"]);
    expect(text.stdout).toContain(`${wl}: newly covered`);
    expect(text.stdout).toMatch(/^TOTAL/m);
    // HEAD defaults to the current data.
    expect(covshim(home, ["diff", "before"]).stdout).toContain(`${wl}: no longer covered`);
    const missing = covshim(home, ["diff", "nope"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("no saved report 'nope'");
  });

  it("before and after an edit: lines followed across it for each kind of edit, in git or not; a file BASE did not measure is named", () => {
    const t = tempDir();
    const home = join(t, "home");
    const venv = venvWithCoverage(join(t, "venv"));
    const py = join(venv, "bin", "python");
    const body = "def used():\n    return 1\n\n\ndef also():\n    return 2\n\n\nused()\nalso()\n";
    // Four modules with the same code, one edit each; three in a git checkout, one not in git.
    const repo = join(t, "repo");
    committedRepo(repo, { "above.py": body, "added.py": body, "deleted.py": body });
    const plain = join(t, "plain");
    mkdirSync(plain);
    writeFileSync(join(plain, "loose.py"), body);
    const main = join(t, "main.py");
    writeFileSync(main, `import sys\nsys.path[:0] = [${JSON.stringify(repo)}, ${JSON.stringify(plain)}]\nimport above, added, deleted, loose\n`);
    expect(covshim(home, ["enable", venv, "--source", `${repo},${plain}`]).code).toBe(0);
    const rc = statusJson(home).installs[0]!.rcfile;
    const env = { ...process.env, COVERAGE_PROCESS_START: rc };
    expect(run(py, [main], env).code).toBe(0);
    expect(covshim(home, ["report", "--save", "before"]).code).toBe(0);
    // The edits: lines inserted above; a function added (and run); a function deleted; the file out of git, lines above too.
    writeFileSync(join(repo, "above.py"), `# one\n# two\n# three\n${body}`);
    writeFileSync(join(repo, "added.py"), body.replace("used()\n", "def more():\n    return 3\n\n\nused()\nmore()\n"));
    writeFileSync(join(repo, "deleted.py"), "def also():\n    return 2\n\n\nalso()\n");
    writeFileSync(join(plain, "loose.py"), `# moved down\n\n${body}`);
    writeFileSync(join(repo, "brand_new.py"), "x = 1\n");
    writeFileSync(main, readFileSync(main, "utf8").replace("import above", "import brand_new, above"));
    expect(covshim(home, ["enable", venv, "--source", `${repo},${plain}`]).code).toBe(0);
    expect(run(py, [main], env).code).toBe(0);
    const j = covshim(home, ["diff", "before", "--json"]);
    expect(j.code, j.stderr).toBe(0);
    const rows = Object.fromEntries((JSON.parse(j.stdout).files as { file: string; newlyCovered: number[]; lost: number[]; only?: string }[]).map((r) => [r.file, r]));
    expect(rows[join(repo, "above.py")]).toMatchObject({ newlyCovered: [], lost: [] });
    expect(rows[join(plain, "loose.py")]).toMatchObject({ newlyCovered: [], lost: [] });
    expect(rows[join(repo, "added.py")]).toMatchObject({ newlyCovered: [9, 10, 14], lost: [] });
    expect(rows[join(repo, "deleted.py")]).toMatchObject({ newlyCovered: [], lost: [] });
    expect(rows[join(repo, "brand_new.py")]).toMatchObject({ only: "head", newlyCovered: [], lost: [] });
    const text = covshim(home, ["diff", "before"]).stdout;
    expect(text).toContain(`${join(repo, "brand_new.py")}: not measured in before`);
    expect(text).not.toContain("no longer covered");
  });
});
