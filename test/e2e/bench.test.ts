import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { run, tempDir } from "../helpers/fixtures.js";
import { ROOT } from "../helpers/tools.js";

// The benchmarks run here in quick mode so that they cannot rot. Their numbers
// are not checked: speed is measured by `npm run bench`, never asserted.
describe("bench scripts (quick mode)", () => {
  // No limit that a loaded machine's slowness decides (it once killed this at
  // 120 s midway); every temporary directory of the benchmarks is under this
  // test's own, which goes whatever the outcome.
  it("every figure runs and produces its table", { timeout: 3_600_000 }, () => {
    const t = tempDir();
    const out = join(t, "bench.md");
    const env = { ...process.env, TMPDIR: t };
    const r = run(process.execPath, [join(ROOT, "bench", "run.mjs"), "--quick", "--out", out], env, ROOT, 0);
    expect(r.code, r.stderr).toBe(0);
    const md = readFileSync(out, "utf8");
    for (const title of ["Per-prompt cost", "Python start-up", "Measured-run overhead", "covshim's recorder: short processes", "GPDB-shaped workloads", "CLI cold start", "Multi-process workload", "Clusters: enable, collect, off", "diff --changed against report"]) expect(md).toContain(`## ${title}`);
    expect(md).toMatch(/covshim zsh hook \(measurement on\) \| [\d.]+ \| 0 \|/);
    expect(md).not.toContain("n/a");
    // One figure again: its section is replaced, every other one stays as it was.
    const again = run(process.execPath, [join(ROOT, "bench", "run.mjs"), "--quick", "--only", "cli", "--out", out], env, ROOT, 0);
    expect(again.code, again.stderr).toBe(0);
    const md2 = readFileSync(out, "utf8");
    const without = (m: string) => m.replace(/## CLI cold start[\s\S]*?(?=\n## )/, "");
    expect(without(md2)).toBe(without(md));
    expect(md2.match(/## CLI cold start/g)).toHaveLength(1);
  });
});
