import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DamagedStateError, emptyState, readState, readTouched, recordTouched, writeState } from "../../src/state/state.js";
import type { Dirs } from "../../src/paths.js";

let root = "";
const mk = (): Dirs => {
  root = mkdtempSync(join(tmpdir(), "covshim-test-state-"));
  return { config: join(root, "config"), data: join(root, "data"), state: join(root, "state") };
};
afterEach(() => rmSync(root, { recursive: true, force: true }));

const install = {
  id: "lib-0123456789", name: "lib", path: "/opt/lib", kind: "dir", enabled: true, scope: "shell", since: "2026-11-25T10:00:00.000Z",
  expires: null, rcfile: "/x/coveragerc", dataDir: "/x/data", python: "/usr/bin/python3", pythonVersion: "3.11.2",
  coverageVersion: "6.5.0", core: "ctrace",
  shim: { type: "block", path: "/opt/lib/sitecustomize.py", backup: null, pycs: [], pycacheExisted: false },
};

describe("state validation", () => {
  it("a missing file is an empty state; what is written reads back the same", async () => {
    const d = mk();
    expect(readState(d)).toEqual(emptyState());
    const s = { version: 1 as const, installs: { [install.id]: install } } as unknown as ReturnType<typeof emptyState>;
    await writeState(d, s);
    expect(readState(d)).toEqual(s);
    expect(readFileSync(join(d.state, "state.json"), "utf8").endsWith("\n")).toBe(true);
  });

  it("names what is damaged, and where", () => {
    const d = mk();
    mkdirSync(d.state, { recursive: true });
    const cases: [string, RegExp][] = [
      ["{ not json", /is damaged \(not JSON\)/],
      [JSON.stringify({ version: 1, installs: { x: { ...install, kind: "conda" } } }), /damaged \(installs\.x\.kind: /],
      [JSON.stringify({ version: 1, installs: { x: { ...install, shim: { ...install.shim, type: "egg" } } } }), /installs\.x\.shim\.type/],
      [JSON.stringify({ version: 1 }), /damaged \(installs: /],
      [JSON.stringify({ version: 7, installs: {} }), /written by a newer covshim \(format 7\)/],
      ["", /not JSON/],
    ];
    for (const [text, re] of cases) {
      writeFileSync(join(d.state, "state.json"), text);
      let err: unknown;
      try {
        readState(d);
      } catch (e) {
        err = e;
      }
      expect(err, text).toBeInstanceOf(DamagedStateError);
      expect((err as Error).message, text).toMatch(re);
      expect((err as Error).message).not.toContain("\n");
    }
  });

  it("the touched record survives a torn last line", () => {
    const d = mk();
    const t = { id: install.id, path: install.path, shim: install.shim as never };
    recordTouched(d, t);
    recordTouched(d, { ...t, path: "/opt/other" });
    writeFileSync(join(d.state, "touched.log"), readFileSync(join(d.state, "touched.log"), "utf8") + '{"id":"torn","pa');
    expect(readTouched(d).map((x) => x.path)).toEqual(["/opt/lib", "/opt/other"]);
  });
});
