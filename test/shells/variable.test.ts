import { describe, expect, it } from "vitest";
import { envView, reachNote, startValue, startVariable } from "../../src/shells/variable.js";

describe("the variable a hooked shell exports", () => {
  it("COVSHIM_START where covshim's recorder measures, COVERAGE_PROCESS_START where coverage.py does", () => {
    expect(startVariable({ recorder: "covshim" })).toBe("COVSHIM_START");
    expect(startVariable({ recorder: "coverage" })).toBe("COVERAGE_PROCESS_START");
  });
  it("the shim measures with whichever is set, covshim's first", () => {
    expect(startValue({ COVSHIM_START: "/a", COVERAGE_PROCESS_START: "/b" })).toBe("/a");
    expect(startValue({ COVERAGE_PROCESS_START: "/b" })).toBe("/b");
    expect(startValue({ COVSHIM_START: "" })).toBeUndefined();
  });
  it("says whether covshim set it", () => {
    expect(envView({ COVSHIM_START: "/a", __COVSHIM_SET: "/a" }).setByCovshim).toBe(true);
    expect(envView({ COVERAGE_PROCESS_START: "/mine" }).setByCovshim).toBe(false);
    expect(envView({})).toEqual({ COVERAGE_PROCESS_START: null, COVSHIM_START: null, setByCovshim: false });
  });
  it("tells what reaches this shell: nothing when hooked, the next prompt in a subshell, `covshim env` without hook", () => {
    expect(reachNote("on", { __COVSHIM_HOOKED: "1" })).toBeUndefined();
    expect(reachNote("on", { __COVSHIM_HOOKED: "subshell" }, "COVSHIM_START")).toContain("gets COVSHIM_START at its next prompt");
    expect(reachNote("on", {})).toContain('eval "$(covshim env)"');
    expect(reachNote("off", { COVSHIM_START: "/a", __COVSHIM_SET: "/a" })).toContain("still has COVSHIM_START");
    expect(reachNote("off", {})).toBeUndefined();
  });
});
