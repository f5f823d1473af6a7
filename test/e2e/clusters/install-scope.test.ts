import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { covshim, run, statusJson, tempDir } from "../../helpers/fixtures.js";
import { gpdb6, gpdb7 } from "../../helpers/gpdb.js";
import { hashTree, treeDiff } from "../../../src/fs/treehash.js";
import { dataFileCount } from "../../helpers/measure.js";

/** What gpstart does on a segment: a clean environment, greenplum_path.sh, a utility. */
const throughSsh = (gphome: string, cmd: string) =>
  run("env", ["-i", "HOME=/nonexistent", "PATH=/usr/bin:/bin", "bash", "-c", `. ${JSON.stringify(join(gphome, "greenplum_path.sh"))}; ${cmd}`], {});

describe("--scope install on a GPDB 7 / Cloudberry layout", () => {
  it("processes started through a clean environment are measured in install scope, not in shell scope", () => {
    const t = tempDir();
    const home = join(t, "home");
    const { gphome } = gpdb7(t);
    const before = hashTree(gphome);

    expect(covshim(home, ["enable", gphome], { GPHOME: gphome, PATH: `${gphome}/bin:${process.env.PATH}` }).code).toBe(0);
    let rec = statusJson(home).installs[0]!;
    expect(rec).toMatchObject({ kind: "gpdb", scope: "shell", expires: null, shim: join(gphome, "lib", "python", "sitecustomize.py") });
    expect(throughSsh(gphome, "gpsegwork 5").stdout).toBe("10\n");
    expect(dataFileCount(rec.dataDir)).toBe(0);

    const en = covshim(home, ["enable", gphome, "--scope", "install"], { PATH: `${gphome}/bin:${process.env.PATH}` });
    expect(en.code, en.stderr).toBe(0);
    rec = statusJson(home).installs[0]!;
    expect(rec.scope).toBe("install");
    expect(Date.parse(rec.expires!) - Date.now()).toBeGreaterThan(7.9 * 3600_000); // default 8h
    const r = throughSsh(gphome, "gpsegwork 5");
    expect(r).toMatchObject({ code: 0, stdout: "10\n", stderr: "" });
    expect(dataFileCount(rec.dataDir)).toBeGreaterThan(0);
    const rep = covshim(home, ["report", "--json", join(t, "r.json")]);
    expect(rep.code, rep.stderr).toBe(0);
    const j = JSON.parse(readFileSync(join(t, "r.json"), "utf8"));
    const util = j.files[join(gphome, "lib", "python", "gppylib", "util.py")];
    expect(util.executed_lines).toContain(4); // total += i
    expect(util.missing_lines).toContain(11); // on_host: not called
    // greenplum_path.sh is untouched: the shim lives in lib/python only.
    expect(readFileSync(join(gphome, "greenplum_path.sh"), "utf8")).toContain("test fixture");

    expect(covshim(home, ["off"]).code).toBe(0);
    expect(treeDiff(before, hashTree(gphome)).filter((p) => !p.startsWith("lib/python/gppylib/__pycache__"))).toEqual([]);
  });

  it("--for 5s (longer on a loaded machine): measurement stops by itself, covshim not running; status says to run off", async () => {
    const t = tempDir();
    const home = join(t, "home");
    const { gphome } = gpdb7(t);
    // Compile the package once, so that the tree's .pyc are there before and after.
    const t0 = Date.now();
    throughSsh(gphome, "gpsegwork 1");
    // 5 s, or ten of those runs where the machine is that slow: the measured
    // run below must end before the install's time does, whatever the load.
    const secs = Math.max(5, Math.ceil((Date.now() - t0) / 100));
    const before = hashTree(gphome);
    expect(covshim(home, ["enable", gphome, "--scope", "install", "--for", `${secs}s`], { PATH: `${gphome}/bin:${process.env.PATH}` }).code).toBe(0);
    const rec = statusJson(home).installs[0]!;
    throughSsh(gphome, "gpsegwork 3");
    const n = dataFileCount(rec.dataDir);
    expect(n).toBeGreaterThan(0);
    // Until just past the expiry the install recorded, however long the steps before took.
    await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(rec.expires!) - Date.now()) + 300));
    expect(throughSsh(gphome, "gpsegwork 3").stdout).toBe("3\n");
    expect(dataFileCount(rec.dataDir)).toBe(n);
    const st = statusJson(home);
    expect(st.installs[0]!.enabled).toBe(true);
    expect(st.warnings.join("\n")).toMatch(/install scope expired at .*run 'covshim off'/);
    expect(covshim(home, ["off"]).code).toBe(0);
    expect(treeDiff(before, hashTree(gphome))).toEqual([]);
  });
});

describe("GPDB 6 layout: ext/python/bin/python is Python 2.7", () => {
  it("without coverage: refused with the install command for that interpreter", () => {
    const t = tempDir();
    const { gphome, python } = gpdb6(t);
    const before = hashTree(gphome);
    const r = covshim(join(t, "home"), ["enable", gphome]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`coverage is not importable by ${python}`);
    expect(r.stderr).toContain(`fix: ${python} -m pip install coverage`);
    expect(treeDiff(before, hashTree(gphome))).toEqual([]);
  });

  for (const where of ["lib", "site"] as const) {
    it(`coverage 5.5 (the stand-in) in ${where === "lib" ? "$GPHOME/lib/python" : "the bundled interpreter's site-packages"}: enable, a run through greenplum_path.sh, report, off`, () => {
      const t = tempDir();
      const home = join(t, "home");
      const { gphome, python } = gpdb6(t, "gpdb6", where);
      const before = hashTree(gphome);
      const en = covshim(home, ["enable", gphome, "--scope", "install", "--for", "1h"]);
      expect(en.code, en.stderr).toBe(0);
      const rec = statusJson(home).installs[0]!;
      expect(rec).toMatchObject({ pythonVersion: "2.7.18", coverageVersion: "5.5", python });
      // As gpstart runs a utility on a segment: a clean environment, greenplum_path.sh.
      const r = throughSsh(gphome, "gpsegwork 4; python -c 'import sys; sys.exit(4)'");
      expect(r).toMatchObject({ code: 4, stdout: "6\n", stderr: "" });
      expect(dataFileCount(rec.dataDir)).toBeGreaterThanOrEqual(2);
      // The report runs the bundled Python as the install's processes do (PYTHONHOME, PYTHONPATH).
      const rep = covshim(home, ["report", "--json", join(t, "r.json")]);
      expect(rep.code, rep.stderr).toBe(0);
      const j = JSON.parse(readFileSync(join(t, "r.json"), "utf8"));
      expect(j.files[join(gphome, "lib", "python", "gppylib", "util.py")].executed_lines).toEqual([1, 2, 3, 4, 5]);
      expect(j.files[join(gphome, "bin", "gpsegwork")].executed_lines.length).toBeGreaterThan(0);
      expect(Object.keys(j.files).some((f) => f.includes("sitecustomize"))).toBe(false);
      expect(covshim(home, ["off"]).code).toBe(0);
      expect(treeDiff(before, hashTree(gphome))).toEqual([]);
    });
  }
});
