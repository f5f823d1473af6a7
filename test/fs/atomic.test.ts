import { readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../helpers/fixtures.js";
import { TMP_SUFFIX, atomicWrite, keepCopy } from "../../src/fs/atomic.js";

describe("the one writer", () => {
  const tmp = () => tempDir();

  it("writes the bits asked for whatever the umask, and the mtime to the nanosecond", () => {
    const d = tmp();
    const old = process.umask(0o077);
    try {
      atomicWrite(join(d, "f"), "text", { mode: 0o644, mtimeNs: "1614834367123456789" });
    } finally {
      process.umask(old);
    }
    const st = statSync(join(d, "f"), { bigint: true });
    expect(Number(st.mode & 0o7777n)).toBe(0o644);
    expect(st.mtimeNs).toBe(1614834367123456789n);
    expect(readFileSync(join(d, "f"), "utf8")).toBe("text");
    expect(readdirSync(d)).toEqual(["f"]);
  });

  it("a half-written file of a killed run is replaced; a link at the name is replaced, not followed", () => {
    const d = tmp();
    writeFileSync(join(d, "f" + TMP_SUFFIX), "half");
    writeFileSync(join(d, "target"), "theirs");
    symlinkSync(join(d, "target"), join(d, "f"));
    atomicWrite(join(d, "f"), "mine", 0o600);
    expect(readFileSync(join(d, "target"), "utf8")).toBe("theirs");
    expect(readFileSync(join(d, "f"), "utf8")).toBe("mine");
    expect(readdirSync(d).sort()).toEqual(["f", "target"]);
  });

  it("a kept copy is private, in a private directory made for it", () => {
    const d = tmp();
    writeFileSync(join(d, "src"), "original");
    keepCopy(join(d, "src"), join(d, "backup", "copy"));
    expect(readFileSync(join(d, "backup", "copy"), "utf8")).toBe("original");
    expect(statSync(join(d, "backup", "copy")).mode & 0o777).toBe(0o600);
    expect(statSync(join(d, "backup")).mode & 0o777).toBe(0o700);
  });
});
