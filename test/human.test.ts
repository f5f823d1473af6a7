import { describe, expect, it } from "vitest";
import { clock, plural, span, tilde } from "../src/human.js";

describe("words for people", () => {
  it("plurals", () => {
    expect(plural(1, "data file")).toBe("1 data file");
    expect(plural(0, "data file")).toBe("0 data files");
    expect(plural(2, "process", "processes")).toBe("2 processes");
  });
  it("durations", () => {
    expect(span(20)).toBe("less than a minute");
    expect(span(7 * 3600 + 59 * 60 + 30)).toBe("7 h 59 min");
    expect(span(3 * 3600)).toBe("3 h");
    expect(span(180)).toBe("3 min");
  });
  it("local times without seconds or milliseconds", () => {
    const now = new Date(2026, 10, 25, 18, 0);
    expect(clock(new Date(2026, 10, 25, 9, 5, 33, 120).toISOString(), now)).toBe("09:05");
    expect(clock(new Date(2026, 10, 26, 0, 44).toISOString(), now)).toBe("Nov 26 00:44");
  });
  it("paths under home with ~", () => {
    expect(tilde("/home/dev/.local/share/covshim", "/home/dev")).toBe("~/.local/share/covshim");
    expect(tilde("/home/devx/a", "/home/dev")).toBe("/home/devx/a");
  });
});
