import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { baseEnv, covshim, evalIn, run, statusJson, tempDir } from "../../helpers/fixtures.js";
import { debianCoveragePython, need } from "../../helpers/tools.js";
import { hashTree, treeDiff } from "../../../src/fs/treehash.js";
import { dataFileCount } from "../../helpers/measure.js";

/** Names that break naive quoting. Newlines: covshim refuses them in its own paths (one line, nothing changed). */
export const HOSTILE = [
  "with space",
  "single'quote",
  'double"quote',
  "dollar $(touch PWNED) sub",
  "back `touch PWNED` tick",
  "percent %s %n",
  "dollar $HOME var",
  "ünïcødé ✓",
  "-leading-dash",
  "semi;colon&amp|pipe",
  "back\\slash",
];

/** The same characters in three names (COVSHIM_LONG=1: each name of HOSTILE on its own). */
const QUICK_NAMES = ["with space 'single' \"double\" $(touch PWNED) `touch PWNED` %s %n $HOME", "ünïcødé ✓ back\\slash", "-leading-dash semi;colon&amp|pipe"];
const NAMES = process.env.COVSHIM_LONG === "1" ? HOSTILE : QUICK_NAMES;

describe("hostile paths", () => {
  it("every command works with hostile install paths and COVSHIM_HOME; the shells set exactly the value and run nothing", () => {
    const py = debianCoveragePython();
    const t = tempDir();
    // Every character of HOSTILE is in the names this run uses.
    for (const c of new Set(HOSTILE.join("").replace(/[A-Za-z0-9]/g, ""))) expect(NAMES.join(""), c).toContain(c);
    for (const [i, name] of NAMES.entries()) {
      const root = join(t, `r${i}`);
      const home = join(root, `home ${name}`);
      const lib = join(root, name);
      mkdirSync(lib, { recursive: true });
      writeFileSync(join(lib, "sitecustomize.py"), "x = 1\n");
      const before = hashTree(lib);
      const en = covshim(home, ["enable", "--python", py, "--", lib], {}, root);
      expect(en.code, `${name}: ${en.stderr}`).toBe(0);
      const rec = statusJson(home).installs[0]!;
      expect(rec.path).toBe(lib);
      // A real measured process in that install.
      const app = join(root, "app.py");
      writeFileSync(app, "print('hi')\n");
      const r = run(py, [app], { ...process.env, PYTHONPATH: lib, COVERAGE_PROCESS_START: rec.rcfile }, root);
      expect(r, name).toMatchObject({ code: 0, stdout: "hi\n", stderr: "" });
      expect(dataFileCount(rec.dataDir), name).toBe(1);
      for (const sh of ["bash", "zsh", "fish"]) {
        need(sh);
        const lines = covshim(home, ["env", "--shell", sh]).stdout;
        const show = `printf '%s' "$COVERAGE_PROCESS_START"`;
        const p = evalIn(sh, lines, show, baseEnv(home), root);
        expect(p.stderr, `${sh} ${name}`).toBe("");
        expect(p.stdout, `${sh} ${name}`).toBe(rec.rcfile);
        const hook = covshim(home, ["hook", sh]).stdout;
        const h = evalIn(sh, hook, `__covshim_sync; ${show}`, baseEnv(home, { COVSHIM_QUIET: "1" }), root);
        expect(h.stdout, `hook ${sh} ${name}: ${h.stderr}`).toBe(rec.rcfile);
      }
      expect(existsSync(join(root, "PWNED")), name).toBe(false);
      const off = covshim(home, ["off"], {}, root);
      expect(off.code, off.stderr).toBe(0);
      expect(treeDiff(before, hashTree(lib)), name).toEqual([]);
    }
  });

  it("a newline in COVSHIM_HOME is refused in one line and nothing is written into the install", () => {
    const py = debianCoveragePython();
    const t = tempDir();
    const lib = join(t, "lib");
    mkdirSync(lib);
    const before = hashTree(lib);
    const r = covshim(join(t, "home\nnext"), ["enable", lib, "--python", py]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(treeDiff(before, hashTree(lib))).toEqual([]);
  });

  it("a symlinked sitecustomize.py is not written through", () => {
    const py = debianCoveragePython();
    const t = tempDir();
    const lib = join(t, "lib");
    mkdirSync(lib);
    writeFileSync(join(t, "real.py"), "x = 1\n");
    symlinkSync(join(t, "real.py"), join(lib, "sitecustomize.py"));
    const r = covshim(join(t, "home"), ["enable", lib, "--python", py]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("is a symbolic link");
    expect(readFileSync(join(t, "real.py"), "utf8")).toBe("x = 1\n");
  });
});
