import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../helpers/fixtures.js";
import { hasShim, removeShim, saveOriginal, writeShim } from "../../src/shim/lifecycle.js";
import { PTH_NAME, pyStr } from "../../src/shim/render.js";
import { hashTree, treeDiff } from "../../src/fs/treehash.js";

/** The byte-for-byte restore, on real files: what off promises for every install. */
describe("the shim's lifecycle: save, write, remove", () => {
  const tmp = () => {
    const d = tempDir();
    return { lib: join(d, "lib"), backup: join(d, "backup") };
  };
  const touchNs = (p: string, iso: string) => execFileSync("touch", ["-m", "-d", iso, p]);
  const code = "import os  # the shim";

  it("a sitecustomize.py of the install's own comes back with its bytes, mode, mtime, .pyc files and directory times", () => {
    const { lib, backup } = tmp();
    mkdirSync(join(lib, "__pycache__"), { recursive: true });
    const site = join(lib, "sitecustomize.py");
    writeFileSync(site, "import os\nimport coverage; coverage.process_startup()\n");
    chmodSync(site, 0o640);
    writeFileSync(join(lib, "__pycache__", "sitecustomize.cpython-312.pyc"), "compiled");
    touchNs(join(lib, "__pycache__", "sitecustomize.cpython-312.pyc"), "2021-03-04T05:06:07.000000001Z");
    touchNs(site, "2021-03-04T05:06:07.123456789Z");
    touchNs(join(lib, "__pycache__"), "2021-03-04T05:06:08.5Z");
    touchNs(lib, "2021-03-04T05:06:09.25Z");
    const before = hashTree(lib);

    const rec = saveOriginal("block", site, backup);
    writeShim(rec, code);
    const on = readFileSync(site, "utf8");
    expect(on).toContain("pass  # covshim-disabled: import coverage; coverage.process_startup()");
    expect(on).toContain(pyStr(code));
    expect(hasShim(rec)).toBe(true);
    // Python recompiles it while on.
    writeFileSync(join(lib, "__pycache__", "sitecustomize.cpython-312.pyc"), "recompiled");
    writeFileSync(join(lib, "__pycache__", "sitecustomize.cpython-313.pyc"), "another Python's");

    expect(removeShim(rec)).toEqual({ changed: true, note: undefined });
    expect(treeDiff(before, hashTree(lib))).toEqual([]);
    expect(hasShim(rec)).toBe(false);
    // A second off finds nothing to do.
    expect(removeShim(rec).changed).toBe(false);
  });

  it("a file covshim created goes, with the __pycache__ Python made for it", () => {
    const { lib, backup } = tmp();
    mkdirSync(lib);
    touchNs(lib, "2021-03-04T05:06:09.25Z");
    const before = hashTree(lib);
    const site = join(lib, "sitecustomize.py");
    const rec = saveOriginal("block", site, backup);
    writeShim(rec, code, 4_102_444_800);
    expect(readFileSync(site, "utf8")).toContain("time() < 4102444800");
    // Python chains to the sitecustomize.py this one shadows.
    expect(readFileSync(site, "utf8")).toContain("_covshim_chain()");
    mkdirSync(join(lib, "__pycache__"));
    writeFileSync(join(lib, "__pycache__", "sitecustomize.cpython-312.pyc"), "compiled");
    removeShim(rec);
    expect(treeDiff(before, hashTree(lib))).toEqual([]);
  });

  it("edited while on: only the block comes out, the edits stay, and off says so", () => {
    const { lib, backup } = tmp();
    mkdirSync(lib);
    const site = join(lib, "sitecustomize.py");
    writeFileSync(site, "import os\n");
    const rec = saveOriginal("block", site, backup);
    writeShim(rec, code);
    writeFileSync(site, "USER = 1\n" + readFileSync(site, "utf8"));
    const r = removeShim(rec);
    expect(r.changed).toBe(true);
    expect(r.note).toContain("was edited while covshim was on");
    expect(readFileSync(site, "utf8")).toBe("USER = 1\nimport os\n");
  });

  it("the .pth of a venv: written and removed; an existing one of the same name comes back", () => {
    const { lib, backup } = tmp();
    mkdirSync(lib);
    const pth = join(lib, PTH_NAME);
    const rec = saveOriginal("pth", pth, backup);
    writeShim(rec, code);
    const text = readFileSync(pth, "utf8");
    expect(text.startsWith("import os; (")).toBe(true);
    expect(text.split("\n").length).toBe(2);
    // A .pth runs only lines starting with import: Python runs it.
    const r = spawnSync("python3", ["-c", `import site; site.addpackage(${JSON.stringify(lib)}, ${JSON.stringify(PTH_NAME)}, set())`], { encoding: "utf8", env: { PATH: process.env.PATH } });
    expect(r.status, r.stderr).toBe(0);
    removeShim(rec);
    expect(existsSync(pth)).toBe(false);

    writeFileSync(pth, "# someone's own\n");
    const again = saveOriginal("pth", pth, join(backup, "2"));
    writeShim(again, code);
    removeShim(again);
    expect(readFileSync(pth, "utf8")).toBe("# someone's own\n");
  });

  it("a symbolic link is refused before anything is written", () => {
    const { lib, backup } = tmp();
    mkdirSync(lib);
    writeFileSync(join(lib, "real.py"), "x = 1\n");
    symlinkSync(join(lib, "real.py"), join(lib, "sitecustomize.py"));
    expect(() => saveOriginal("block", join(lib, "sitecustomize.py"), backup)).toThrow("is a symbolic link; covshim does not write through links");
    expect(existsSync(backup)).toBe(false);
  });

  it("a removal killed after the file was back still puts the .pyc files back", () => {
    const { lib, backup } = tmp();
    mkdirSync(join(lib, "__pycache__"), { recursive: true });
    const site = join(lib, "sitecustomize.py");
    writeFileSync(site, "import os\n");
    writeFileSync(join(lib, "__pycache__", "sitecustomize.cpython-312.pyc"), "compiled");
    const rec = saveOriginal("block", site, backup);
    const original = readFileSync(site);
    writeShim(rec, code);
    writeFileSync(join(lib, "__pycache__", "sitecustomize.cpython-312.pyc"), "recompiled");
    // The bytes are back, the rest is not (as after a kill).
    writeFileSync(site, original);
    removeShim(rec);
    expect(readFileSync(join(lib, "__pycache__", "sitecustomize.cpython-312.pyc"), "utf8")).toBe("compiled");
  });
});
