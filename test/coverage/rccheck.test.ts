import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkRcfile } from "../../src/coverage/rccheck.js";
import { PY27, pyenvPython } from "../helpers/tools.js";

describe("a user's coveragerc, read with the install's own configparser", () => {
  for (const [label, python] of [
    ["Python 3", "python3"],
    ["Python 2.7", pyenvPython(PY27)],
  ] as const) {
    it(`${label}: where its data lands, or the line configparser rejects`, async () => {
      const d = mkdtempSync(join(tmpdir(), "covshim-rccheck-"));
      try {
        const rc = join(d, "rc");
        writeFileSync(rc, "[run]\ndata_file = /data/x/.coverage\n");
        expect(await checkRcfile(python, rc)).toEqual({ dataDir: "/data/x" });
        writeFileSync(rc, "[coverage:run]\ndata_file = rel/.coverage\n");
        expect((await checkRcfile(python, rc)).note).toContain("relative data_file (rel/.coverage)");
        writeFileSync(rc, "[run]\nbranch = True\n");
        expect((await checkRcfile(python, rc)).note).toContain("sets no data_file");
        writeFileSync(rc, "[run]\nbranch = True\nbranch = False\n");
        if (label === "Python 3") await expect(checkRcfile(python, rc)).rejects.toThrow(/DuplicateOptionError at line 3/);
        writeFileSync(rc, "no section header\n");
        await expect(checkRcfile(python, rc)).rejects.toThrow(/MissingSectionHeaderError/);
      } finally {
        rmSync(d, { recursive: true, force: true });
      }
    });
  }
});
