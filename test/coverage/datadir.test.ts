import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../helpers/fixtures.js";
import { dataFiles, isDataFile, moveAside } from "../../src/coverage/datadir.js";

describe("a data directory", () => {
  const tmp = () => tempDir();

  it("its data files are .coverage and .coverage.*", () => {
    expect(isDataFile(".coverage")).toBe(true);
    expect(isDataFile(".coverage.h.pid1.Xax.covrec")).toBe(true);
    expect(isDataFile(".coveragerc")).toBe(false);
    expect(dataFiles(join(tmp(), "missing"))).toEqual([]);
  });

  it("the previous run moves aside whole (data, warnings, set-aside files), kept; a second move gets its own name", () => {
    const t = tmp();
    const d = join(t, "data");
    mkdirSync(d);
    expect(moveAside(d)).toBeNull();
    writeFileSync(join(d, ".coverage.a"), "x");
    writeFileSync(join(d, "warnings.log"), "1 - w\n");
    mkdirSync(join(d, "unreadable"));
    writeFileSync(join(d, "keep.txt"), "not of the run");
    const now = new Date("2026-01-02T03:04:05.678Z");
    const first = moveAside(d, now)!;
    expect(first).toBe(`${d}.prev-2026-01-02T03-04-05-678Z`);
    expect(readdirSync(first).sort()).toEqual([".coverage.a", "unreadable", "warnings.log"]);
    expect(readdirSync(d)).toEqual(["keep.txt"]);
    writeFileSync(join(d, ".coverage"), "y");
    expect(moveAside(d, now)).toBe(`${first}-1`);
  });
});
