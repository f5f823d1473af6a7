import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { emit, out, say, toStdout, warn } from "../src/output.js";

describe("stdout for scripts, stderr for people", () => {
  const got = { out: [] as string[], err: [] as string[] };
  afterEach(() => {
    vi.restoreAllMocks();
    got.out = [];
    got.err = [];
  });
  const capture = () => {
    vi.spyOn(process.stdout, "write").mockImplementation((s) => (got.out.push(String(s)), true));
    vi.spyOn(process.stderr, "write").mockImplementation((s) => (got.err.push(String(s)), true));
  };

  it("say and warn go to stderr, out to stdout with one newline", () => {
    capture();
    say("hello");
    warn("careful");
    out("a");
    out("b\n");
    expect(got.err).toEqual(["covshim: hello\n", "covshim: warning: careful\n"]);
    expect(got.out).toEqual(["a\n", "b\n"]);
  });

  it("--json alone or '-' is stdout; a FILE is written and said", () => {
    expect(toStdout(true)).toBe(true);
    expect(toStdout("-")).toBe(true);
    expect(toStdout("x.json")).toBe(false);
    expect(toStdout(undefined)).toBe(false);
    const dir = mkdtempSync(join(tmpdir(), "covshim-output-"));
    try {
      capture();
      emit("-", "{}", "JSON");
      emit(join(dir, "r.json"), "{}", "JSON");
      expect(got.out).toEqual(["{}\n"]);
      expect(readFileSync(join(dir, "r.json"), "utf8")).toBe("{}\n");
      expect(got.err).toEqual([`covshim: JSON in ${join(dir, "r.json")}\n`]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
