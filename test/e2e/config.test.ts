import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { covshim, statusJson, tempDir, venvWithCoverage } from "../helpers/fixtures.js";
import { parseShellFile } from "../../src/shells/statefile.js";

describe("configuration (cosmiconfig: project files and the per-user file)", () => {
  it("an unknown key and a wrong type name the file and the key", () => {
    const t = tempDir();
    const proj = join(t, "proj");
    mkdirSync(proj);
    writeFileSync(join(proj, ".covshimrc.json"), JSON.stringify({ warnAfter: "1h", colour: "red" }));
    const venv = venvWithCoverage(join(t, "venv"));
    const r = covshim(join(t, "home"), ["enable", venv], {}, proj);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(`covshim: ${join(proj, ".covshimrc.json")}: unknown key 'colour'`);
    writeFileSync(join(proj, ".covshimrc.json"), JSON.stringify({ branch: "yes" }));
    const r2 = covshim(join(t, "home"), ["enable", venv], {}, proj);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toContain(`${join(proj, ".covshimrc.json")}: key 'branch'`);
    writeFileSync(join(proj, ".covshimrc.json"), JSON.stringify({ warnEvery: "soon" }));
    expect(covshim(join(t, "home"), ["enable", venv], {}, proj).stderr).toContain("key 'warnEvery' must be a duration");
    expect(statusJson(join(t, "home")).installs).toEqual([]);
  });

  it("project settings (yaml) and the per-user file shape the coveragerc; the project file wins", () => {
    const t = tempDir();
    const home = join(t, "home");
    mkdirSync(join(home, "config"), { recursive: true });
    writeFileSync(join(home, "config", "config.json"), JSON.stringify({ omit: ["*/user_omit/*"], core: "pytrace", prompt: "[{name}]" }));
    const proj = join(t, "proj");
    mkdirSync(proj);
    writeFileSync(join(proj, ".covshimrc.yaml"), "omit:\n  - '*/tests/*'\nbranch: true\n");
    const venv = venvWithCoverage(join(t, "venv"));
    const r = covshim(home, ["enable", venv], {}, proj);
    expect(r.code, r.stderr).toBe(0);
    const rec = statusJson(home).installs[0]!;
    const rc = readFileSync(rec.rcfile, "utf8");
    expect(rc).toContain("omit =\n    */tests/*\n");
    expect(rc).toContain("branch = True");
    expect(rc).toContain("core = pytrace");
    expect(parseShellFile(readFileSync(join(home, "state", "shell.env"), "utf8"))?.prompt).toBe("[venv]");
  });
});
