import { mkdirSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { covshim, run, statusJson, tempDir, venvWithCoverage } from "../../helpers/fixtures.js";
import { hashTree, treeDiff } from "../../../src/fs/treehash.js";
import { CLI, debianCoveragePython, need } from "../../helpers/tools.js";

/** One line on stderr, no stack trace. */
function oneLine(r: { stderr: string }) {
  const lines = r.stderr.trim().split("\n");
  expect(lines, r.stderr).toHaveLength(1);
  expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/);
  expect(lines[0]).toMatch(/^covshim: /);
  return lines[0]!;
}

describe("enable refuses bad targets with one line, exit 1, nothing written", () => {
  it("target missing", () => {
    const t = tempDir();
    const r = covshim(join(t, "home"), ["enable", join(t, "nope")]);
    expect(r.code).toBe(1);
    expect(oneLine(r)).toContain("target not found");
    expect(statusJson(join(t, "home")).installs).toEqual([]);
  });

  it("not an install: a plain file", () => {
    const t = tempDir();
    writeFileSync(join(t, "notes.txt"), "hello");
    const r = covshim(join(t, "home"), ["enable", join(t, "notes.txt")]);
    expect(r.code).toBe(1);
    expect(oneLine(r)).toContain("not an install");
  });

  it("no target and no GPHOME or VIRTUAL_ENV: a usage error listing the choices", () => {
    const t = tempDir();
    const r = covshim(join(t, "home"), ["enable"]);
    expect(r.code).toBe(2);
    expect(oneLine(r)).toMatch(/GPDB install.*venv.*python interpreter.*PYTHONPATH/);
  });

  it("interpreter without coverage: the fix is the pip line for that interpreter", () => {
    const t = tempDir();
    const venv = venvWithCoverage(join(t, "venv"), false);
    const before = hashTree(venv);
    const r = covshim(join(t, "home"), ["enable", venv]);
    expect(r.code).toBe(1);
    expect(oneLine(r)).toContain(`fix: ${venv}/bin/python -m pip install coverage`);
    expect(treeDiff(before, hashTree(venv))).toEqual([]);
    expect(statusJson(join(t, "home")).installs).toEqual([]);
  });

  it("read-only shim directory (a read-only bind mount: root ignores mode bits)", () => {
    need("unshare");
    const py = debianCoveragePython();
    const t = tempDir();
    const lib = join(t, "lib");
    mkdirSync(lib);
    const before = hashTree(lib);
    const home = join(t, "home");
    mkdirSync(home);
    const script = `mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" "$1" && exec "$2" "$3" enable "$1" --python "$4"`;
    const r = run("unshare", ["-m", "--propagation", "private", "sh", "-c", script, "sh", lib, process.execPath, CLI, py], { ...process.env, COVSHIM_HOME: home, NO_COLOR: "1" });
    expect(r.code).toBe(1);
    expect(oneLine(r)).toContain(`${lib} is not writable`);
    expect(treeDiff(before, hashTree(lib))).toEqual([]);
    expect(statusJson(home).installs).toEqual([]);
  });

  it("a sitecustomize earlier on sys.path would shadow the shim", () => {
    const py = debianCoveragePython();
    const t = tempDir();
    const lib = join(t, "lib");
    const other = join(t, "other");
    mkdirSync(lib);
    mkdirSync(other);
    writeFileSync(join(other, "sitecustomize.py"), "x = 1\n");
    const r = covshim(join(t, "home"), ["enable", lib, "--python", py], { PYTHONPATH: `${other}:${lib}` });
    expect(r.code).toBe(1);
    expect(oneLine(r)).toContain(`${other}/sitecustomize.py comes first on sys.path and would shadow`);
    expect(existsSync(join(lib, "sitecustomize.py"))).toBe(false);
  });

  it("bad flags are usage errors (exit 2)", () => {
    const t = tempDir();
    const venv = venvWithCoverage(join(t, "venv"));
    for (const args of [["--core", "warp"], ["--scope", "galaxy"], ["--scope", "install", "--for", "banana"], ["--for", "1h"], ["--name", "a b"]]) {
      const r = covshim(join(t, "home"), ["enable", venv, ...args]);
      expect(r.code, args.join(" ")).toBe(2);
      oneLine(r);
    }
    expect(covshim(join(t, "home"), ["hook", "tcsh"]).code).toBe(2);
    expect(covshim(join(t, "home"), ["frobnicate"]).code).toBe(2);
    expect(statusJson(join(t, "home")).installs).toEqual([]);
  });
});
