import { spawn } from "node:child_process";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { baseEnv, covshim, statusJson, tempDir } from "../../helpers/fixtures.js";
import { dirInstall, venvInstall } from "../../helpers/installs.js";
import { CLI } from "../../helpers/tools.js";
import { hashTree, treeDiff } from "../../../src/fs/treehash.js";

const LONG = process.env.COVSHIM_LONG === "1";

type Op =
  | { op: "enable"; i: number; scope: "shell" | "install"; append: boolean }
  | { op: "off"; i: number | null }
  | { op: "run"; i: number }
  | { op: "kill"; i: number; after: number };

const op = (n: number): fc.Arbitrary<Op> =>
  fc.oneof(
    fc.record({ op: fc.constant("enable" as const), i: fc.nat(n - 1), scope: fc.constantFrom("shell" as const, "install" as const), append: fc.boolean() }),
    fc.record({ op: fc.constant("off" as const), i: fc.option(fc.nat(n - 1), { nil: null }) }),
    fc.record({ op: fc.constant("run" as const), i: fc.nat(n - 1) }),
    fc.record({ op: fc.constant("kill" as const), i: fc.nat(n - 1), after: fc.integer({ min: 20, max: 400 }) }),
  );

describe("property: after off, every install hashes as before the first enable", () => {
  it(`random sequences of enable/off/run/kill over three installs with files of their own (${LONG ? 40 : 4} sequences)`, async () => {
    const t = tempDir();
    const installs = [dirInstall(t, "a"), dirInstall(t, "b"), venvInstall(t, "v")];
    const before = installs.map((x) => hashTree(x.path));
    const enableArgs = (i: number) => (i < 2 ? ["enable", installs[i]!.path, "--python", installs[i]!.python] : ["enable", installs[i]!.path]);
    let seq = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op(installs.length), { minLength: 1, maxLength: 7 }), async (ops) => {
        const home = join(t, `home-${seq++}`);
        for (const o of ops) {
          if (o.op === "enable") {
            const r = covshim(home, [...enableArgs(o.i), "--scope", o.scope, ...(o.append ? ["--append"] : [])]);
            expect(r.code, r.stderr).toBe(0);
          } else if (o.op === "off") {
            const r = covshim(home, o.i === null ? ["off"] : ["off", installs[o.i]!.path]);
            expect([0, 1]).toContain(r.code); // 1: that install was never enabled in this home
          } else if (o.op === "run") {
            const x = installs[o.i]!;
            const r = covshim(home, [...(o.i < 2 ? ["run", x.path, "--python", x.python] : ["run", x.path]), "--", x.python, "-c", "pass"]);
            expect(r.code, r.stderr).toBe(0);
          } else {
            const child = spawn(process.execPath, [CLI, ...enableArgs(o.i)], { env: baseEnv(home), stdio: "ignore" });
            const exited = new Promise((r) => child.on("exit", r));
            await new Promise((r) => setTimeout(r, o.after));
            child.kill("SIGKILL");
            await exited;
          }
          // Shell scope keeps at most one install on, whatever happened.
          expect(statusJson(home).installs.filter((i) => i.enabled && i.scope === "shell").length).toBeLessThanOrEqual(1);
        }
        const off = covshim(home, ["off"]);
        expect(off.code, off.stderr).toBe(0);
        installs.forEach((x, i) => expect(treeDiff(before[i]!, hashTree(x.path)), `${x.path} after ${JSON.stringify(ops)}`).toEqual([]));
      }),
      { numRuns: LONG ? 40 : 4, endOnFailure: true },
    );
  });
});
