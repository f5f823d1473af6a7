import { chownSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { baseEnv, covshim, evalIn, statusJson, tempDir } from "../../helpers/fixtures.js";
import { dirInstall } from "../../helpers/installs.js";

function walk(dir: string, out: string[] = []): string[] {
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    out.push(p);
    if (statSync(p).isDirectory()) walk(p, out);
  }
  return out;
}

describe("permissions", () => {
  it("state and data: directories 0700, files 0600, nothing group- or world-writable", () => {
    const t = tempDir();
    const home = join(t, "home");
    const { path, python } = dirInstall(t);
    expect(covshim(home, ["enable", path, "--python", python]).code).toBe(0);
    const rec = statusJson(home).installs[0]!;
    for (const p of walk(home)) {
      const mode = statSync(p).mode & 0o777;
      if (statSync(p).isDirectory()) expect(mode, p).toBe(0o700);
      else expect(mode, p).toBe(0o600);
    }
    expect(statSync(rec.dataDir).mode & 0o777).toBe(0o700);
    expect(covshim(home, ["off"]).code).toBe(0);
  });

  it("the hooks ignore a shell state file that is not the user's own", () => {
    const t = tempDir();
    const home = join(t, "home");
    const { path, python } = dirInstall(t);
    expect(covshim(home, ["enable", path, "--python", python]).code).toBe(0);
    const file = join(home, "state", "shell.env");
    const show = `printf '[%s]' "$COVERAGE_PROCESS_START"`;
    const check = (sh: string) => {
      const hook = covshim(home, ["hook", sh]).stdout;
      return evalIn(sh, hook, show, baseEnv(home, { COVSHIM_QUIET: "1" })).stdout;
    };
    for (const sh of ["bash", "zsh", "fish"]) expect(check(sh), sh).toBe(`[${statusJson(home).installs[0]!.rcfile}]`);
    chownSync(file, 65534, 65534); // nobody: planted by someone else
    for (const sh of ["bash", "zsh", "fish"]) expect(check(sh), sh).toBe("[]");
    chownSync(file, process.getuid!(), process.getgid!());
    expect(covshim(home, ["off"]).code).toBe(0);
  });
});
