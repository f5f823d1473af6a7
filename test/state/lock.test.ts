import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { takeLock } from "../../src/state/lock.js";

let root = "";
afterEach(() => rmSync(root, { recursive: true, force: true }));
const file = () => {
  root = mkdtempSync(join(tmpdir(), "covshim-test-lock-"));
  return join(root, "state.json.lock");
};
/** A pid that is certainly dead: a child that has exited. */
const deadPid = () => spawnSync("true").pid!;

describe("the state lock", () => {
  it("holds the owner's pid while held and is gone when released", async () => {
    const f = file();
    const release = await takeLock(f);
    expect(readFileSync(f, "utf8")).toBe(String(process.pid));
    release();
    expect(existsSync(f)).toBe(false);
  });

  it("a second taker waits for the first", async () => {
    const f = file();
    const release = await takeLock(f);
    const order: string[] = [];
    const second = takeLock(f, 5000).then((r) => {
      order.push("second");
      r();
    });
    await new Promise((r) => setTimeout(r, 100));
    order.push("first done");
    release();
    await second;
    expect(order).toEqual(["first done", "second"]);
  });

  it("a lock left by a dead covshim is taken over at once", async () => {
    const f = file();
    writeFileSync(f, String(deadPid()));
    // No time to wait: only the takeover can succeed.
    const release = await takeLock(f, 0);
    expect(readFileSync(f, "utf8")).toBe(String(process.pid));
    release();
  });

  it("a lock held by a live process times out with a one-line message naming it", async () => {
    const f = file();
    writeFileSync(f, "1"); // init: alive, not ours
    await expect(takeLock(f, 200)).rejects.toThrow(/another covshim \(pid 1\) holds .*; try again when it is done/);
    expect(readFileSync(f, "utf8")).toBe("1");
  });

  it("release does not remove a lock that is no longer ours", async () => {
    const f = file();
    const release = await takeLock(f);
    writeFileSync(f, "1");
    release();
    expect(readFileSync(f, "utf8")).toBe("1");
  });
});
