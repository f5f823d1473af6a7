import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { covshim, statusJson, tempDir } from "../../helpers/fixtures.js";
import { ROOT } from "../../helpers/tools.js";
import { hashTree, treeDiff } from "../../../src/fs/treehash.js";
import { type BadCase, badInputWorld, fill } from "../../fixtures/bad-input.js";

const CASES = JSON.parse(readFileSync(join(ROOT, "test", "fixtures", "bad-input.json"), "utf8")) as BadCase[];

describe("bad input: one line, exit 2 for usage and 1 for failures, no stack trace, nothing changed", () => {
  it(`all ${CASES.length} cases of test/fixtures/bad-input.json (docs/bad-input.md lists them)`, () => {
    const t = tempDir();
    const world = badInputWorld(t);
    const home = join(t, "home");
    // Something is on while the bad commands run: they must leave it exactly so.
    expect(covshim(home, ["enable", world.$VENV!, "--name", "on"]).code).toBe(0);
    const rcBefore = statusJson(home).installs[0]!.rcfile;
    const snapshot = () => ({ t: hashTree(world.$VENV!), d: hashTree(world.$DIR!), h: hashTree(join(home, "state")) });
    const before = snapshot();
    for (const c of CASES) {
      const r = covshim(home, fill(c.args, world), {}, t);
      const what = `covshim ${c.args.join(" ")}`;
      expect(r.code, `${what}: ${r.stderr}`).toBe(c.code);
      const lines = r.stderr.trim().split("\n");
      expect(lines, `${what}: ${r.stderr}`).toHaveLength(1);
      expect(lines[0], what).toMatch(/^covshim: /);
      expect(lines[0], what).toContain(c.message);
      expect(r.stderr, what).not.toMatch(/\n\s+at /);
      const now = snapshot();
      expect(treeDiff(before.t, now.t), what).toEqual([]);
      expect(treeDiff(before.d, now.d), what).toEqual([]);
      expect(treeDiff(before.h, now.h), what).toEqual([]);
    }
    const st = statusJson(home);
    expect(st.installs.filter((i) => i.enabled).map((i) => i.rcfile)).toEqual([rcBefore]);
    expect(covshim(home, ["off"]).code).toBe(0);
  });
});
