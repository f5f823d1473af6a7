import { describe, expect, it } from "vitest";
import { chooseCore, renderRc } from "../../src/coverage/rcfile.js";
import { atLeast, type Probe } from "../../src/install/probe.js";

const probe = (py: string, cov: string, extra: Partial<Probe["coverage"]> = {}, mon = false): Probe => ({
  executable: "/py", version: py, sysPath: [], prefix: "/", purelib: "/p", siteDirs: [], hasSysMonitoring: mon,
  coverage: { importable: true, version: cov, ctrace: true, hasCoreSetting: atLeast(cov, "7.9"), hasPatchSetting: atLeast(cov, "7.10"), ...extra },
  sitecustomizes: [], loadedSitecustomize: null, coveragePths: [],
});

describe("coveragerc", () => {
  it("coverage 6.5: no keys 6.5 does not know, and no concurrency setting (the shim saves at os._exit, exec and fork for it)", () => {
    const p = probe("3.11.2", "6.5.0", { hasCoreSetting: false, hasPatchSetting: false });
    const rc = renderRc(p, { dataDir: "/d", source: [], omit: ["*/test_*.py", "/x,y/*"], branch: false }, chooseCore(p, "auto", false));
    expect(rc.match(/^\[/gm)).toEqual(["["]);
    expect(rc).toContain("parallel = True\ndata_file = /d/.coverage\n");
    expect(rc).not.toContain("concurrency");
    expect(rc).toContain("omit =\n    */test_*.py\n    /x,y/*\n");
    expect(rc).not.toMatch(/^(core|patch) =/m);
  });
  it("coverage 7.16: the chosen core, no patch setting (the shim saves before _exit and exec, and a fork child's own lines)", () => {
    const p = probe("3.12.1", "7.16.2", {}, true);
    const rc = renderRc(p, { dataDir: "/d", source: ["gppylib"], omit: [], branch: false }, chooseCore(p, "auto", false));
    expect(rc).toContain("core = sysmon\n");
    expect(rc).not.toMatch(/^patch =/m);
    expect(rc).toContain("source =\n    gppylib\n");
    expect(rc).not.toContain("concurrency");
  });
  it("core auto: ctrace before 3.12, ctrace for branches before 3.14, sysmon for branches on 3.14", () => {
    expect(chooseCore(probe("3.11.7", "7.16.2"), "auto", false).core).toBe("ctrace");
    expect(chooseCore(probe("3.13.0", "7.16.2", {}, true), "auto", true).core).toBe("ctrace");
    expect(chooseCore(probe("3.14.0", "7.16.2", {}, true), "auto", true).core).toBe("sysmon");
    expect(chooseCore(probe("3.12.1", "7.8.0", { hasCoreSetting: false }, true), "auto", false).core).toBe("ctrace");
    const slow = chooseCore(probe("3.11.7", "7.16.2", { ctrace: false }), "auto", false);
    expect(slow.core).toBe("pytrace");
    expect(slow.warning).toContain("10-30x slower");
  });
  it("explicit sysmon where it cannot work is an error naming why", () => {
    expect(() => chooseCore(probe("3.11.7", "7.16.2"), "sysmon", false)).toThrow(/Python 3.12/);
    expect(() => chooseCore(probe("3.12.1", "7.16.2", {}, true), "sysmon", true)).toThrow(/branches before Python 3.14/);
  });
  it("pytrace on coverage without the core setting uses timid", () => {
    const p = probe("3.11.2", "6.5.0", { hasCoreSetting: false });
    expect(renderRc(p, { dataDir: "/d", source: [], omit: [], branch: true }, chooseCore(p, "pytrace", true))).toContain("branch = True\ntimid = True\n");
  });
  it("a newline in a pattern is refused (it would start a new key)", () => {
    const p = probe("3.11.7", "7.16.2");
    expect(() => renderRc(p, { dataDir: "/d", source: [], omit: ["a\nparallel = False"], branch: false }, { core: "ctrace" })).toThrow(/newline/);
  });
});
