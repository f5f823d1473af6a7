import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIELDS, parseShellFile, renderShellFile } from "../../src/shells/statefile.js";
import type { State } from "../../src/state/state.js";
import { covshim, tempDir } from "../helpers/fixtures.js";
import { ROOT, need } from "../helpers/tools.js";

/** One file, read by the writer's test and by all three hook scripts. */
const FIXTURE = join(ROOT, "test", "fixtures", "shell.env");

const rec = (over: object) => ({
  id: "x", name: "gpdb7", path: "/usr/local/gpdb7", kind: "gpdb", enabled: true, scope: "shell", since: "2026-11-25T10:00:00.000Z", expires: null,
  rcfile: "/home/dev/.local/share/covshim/installs/gpdb7-1a2b3c4d5e/coveragerc", dataDir: "/d", shim: null, python: "/p", pythonVersion: "3.11.2",
  coverageVersion: "7.16", core: "ctrace", ...over,
});
const state = {
  version: 1,
  installs: {
    a: rec({ recorder: "covshim" }),
    b: rec({ id: "b", name: "wide", scope: "install", since: "2026-11-25T09:00:00.000Z", expires: "2026-11-25T18:00:00.000Z", rcfile: "/other" }),
    c: rec({ id: "c", name: "old", enabled: false, since: null }),
  },
} as unknown as State;
const cfg = { prompt: "cov:{name}", warnAfter: 3600, warnEvery: 1800, ps1: true };

let tz: string | undefined;
beforeAll(() => {
  tz = process.env.TZ;
  process.env.TZ = "UTC";
});
afterAll(() => {
  if (tz === undefined) delete process.env.TZ;
  else process.env.TZ = tz;
});

describe("the shells' file (docs/shells.md)", () => {
  it("the writer produces the fixture for the state it describes", () => {
    expect(renderShellFile(state, cfg)).toBe(readFileSync(FIXTURE, "utf8"));
  });

  it("nothing on: every field present, empty or zero", () => {
    const f = parseShellFile(renderShellFile({ version: 1, installs: {} }, { ...cfg, ps1: false }))!;
    expect(Object.keys(f)).toEqual([...FIELDS]);
    expect(f).toMatchObject({ rc: "", prompt: "", ps1: "0", since: "0", warn_at: "0", scope_until: "0", on_msg: "" });
  });

  it("a % in the prompt text cannot become a printf directive", () => {
    const f = parseShellFile(renderShellFile(state, { ...cfg, prompt: "100%{name}" }))!;
    expect(f.warn_msg).toContain("(100%%gpdb7)");
  });

  it("a newline cannot reach the file", () => {
    expect(() => renderShellFile({ version: 1, installs: { a: rec({ rcfile: "/a\nb" }) } } as unknown as State, cfg)).toThrow(/newline/);
  });

  for (const sh of ["bash", "zsh", "fish"] as const) {
    it(`${sh}: the hook script reads every field of the fixture as the writer meant it`, () => {
      need(sh);
      const t = tempDir();
      const home = join(t, "home");
      mkdirSync(join(home, "state"), { recursive: true });
      copyFileSync(FIXTURE, join(home, "state", "shell.env"));
      const hook = covshim(home, ["hook", sh]).stdout;
      // Where each hook keeps field k (shell/covshim.*: one array of its state).
      const at = { bash: (i: number) => `\${__covshim[${i + 8}]}`, zsh: (i: number) => `\${__covshim[${i + 6}]}`, fish: (i: number) => `$__covshim[${i + 10}]` }[sh];
      const show = FIELDS.map((k, i) => `printf '%s=%s\\n' ${k} "${at(i)}"`).join("\n");
      const env: NodeJS.ProcessEnv = { ...process.env, COVSHIM_HOME: home, COVSHIM_QUIET: "1", HOME: t };
      delete env.COVERAGE_PROCESS_START;
      const r =
        sh === "fish"
          ? spawnSync("fish", ["--no-config", "-c", `${hook}\n__covshim_read (cat ${join(home, "state", "shell.env")} | string collect)\n${show}`], { env, encoding: "utf8" })
          : spawnSync(sh, ["-c", `eval "$(cat)"\n__covshim_read\n${show}`], { input: hook, env, encoding: "utf8" });
      expect(r.stderr).toBe("");
      const expected = parseShellFile(readFileSync(FIXTURE, "utf8"))!;
      expect(r.stdout).toBe(FIELDS.map((k) => `${k}=${expected[k]}\n`).join(""));
    });
  }
});
