import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { covshim, run, tempDir, venvWithCoverage } from "../helpers/fixtures.js";
import { ROOT } from "../helpers/tools.js";

/**
 * docs/transcript.md shows a session as a user sees it; this test runs the same
 * session and compares. COVSHIM_UPDATE_TRANSCRIPT=1 rewrites the document.
 */
const DOC = join(ROOT, "docs", "transcript.md");

const APP = [
  "import multiprocessing",
  "",
  "",
  "def square(x):",
  "    return x * x",
  "",
  "",
  "def main():",
  "    with multiprocessing.get_context('fork').Pool(2) as pool:",
  "        print(sum(pool.map(square, range(10))))",
  "",
  "",
  "if __name__ == '__main__':",
  "    main()",
  "",
].join("\n");

describe("the session in docs/transcript.md", () => {
  it("is what covshim prints", () => {
    const t = tempDir();
    const home = join(t, "home");
    const work = join(t, "work");
    mkdirSync(join(work, "shop"), { recursive: true });
    writeFileSync(join(work, "shop", "__init__.py"), "");
    writeFileSync(join(work, "shop", "main.py"), APP);
    const venv = venvWithCoverage(join(work, "venv"));
    // As in a shell with the hook (its `covshim` function sets __COVSHIM_HOOKED).
    const env = { HOME: t, __COVSHIM_HOOKED: "1" };
    const norm = (s: string) =>
      s
        .split(t).join("~")
        .replace(/venv-[0-9a-f]{10}/g, "venv-1f2e3d4c5b")
        .replace(/\b\d\d:\d\d\b/g, "10:02")
        .replace(/\.prev-[\dT:-]+Z/g, ".prev-TIME")
        // One file per process: the parent and the pool workers that got work (1 or 2).
        .replace(/\b[23] data files\b/g, "3 data files")
        // The report's columns are as wide as the temporary paths were.
        .replace(/^(Name|~\/\S+|TOTAL)( {2,})/, (_m, a: string) => `${a.padEnd(24)}`)
        .replace(/^-{10,}$/, "-".repeat(48));
    const lines: string[] = [];
    const step = (shown: string, r: { stdout: string; stderr: string }) => lines.push(`$ ${shown}`, ...(r.stderr + r.stdout).split("\n").filter(Boolean).map(norm));
    step("covshim enable ./venv", covshim(home, ["enable", venv], env, work));
    const rc = JSON.parse(covshim(home, ["status", "--json"], env).stdout).installs[0].rcfile as string;
    const py = join(venv, "bin", "python");
    step("python -m shop.main          # the tests; COVERAGE_PROCESS_START comes from the hook", run(py, ["-m", "shop.main"], { ...process.env, COVERAGE_PROCESS_START: rc }, work));
    step("covshim status", covshim(home, ["status"], { ...env, COVERAGE_PROCESS_START: rc, __COVSHIM_SET: rc }, work));
    step("covshim report", covshim(home, ["report"], env, work));
    step("covshim off", covshim(home, ["off"], env, work));
    step("covshim status --all", covshim(home, ["status", "--all"], env, work));
    const session = lines.join("\n");
    const doc = [
      "# A session",
      "",
      "What a user sees, from enabling a venv to turning it off: produced and checked by",
      "`test/e2e/transcript.test.ts` (paths under the test's home are shown with `~`; the",
      "install's id, the times and how many pool workers got work are what differ from run to run).",
      "",
      "```console",
      session,
      "```",
      "",
    ].join("\n");
    if (process.env.COVSHIM_UPDATE_TRANSCRIPT === "1" || !existsSync(DOC)) writeFileSync(DOC, doc);
    expect(readFileSync(DOC, "utf8")).toBe(doc);
  });
});
