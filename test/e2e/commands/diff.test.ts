import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { covshim, run, statusJson, tempDir, venvWithCoverage } from "../../helpers/fixtures.js";
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
});
