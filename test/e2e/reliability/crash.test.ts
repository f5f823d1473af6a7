import { readFileSync, rmSync } from "node:fs";
import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { baseEnv, covshim, tempDir } from "../../helpers/fixtures.js";
import { dirInstall, venvInstall } from "../../helpers/installs.js";
import { CLI } from "../../helpers/tools.js";
import { hashTree, treeDiff } from "../../../src/fs/treehash.js";
import { dirs } from "../../../src/paths.js";
import { readState } from "../../../src/state/state.js";

const QUICK = process.env.COVSHIM_LONG !== "1";

function stepsOf(home: string, args: string[], extra: NodeJS.ProcessEnv = {}): number {
  const log = join(home, "..", `steps-${Math.random().toString(36).slice(2)}.log`);
  const r = covshim(home, args, { ...extra, COVSHIM_FAULT_LOG: log });
  expect(r.code, r.stderr).toBe(0);
  const n = readFileSync(log, "utf8").trim().split("\n").length;
  rmSync(log);
  return n;
}

function killedAt(home: string, args: string[], k: number, extra: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], { env: baseEnv(home, { ...extra, COVSHIM_FAULT_STEP: String(k) }), encoding: "utf8" });
  expect(r.signal, `step ${k}: ${r.stderr}`).toBe("SIGKILL");
}

/**
 * After `off`, the install is as it was and nothing is on. The state is read
 * as `status` reads it (readState validates it whole), in this process: a
 * `status` process per step was a fifth of this file's time.
 */
function offRestores(home: string, install: string, before: Record<string, string>, what: string) {
  const off = covshim(home, ["off"]);
  expect(off.code, `${what}: ${off.stderr}`).toBe(0);
  expect(treeDiff(before, hashTree(install)), what).toEqual([]);
  expect(Object.values(readState(dirs({ COVSHIM_HOME: home })).installs).filter((i) => i.enabled), what).toEqual([]);
}

describe("crash safety: SIGKILL after every write step", () => {
  for (const kind of ["dir", "venv"] as const) {
    it(`enable of a ${kind} install, killed at each step, is undone by off byte for byte`, () => {
      const t = tempDir();
      const inst = kind === "dir" ? dirInstall(t) : venvInstall(t);
      const before = hashTree(inst.path);
      const args = kind === "dir" ? ["enable", inst.path, "--python", inst.python] : ["enable", inst.path];
      const steps = stepsOf(join(t, "dry"), args);
      offRestores(join(t, "dry"), inst.path, before, "dry run");
      expect(steps).toBeGreaterThanOrEqual(6);
      for (let k = 1; k <= steps; k++) {
        const home = join(t, `home-${k}`);
        killedAt(home, args, k);
        offRestores(home, inst.path, before, `killed at step ${k} of ${steps}`);
      }
    });
  }

  it("off killed at each step: the next off finishes the job", () => {
    const t = tempDir();
    const a = dirInstall(t);
    const b = venvInstall(t);
    const ha = hashTree(a.path);
    const hb = hashTree(b.path);
    const probe = join(t, "probe-home");
    expect(covshim(probe, ["enable", a.path, "--python", a.python]).code).toBe(0);
    expect(covshim(probe, ["enable", b.path, "--scope", "install"]).code).toBe(0);
    const steps = stepsOf(probe, ["off"]);
    for (let k = 1; k <= steps; k++) {
      const home = join(t, `home-${k}`);
      expect(covshim(home, ["enable", a.path, "--python", a.python]).code).toBe(0);
      expect(covshim(home, ["enable", b.path, "--scope", "install"]).code).toBe(0);
      killedAt(home, ["off"], k);
      offRestores(home, a.path, ha, `off killed at step ${k}`);
      expect(treeDiff(hb, hashTree(b.path))).toEqual([]);
    }
  });

  it(`random kills in a loop (${QUICK ? "quick: 8 rounds; COVSHIM_LONG=1 for 60" : "60 rounds"})`, async () => {
    const t = tempDir();
    const inst = dirInstall(t);
    const before = hashTree(inst.path);
    const rounds = QUICK ? 8 : 60;
    for (let i = 0; i < rounds; i++) {
      const home = join(t, `home-${i}`);
      const child = spawn(process.execPath, [CLI, "enable", inst.path, "--python", inst.python], { env: baseEnv(home), stdio: "ignore" });
      const exited = new Promise((r) => child.on("exit", r));
      await new Promise((r) => setTimeout(r, 40 + Math.random() * 400));
      child.kill("SIGKILL");
      await exited;
      offRestores(home, inst.path, before, `round ${i}`);
    }
  });
});
