import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { gpdbEnv } from "../../src/install/target.js";

describe("a GPDB install's environment, from its greenplum_path.sh", () => {
  it("what greenplum_path.sh sets, and nothing of the user's ~/.bashrc (bash reads it when stdin is a socket, as node's pipes are)", () => {
    const t = mkdtempSync(join(tmpdir(), "covshim-target-"));
    try {
      const gphome = join(t, "gpdb");
      mkdirSync(gphome);
      writeFileSync(join(gphome, "greenplum_path.sh"), `GPHOME=${gphome}\nPYTHONPATH="$GPHOME/lib/python"\nPATH="$GPHOME/bin:$PATH"\nexport GPHOME PYTHONPATH PATH\n`);
      const home = join(t, "home");
      mkdirSync(home);
      writeFileSync(join(home, ".bashrc"), 'export PATH="/from-bashrc:$PATH"\n');
      const env = gpdbEnv(gphome, { HOME: home, PATH: "/usr/bin:/bin" });
      expect(env.PYTHONPATH).toBe(join(gphome, "lib", "python"));
      expect(env.PATH).toBe(`${gphome}/bin:/usr/bin:/bin`);
    } finally {
      rmSync(t, { recursive: true, force: true });
    }
  });
});
