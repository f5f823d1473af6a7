import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import type { Shell } from "../../src/shells/shell.js";
import { need } from "./tools.js";

const VALUES = ["/h/rc", "it's", "$(touch /tmp/no) `x` $HOME", "a\\b", "sp ace", "\\'"];

/** A shell's export and unset lines, read back by the real shell; its hook with every placeholder filled. */
export function describeShellLines(shell: Shell): void {
  describe(`${shell.name}: export and unset as the shell reads them`, () => {
    it("the variable holds exactly the value and nothing runs; unset removes it", () => {
      need(shell.name);
      for (const v of VALUES) {
        const script = `${shell.exportVar("COVSHIM_T", v)} printf %s "$COVSHIM_T"; ${shell.unsetVar("COVSHIM_T")} printf %s "[$COVSHIM_T]"`;
        // stdin not a socket: bash would take it for sshd and read ~/.bashrc.
        const r = spawnSync(shell.name, ["-c", script], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], env: { PATH: process.env.PATH, HOME: process.env.HOME } });
        expect(r.stderr, v).toBe("");
        expect(r.stdout, v).toBe(`${v}[]`);
      }
    });

    it("the hook has every placeholder filled", () => {
      const text = shell.hook({ node: "/n/node", cli: "/c/covshim.cjs", shellFile: "/f/shells", now: 0 });
      expect(text).not.toMatch(/@(NODE|CLI|FILE|EPOCH)@/);
      expect(text).toContain("/c/covshim.cjs");
    });
  });
}
