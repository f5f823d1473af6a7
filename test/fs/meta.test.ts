import { statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { setMtimeNs } from "../../src/fs/meta.js";
import { tempDir } from "../helpers/fixtures.js";

it("setMtimeNs puts back a modification time to the nanosecond, also one a double cannot hold", () => {
  const f = join(tempDir(), "f");
  writeFileSync(f, "x");
  // 2026-12-02T01:02:03.123456789Z: utimes' double lands some 100 ns away, so touch sets it.
  for (const ns of ["1796173323123456789", "1796173323000000000", "1000000000000000001"]) {
    setMtimeNs(f, ns);
    expect(String(statSync(f, { bigint: true }).mtimeNs)).toBe(ns);
  }
});
