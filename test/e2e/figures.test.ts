import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { covshim, run, statusJson, tempDir } from "../helpers/fixtures.js";
import { gpdb7 } from "../helpers/gpdb.js";
import { PY312, PY313 } from "../helpers/tools.js";
import { hashTree, treeDiff } from "../../src/fs/treehash.js";

/**
 * The figures a GPDB developer acts on are coverage.py's, whichever recorder
 * measured: a GPDB-shaped install (test/helpers/base.mjs gpMgmtTree: bin,
 * bin/lib, sbin, a gppylib of 300 modules), the same gpstart run twice, once
 * under covshim (its recorder, on 3.12 and 3.13) and once under the hand
 * procedure (coverage.py started by process_startup() in lib/python's
 * sitecustomize.py, with covshim's coveragerc's settings): the same files,
 * never-run ones included, statements, covered lines and totals.
 */
interface Summary {
  files: Record<string, { executed_lines: number[]; summary: { num_statements: number; covered_lines: number } }>;
  totals: { num_statements: number; covered_lines: number; percent_covered: number };
}
const figures = (j: Summary) => ({
  files: Object.fromEntries(Object.entries(j.files).map(([f, v]) => [f, { statements: v.summary.num_statements, covered: v.summary.covered_lines, lines: v.executed_lines }])),
  totals: { statements: j.totals.num_statements, covered: j.totals.covered_lines, percent: j.totals.percent_covered },
});

describe("same figures as coverage.py on a GPDB-shaped install", () => {
  for (const version of [PY312, PY313]) {
    it(`Python ${version}: covshim's recorder and the hand procedure's coverage.py on twin runs of gpstart: every file (sbin and never-run ones too), statements, covered lines, totals`, { timeout: 240_000 }, () => {
      const t = tempDir();
      const home = join(t, "home");
      const { gphome } = gpdb7(t, "gpdb7", { version, gpMgmt: 300 });
      const env = { PATH: `${gphome}/bin:${process.env.PATH}` };
      const gpstart = (extra: NodeJS.ProcessEnv) => run("env", ["-i", "PATH=/usr/bin:/bin", ...Object.entries(extra).map(([k, v]) => `${k}=${v}`), "bash", "-c", `. ${gphome}/greenplum_path.sh; gpstart`], {});
      const plain = gpstart({});
      expect(plain.code, plain.stderr).toBe(0);
      const before = hashTree(gphome);

      const en = covshim(home, ["enable", gphome], env);
      expect(en.code, en.stderr).toBe(0);
      expect(en.stderr).toContain("recorder: covshim's own");
      expect(en.stderr).toContain(`reports cover ${gphome}/lib/python, ${gphome}/bin, ${gphome}/sbin`);
      const rec = statusJson(home).installs[0]!;
      const measured = gpstart({ COVERAGE_PROCESS_START: rec.rcfile });
      expect(measured).toEqual(plain);
      const ours = join(t, "covshim.json");
      expect(covshim(home, ["report", "--json", ours], env).code).toBe(0);
      const rcText = readFileSync(rec.rcfile, "utf8");
      expect(covshim(home, ["off"], env).code).toBe(0);
      expect(treeDiff(before, hashTree(gphome))).toEqual([]);

      // The hand procedure on the same install, with the same settings.
      const hand = join(t, "hand");
      const handRc = join(t, "hand.rc");
      writeFileSync(handRc, rcText.replace(/^data_file = .*$/m, `data_file = ${hand}/.coverage`));
      const site = join(gphome, "lib", "python", "sitecustomize.py");
      writeFileSync(site, "import coverage\ncoverage.process_startup()\n");
      try {
        expect(gpstart({ COVERAGE_PROCESS_START: handRc })).toEqual(plain);
      } finally {
        rmSync(site);
      }
      const python = join(gphome, "bin", "python3");
      const theirs = join(t, "coverage.json");
      for (const args of [["combine", "-q"], ["json", "-q", "-o", theirs]]) {
        // From a directory outside the install, as covshim reports: coverage names files under its working directory relative to it.
        const r = run(python, ["-m", "coverage", ...args, `--rcfile=${handRc}`], { PATH: process.env.PATH, PYTHONPATH: join(gphome, "lib", "python") }, hand);
        expect(r.code, r.stderr).toBe(0);
      }
      const a = figures(JSON.parse(readFileSync(ours, "utf8")));
      const b = figures(JSON.parse(readFileSync(theirs, "utf8")));
      // What the issue found missing: sbin, and never-run files at 0%.
      expect(a.files[join(gphome, "sbin", "gpsegstart.py")]!.covered).toBeGreaterThan(0);
      expect(a.files[join(gphome, "sbin", "gpsegstop.py")]).toMatchObject({ covered: 0 });
      expect(a.files[join(gphome, "bin", "gpload.py")]).toMatchObject({ covered: 0 });
      expect(Object.keys(a.files).length).toBeGreaterThan(300);
      expect(Object.keys(a.files).sort()).toEqual(Object.keys(b.files).sort());
      for (const f of Object.keys(b.files)) expect(a.files[f], f).toEqual(b.files[f]);
      expect(a.totals).toEqual(b.totals);
    });
  }
});
