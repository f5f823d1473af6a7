import { readFileSync, writeFileSync, mkdirSync, existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { covshim, statusJson, tempDir, venvWithCoverage } from "../../helpers/fixtures.js";
import { debianCoveragePython } from "../../helpers/tools.js";
import { hashTree, treeDiff } from "../../../src/fs/treehash.js";

describe("off, the safety reset", () => {
  it("works with a damaged or missing state file: finds its changes from its record and markers", () => {
    const py = debianCoveragePython();
    const t = tempDir();
    const home = join(t, "home");
    const venv = venvWithCoverage(join(t, "venv"));
    const lib = join(t, "lib");
    mkdirSync(lib);
    writeFileSync(join(lib, "sitecustomize.py"), "import os\n");
    const hv = hashTree(venv);
    const hl = hashTree(lib);
    expect(covshim(home, ["enable", venv, "--scope", "install", "--for", "1h"]).code).toBe(0);
    expect(covshim(home, ["enable", lib, "--python", py]).code).toBe(0);
    for (const damage of ["{ not json", JSON.stringify({ version: 1, installs: { x: { name: 3 } } }), ""]) {
      writeFileSync(join(home, "state", "state.json"), damage);
      const st = covshim(home, ["status"]);
      expect(st.code).toBe(1);
      expect(st.stderr.trim().split("\n")).toHaveLength(1);
      expect(st.stderr).toMatch(/state file .* is damaged/);
    }
    const off = covshim(home, ["off"]);
    expect(off.code, off.stderr).toBe(0);
    expect(treeDiff(hv, hashTree(venv))).toEqual([]);
    expect(treeDiff(hl, hashTree(lib))).toEqual([]);
    expect(statusJson(home).installs).toEqual([]);
  });

  it("a state file from a newer covshim is named as such", () => {
    const t = tempDir();
    const home = join(t, "home");
    mkdirSync(join(home, "state"), { recursive: true });
    writeFileSync(join(home, "state", "state.json"), JSON.stringify({ version: 9, installs: {} }));
    const r = covshim(home, ["status"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("written by a newer covshim");
  });

  it("keeps the user's edits made while on, removing only covshim's block; --purge deletes the data", () => {
    const py = debianCoveragePython();
    const t = tempDir();
    const home = join(t, "home");
    const lib = join(t, "lib");
    mkdirSync(lib);
    expect(covshim(home, ["enable", lib, "--python", py]).code).toBe(0);
    const rec = statusJson(home).installs[0]!;
    const f = join(lib, "sitecustomize.py");
    writeFileSync(f, "# added by the user\n" + readFileSync(f, "utf8"));
    const off = covshim(home, ["off", "--purge"]);
    expect(off.code).toBe(0);
    expect(off.stderr).toContain("was edited while covshim was on");
    expect(readFileSync(f, "utf8")).toBe("# added by the user\n");
    expect(existsSync(rec.dataDir)).toBe(false);
  });
});
