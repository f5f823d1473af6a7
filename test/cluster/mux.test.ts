import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { tempDir } from "../helpers/fixtures.js";

// The module keeps this process's control directory: a fresh copy per test.
async function fresh(home: string) {
  vi.stubEnv("COVSHIM_HOME", home);
  vi.resetModules();
  return import("../../src/cluster/mux.js");
}

afterEach(() => {
  vi.unstubAllEnvs();
});

const BASE = ["ssh", "-o", "BatchMode=yes"];

describe("OpenSSH connection reuse: where the sockets go", () => {
  it("one socket per host in this process's own directory, removed by closeConnections", async () => {
    const home = tempDir();
    const mux = await fresh(home);
    const a = mux.reuseOptions("127.0.0.2", BASE);
    const b = mux.reuseOptions("127.0.0.3", BASE);
    const path = (o: string[]) => o.find((x) => x.startsWith("ControlPath="))!.slice("ControlPath=".length);
    expect(a).toContain("ControlMaster=auto");
    expect(path(a)).not.toBe(path(b));
    expect(path(a)).toBe(path(mux.reuseOptions("127.0.0.2", BASE)));
    const dir = join(home, "state", "ssh", String(process.pid));
    expect(path(a).startsWith(`${dir}/`)).toBe(true);
    expect(existsSync(dir)).toBe(true);
    await mux.closeConnections();
    expect(existsSync(dir)).toBe(false);
  });

  it("a covshim that is gone leaves its directory to the next one, which sweeps it; a live one's stays", async () => {
    const home = tempDir();
    const root = join(home, "state", "ssh");
    mkdirSync(join(root, "4000001"), { recursive: true });
    mkdirSync(join(root, String(process.ppid)), { recursive: true });
    const mux = await fresh(home);
    mux.reuseOptions("127.0.0.2", BASE);
    expect(readdirSync(root).sort()).toEqual([String(process.pid), String(process.ppid)].sort());
    await mux.closeConnections();
  });

  it("no reuse where OpenSSH could not bind the socket or would split the path: plain connections", async () => {
    const long = join(tempDir(), "x".repeat(80));
    expect((await fresh(long)).reuseOptions("127.0.0.2", BASE)).toEqual([]);
    const spaced = join(tempDir(), "a home");
    expect((await fresh(spaced)).reuseOptions("127.0.0.2", BASE)).toEqual([]);
    expect(existsSync(join(spaced, "state"))).toBe(false);
  });
});
