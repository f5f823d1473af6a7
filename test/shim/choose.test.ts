import { describe, expect, it } from "vitest";
import type { Probe } from "../../src/install/probe.js";
import { a1Before, chooseRecorder, recorderConfig } from "../../src/shim/choose.js";

const site = "/venv/lib/python3.12/site-packages";
const probe = (o: Partial<Probe> = {}): Probe => ({
  executable: "/venv/bin/python",
  version: "3.12.1",
  sysPath: [],
  prefix: "/venv",
  purelib: site,
  siteDirs: [site],
  siteOrder: [site],
  hasSysMonitoring: true,
  coverage: { importable: true, version: "7.16.2", neverMeasured: ["/py/lib/python3.12", site] },
  sitecustomizes: [],
  loadedSitecustomize: null,
  coveragePths: [],
  ...o,
});
const ask = { core: "auto" as const, branch: false, userRcfile: false };

describe("which recorder an install uses", () => {
  it("covshim's on Python 3.12+ with nothing that needs coverage.py", () => {
    expect(chooseRecorder(probe(), ask).recorder).toBe("covshim");
    expect(chooseRecorder(probe({ version: "3.13.0" }), ask).recorder).toBe("covshim");
  });

  it("coverage.py for older Pythons, --branch, a core by name, --rcfile, each with its reason", () => {
    expect(chooseRecorder(probe({ version: "3.11.7", hasSysMonitoring: false }), ask)).toEqual({ recorder: "coverage", why: "Python 3.11.7 has no sys.monitoring, which came in 3.12" });
    expect(chooseRecorder(probe(), { ...ask, branch: true }).why).toMatch(/^--branch/);
    expect(chooseRecorder(probe(), { ...ask, core: "sysmon" }).why).toBe("--core sysmon names coverage.py's core");
    expect(chooseRecorder(probe(), { ...ask, userRcfile: true }).why).toMatch(/^--rcfile/);
  });

  it("coverage's own a1_coverage.pth does not stand in the recorder's way: shells export COVSHIM_START for it, to which a1 does not answer; after a .pth shim in its directory it gets a stand-in (for a COVERAGE_PROCESS_START set by hand)", () => {
    const a1 = `${site}/a1_coverage.pth`;
    const p = probe({ coveragePths: [a1] });
    expect(a1Before(p, { block: false, shimDir: site })).toEqual([]);
    expect(chooseRecorder(p, ask).recorder).toBe("covshim");
    expect(recorderConfig(p, { source: [], contexts: false, shimDir: site, block: false }).a1).toEqual([a1]);
    // Before a sitecustomize shim (site.py reads every .pth first): no stand-in can help, the variable does.
    expect(a1Before(p, { block: true, shimDir: "/gpdb/lib/python" })).toEqual([a1]);
    expect(recorderConfig(p, { source: [], contexts: false, shimDir: "/gpdb/lib/python", block: true }).a1).toEqual([]);
    // A user site read before the install's site-packages.
    const user = "/home/u/.local/lib/python3.12/site-packages";
    expect(a1Before(probe({ coveragePths: [`${user}/a1_coverage.pth`], siteOrder: [user, site] }), { block: false, shimDir: site })).toEqual([`${user}/a1_coverage.pth`]);
  });

  it("the recorder's bound: the source as given, else where the install's coverage never measures", () => {
    expect(recorderConfig(probe(), { source: ["/gp/lib/python", "gppylib"], contexts: false, shimDir: site, block: false })).toMatchObject({ source: ["/gp/lib/python", "gppylib"], skip: [] });
    expect(recorderConfig(probe(), { source: [], contexts: true, shimDir: site, block: false })).toMatchObject({ source: [], skip: ["/py/lib/python3.12", site], contexts: true, prefix: "/venv", version: "3.12" });
  });
});
