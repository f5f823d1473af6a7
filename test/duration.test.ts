import { describe, expect, it } from "vitest";
import { parseDuration } from "../src/duration.js";

describe("durations", () => {
  it("parses units and sums", () => {
    expect(parseDuration("90s")).toBe(90);
    expect(parseDuration("8h")).toBe(28800);
    expect(parseDuration("1h30m")).toBe(5400);
    expect(parseDuration("2d")).toBe(172800);
  });
  it("rejects what is not a duration", () => {
    for (const bad of ["banana", "10", "", "-1h", "0s", "1h 2m"]) expect(() => parseDuration(bad), bad).toThrow(/invalid duration/);
  });
});
