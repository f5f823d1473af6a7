import { chmodSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Probe } from "../../src/install/probe.js";
import type { Target } from "../../src/install/target.js";
import { blockers, shimPathOf } from "../../src/switch/blockers.js";

const probe = (p: Partial<Probe>) => ({ coverage: { importable: true }, purelib: "/sp", sysPath: [], sitecustomizes: [], coveragePths: [], ...p }) as Probe;
const target = (t: Partial<Target>) => ({ kind: "dir", path: "/x", python: "/usr/bin/python3", pythonPath: [], env: {}, notes: [], ...t }) as Target;

describe("what would stop measurement, found before anything is written", () => {
  it("where the shim goes: a block in sitecustomize.py for dir and gpdb, covshim's .pth in site-packages else", () => {
    expect(shimPathOf(target({ kind: "gpdb", shimDir: "/g/lib/python" }), probe({}))).toBe("/g/lib/python/sitecustomize.py");
    expect(shimPathOf(target({ kind: "venv" }), probe({}))).toBe("/sp/a0_covshim.pth");
  });

  it("coverage not importable, with the fix for Debian's Python and for others", () => {
    const d = mkdtempSync(join(tmpdir(), "covshim-blockers-"));
    try {
      const no = probe({ coverage: { importable: false, error: "No module named coverage" } });
      expect(blockers(target({ shimDir: d }), no)[0]!.fix).toBe("apt-get install python3-coverage");
      expect(blockers(target({ shimDir: d, python: "/opt/py/bin/python" }), no)[0]!.fix).toBe("/opt/py/bin/python -m pip install coverage");
      expect(blockers(target({ shimDir: d }), probe({ sysPath: [d] }))).toEqual([]);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  it("a sitecustomize.py earlier on sys.path would shadow the block; a directory that is not writable", () => {
    const d = mkdtempSync(join(tmpdir(), "covshim-blockers-"));
    try {
      mkdirSync(join(d, "ours"));
      const got = blockers(target({ shimDir: join(d, "ours") }), probe({ sysPath: ["/etc/py", join(d, "ours")], sitecustomizes: ["/etc/py/sitecustomize.py"] }));
      expect(got.map((b) => b.problem)).toEqual([`/etc/py/sitecustomize.py comes first on sys.path and would shadow ${join(d, "ours", "sitecustomize.py")} (Python imports only the first sitecustomize)`]);
      if (process.getuid?.() !== 0) {
        chmodSync(join(d, "ours"), 0o500);
        expect(blockers(target({ shimDir: join(d, "ours") }), probe({ sysPath: [join(d, "ours")] }))[0]!.problem).toContain("is not writable");
      }
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
});
