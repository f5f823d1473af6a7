import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CACHE, ROOT } from "../helpers/tools.js";
import { coverageSite311 } from "../helpers/base.mjs";

/**
 * The recorder decides --omit in the measured process without coverage.py
 * (templates/shim/recorder.py's glob_regex): it must make of every pattern
 * what coverage.py's own _glob_to_regex makes of it, refusals included.
 * Compared with the real coverage on chosen and on random patterns.
 */
const PY = () => {
  coverageSite311();
  return join(CACHE, "cov-venv-311", "bin", "python");
};

function compare(patterns: string[]): { pattern: string; coverage: string; recorder: string }[] {
  const recorder = readFileSync(join(ROOT, "templates", "shim", "recorder.py"), "utf8");
  const src = `
import json, sys
from coverage.files import _glob_to_regex
ns = {}
exec(sys.stdin.read(), ns)
out = []
for p in json.loads(sys.argv[1]):
    got = []
    for f in (_glob_to_regex, ns["glob_regex"]):
        try:
            got.append(f(p))
        except Exception as e:
            got.append("refused")
    out.append({"pattern": p, "coverage": got[0], "recorder": got[1]})
print(json.dumps(out))`;
  return JSON.parse(execFileSync(PY(), ["-c", src, JSON.stringify(patterns)], { input: recorder, encoding: "utf8" }));
}

describe("the recorder's --omit patterns are coverage.py's", () => {
  it("chosen patterns: directories, wildcards, **, classes, escapes, refusals", () => {
    const chosen = ["*/tests/*", "/a/b/*", "/a/b/**", "**/x.py", "x.py", "*.py", "a/*/b", "/a/[bc]/d", "/a/?x/*", "*/site-packages/*", "/a b/c+d(e)$/*", "/x/**/y", "*", "**", "/*", "a/**", "[", "a]", "***", "a**", "**a", "**/**", "/a/b", "~/x/*", "/a/[]/b", "/a/\\b", "a-b_c/*", "*/*", "/**/x", "/x/*/", "/x/**/*.py", "C:\\x\\*"];
    for (const r of compare(chosen)) expect(r.recorder, r.pattern).toBe(r.coverage);
  });

  it("random patterns", () => {
    const pattern = fc.array(fc.constantFrom("*", "**", "?", "/", "a", "b", "_", "-", ".", "[", "]", "[ab]", "\\", "+", " ", "$", "x9"), { minLength: 1, maxLength: 10 }).map((a) => a.join(""));
    const samples = fc.sample(pattern, { numRuns: 400, seed: 21 });
    const diffs = compare(samples).filter((r) => r.recorder !== r.coverage);
    expect(diffs).toEqual([]);
  });
});
