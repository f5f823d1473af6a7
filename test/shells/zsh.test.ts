import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { zsh } from "../../src/shells/zsh.js";
import { need } from "../helpers/tools.js";

const VALUES = ["/h/rc", "it's", "$(touch /tmp/no) `x` $HOME", "a\\b", "sp ace", "\\'"];

describe("zsh: export and unset as the shell reads them", () => {
  it("the variable holds exactly the value and nothing runs; unset removes it", () => {
    need("zsh");
    for (const v of VALUES) {
      const script = `${zsh.exportVar("COVSHIM_T", v)} printf %s "$COVSHIM_T"; ${zsh.unsetVar("COVSHIM_T")} printf %s "[$COVSHIM_T]"`;
      const r = spawnSync("zsh", ["-c", script], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], env: { PATH: process.env.PATH, HOME: process.env.HOME } });
      expect(r.stderr, v).toBe("");
      expect(r.stdout, v).toBe(`${v}[]`);
    }
  });

  it("the hook has every placeholder filled", () => {
    const text = zsh.hook({ node: "/n/node", cli: "/c/covshim.cjs", shellFile: "/f/shells", now: 0 });
    expect(text).not.toMatch(/@(NODE|CLI|FILE|EPOCH)@/);
    expect(text).toContain("/c/covshim.cjs");
  });
});
