import { spawn } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { baseEnv, covshim, statusJson, tempDir } from "../../helpers/fixtures.js";
import { dirInstall, venvInstall } from "../../helpers/installs.js";
import { CLI } from "../../helpers/tools.js";
import { hashTree, treeDiff } from "../../../src/fs/treehash.js";

const go = (home: string, args: string[]) =>
  new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const c = spawn(process.execPath, [CLI, ...args], { env: baseEnv(home), stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    c.stderr.on("data", (d) => (stderr += d));
    c.on("exit", (code) => resolve({ code, stderr }));
  });

describe("several covshims at once", () => {
  it("enable/off/status from different shells keep the state valid and at most one shell-scope install on", async () => {
    const t = tempDir();
    const home = join(t, "home");
    const a = dirInstall(t, "a");
    const b = dirInstall(t, "b");
    const v = venvInstall(t);
    const before = [hashTree(a.path), hashTree(b.path), hashTree(v.path)];
    for (let round = 0; round < 3; round++) {
      const results = await Promise.all([
        go(home, ["enable", a.path, "--python", a.python]),
        go(home, ["enable", b.path, "--python", b.python]),
        go(home, ["enable", v.path]),
        go(home, ["status", "--json"]),
        go(home, ["enable", a.path, "--python", a.python, "--append"]),
        go(home, ["status"]),
      ]);
      for (const r of results) expect(r.code, r.stderr).toBe(0);
      const st = statusJson(home);
      const on = st.installs.filter((i) => i.enabled);
      expect(on).toHaveLength(1);
      // The one that is on really has its shim; the others are clean.
      expect(on[0]!.shim).not.toBeNull();
      expect(st.installs.filter((i) => !i.enabled).every((i) => i.shim === null)).toBe(true);
      const offs = await Promise.all([go(home, ["off"]), go(home, ["off"]), go(home, ["status", "--json"])]);
      for (const r of offs) expect(r.code, r.stderr).toBe(0);
      expect(statusJson(home).installs.filter((i) => i.enabled)).toEqual([]);
      [a.path, b.path, v.path].forEach((p, i) => expect(treeDiff(before[i]!, hashTree(p))).toEqual([]));
    }
    expect(covshim(home, ["off"]).stderr).toContain("nothing is on");
  });
});
