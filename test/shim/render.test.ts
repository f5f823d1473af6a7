import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { BEGIN, END, pyStr, renderBlock, renderPth, shimModules } from "../../src/shim/render.js";
import { PY27, pyenvPython } from "../helpers/tools.js";

/** Runs `text` as a sitecustomize.py would be run, with `env`; answers what the shim's code printed. */
function runAs(python: string, text: string, env: Record<string, string>) {
  const r = spawnSync(python, ["-c", text], { encoding: "utf8", env: { PATH: process.env.PATH!, ...env } });
  expect(r.stderr).toBe("");
  return r.stdout;
}

describe("the shim's text", () => {
  const code = "import sys; sys.stdout.write('measuring\\n')";

  it("a Python string literal of any text, in ASCII", () => {
    const s = "é ☃ \" \\ \n";
    expect(pyStr(s)).toMatch(/^[\x20-\x7e]*$/);
    const r = spawnSync("python3", ["-c", `import sys; sys.stdout.write(${pyStr(s)})`], { encoding: "utf8" });
    expect(r.stdout).toBe(s);
  });

  for (const [label, python] of [
    ["Python 3", "python3"],
    ["Python 2.7", pyenvPython(PY27)],
  ] as const) {
    it(`${label}: the block runs the code only when a variable asks, and not after it expires`, () => {
      const block = renderBlock(code);
      expect(block.startsWith(`${BEGIN}\n`) && block.endsWith(`${END}\n`)).toBe(true);
      expect(runAs(python, block, {})).toBe("");
      expect(runAs(python, block, { COVSHIM_START: "/rc" })).toBe("measuring\n");
      expect(runAs(python, block, { COVERAGE_PROCESS_START: "/rc" })).toBe("measuring\n");
      expect(runAs(python, renderBlock(code, Date.now() / 1000 + 3600), {})).toBe("measuring\n");
      expect(runAs(python, renderBlock(code, Date.now() / 1000 - 1), {})).toBe("");
    });
  }

  it("a .pth is one line starting with import; for Python 3 alone it calls exec itself, and runs the code only when a variable asks", () => {
    const pth = renderPth(code);
    expect(pth.split("\n")).toHaveLength(2);
    expect(pth.startsWith("import ")).toBe(true);
    const py3 = renderPth(code, 0, true);
    expect(py3.split("\n")).toHaveLength(2);
    expect(py3).toContain(" and exec(");
    expect(py3).not.toContain("lambda");
    expect(runAs("python3", py3, {})).toBe("");
    expect(runAs("python3", py3, { COVSHIM_START: "/rc" })).toBe("measuring\n");
    expect(runAs(pyenvPython(PY27), pth, { COVERAGE_PROCESS_START: "/rc" })).toBe("measuring\n");
  });

  it("the shim's modules: the guard always, the recorder only where it measures, its stand-in only where coverage's a1_coverage.pth follows the shim", () => {
    const base = { rcfile: "/h/rc", dataDir: "/h/data", expiresEpoch: 0 };
    const plain = shimModules("/h", base);
    expect(Object.keys(plain).sort()).toEqual(["/h/shim.py", "/h/starter.py"]);
    expect(Object.values(plain).join("\n")).toContain(pyStr("/h/rc"));
    const rec = { prefix: "/usr", version: "3.12.1", source: ["/src"], skip: [], contexts: false, a1: [] as string[] };
    expect(Object.keys(shimModules("/h", { ...base, recorder: rec })).sort()).toEqual(["/h/recorder.py", "/h/shim.py", "/h/starter.py"]);
    const withA1 = shimModules("/h", { ...base, recorder: { ...rec, a1: ["/usr/lib/python3.12/site-packages/a1_coverage.pth"] } });
    expect(Object.keys(withA1).sort()).toEqual(["/h/recorder.py", "/h/shim.py", "/h/standin.py", "/h/starter.py"]);
    expect(withA1["/h/shim.py"]).toContain(`STANDIN_MODULE = ${pyStr("/h/standin.py")}`);
  });

  it("what a 3.12 process that the recorder measures runs of covshim's modules (the guard with its settings, the recorder) is at most 250 lines of code", () => {
    // Counted as Python's tokenizer sees them: comments and blank lines are
    // not code (the process runs the modules compiled ahead, docs/recorder.md).
    const rec = { prefix: "/usr", version: "3.12", source: ["/src"], skip: [], contexts: true, a1: [] as string[] };
    const modules = shimModules("/h", { rcfile: "/h/rc", dataDir: "/h/data", expiresEpoch: 0, recorder: rec });
    const count = `
import io, json, sys, tokenize
skip = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING, tokenize.ENDMARKER}
out = {}
for name, text in json.load(sys.stdin).items():
    lines = set()
    for t in tokenize.tokenize(io.BytesIO(text.encode()).readline):
        if t.type not in skip:
            lines.update(range(t.start[0], t.end[0] + 1))
    out[name] = len(lines)
print(json.dumps(out))`;
    const texts = { guard: modules["/h/shim.py"], recorder: modules["/h/recorder.py"] };
    const r = spawnSync("python3", ["-c", count], { input: JSON.stringify(texts), encoding: "utf8" });
    expect(r.stderr).toBe("");
    const lines = JSON.parse(r.stdout) as { guard: number; recorder: number };
    expect(lines.guard).toBeGreaterThan(30); // counted, not an empty text
    expect(lines.guard + lines.recorder).toBeLessThanOrEqual(250);
  });
});
