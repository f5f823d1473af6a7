import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { likelyCause } from "../../src/coverage/hints.js";
import type { InstallRecord } from "../../src/state/state.js";

const temps: string[] = [];
afterEach(() => temps.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A directory holding an executable `name`. */
function binWith(name: string): string {
  const d = mkdtempSync(join(tmpdir(), "covshim-hints-"));
  temps.push(d);
  writeFileSync(join(d, name), "#!/bin/sh\n");
  chmodSync(join(d, name), 0o755);
  return d;
}

const gpdb = (path: string, python: string) => ({ kind: "gpdb", path, python, rcfile: "/rc", scope: "shell", name: "g" }) as unknown as InstallRecord;

describe("why nothing was measured", () => {
  it("GPDB 6: the bundled interpreter is found as `python`, and the hint names that", () => {
    const gphome = binWith("x");
    const ext = join(gphome, "ext", "python", "bin");
    mkdirSync(ext, { recursive: true });
    const rec = gpdb(gphome, join(ext, "python"));
    const other = binWith("python");
    const env = { COVERAGE_PROCESS_START: "/rc", PYTHONPATH: join(gphome, "lib", "python"), PATH: `${other}:${ext}` };
    expect(likelyCause(rec, env)).toBe(`python on this shell's PATH is ${join(other, "python")}, not ${join(ext, "python")} that covshim enabled: processes of another interpreter (without coverage, or with another) are not measured`);
    // A python3 elsewhere on PATH is no reason: GPDB 6's utilities run `python`.
    writeFileSync(join(ext, "python"), "#!/bin/sh\n");
    chmodSync(join(ext, "python"), 0o755);
    expect(likelyCause(rec, { ...env, PATH: `${binWith("python3")}:${ext}` })).toBeUndefined();
  });

  it("GPDB 7: python3 on PATH", () => {
    const gphome = binWith("x");
    const mine = binWith("python3");
    const rec = gpdb(gphome, join(mine, "python3"));
    const other = binWith("python3");
    const env = { COVERAGE_PROCESS_START: "/rc", PYTHONPATH: join(gphome, "lib", "python") };
    expect(likelyCause(rec, { ...env, PATH: `${other}:${mine}` })).toMatch(/^python3 on this shell's PATH is /);
    expect(likelyCause(rec, { ...env, PATH: `${mine}:${other}` })).toBeUndefined();
  });
});
