import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../helpers/fixtures.js";
import { changedPaths, gitChange, measuredPath } from "../../src/coverage/gitchange.js";

describe("the git change of the measured files", () => {
  const repo = () => {
    const d = tempDir();
    const git = (...a: string[]) => execFileSync("git", a, { cwd: d, stdio: "ignore", env: { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@t", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@t" } });
    git("init", "-q");
    mkdirSync(join(d, "lib"));
    writeFileSync(join(d, "lib", "m.py"), "a = 1\nb = 2\n");
    git("add", ".");
    git("commit", "-qm", "base");
    return d;
  };

  it("REF against the work tree, untracked source wholly added (not its bytecode)", () => {
    const d = repo();
    writeFileSync(join(d, "lib", "m.py"), "a = 1\nb = 3\nc = 4\n");
    writeFileSync(join(d, "lib", "new.py"), "x = 1\ny = 2\n");
    mkdirSync(join(d, "lib", "__pycache__"));
    writeFileSync(join(d, "lib", "__pycache__", "new.cpython-312.pyc"), "");
    const { repos, files } = gitChange([join(d, "lib", "m.py"), join(d, "lib", "new.py"), "/elsewhere/x.py"], "HEAD", []);
    expect(files.map((f) => f.repoPath)).toEqual(["lib/m.py", "lib/new.py"]);
    expect(repos).toHaveLength(1);
    expect(repos[0]!.change.get("lib/m.py")).toEqual([{ a: 2, b: 1, c: 2, d: 2 }]);
    expect(repos[0]!.change.get("lib/new.py")).toEqual([{ a: 0, b: 0, c: 1, d: 2 }]);
    expect([...repos[0]!.change.keys()].some((k) => k.includes("__pycache__"))).toBe(false);
    expect(changedPaths(repos, []).sort()).toEqual([join(d, "lib", "m.py"), join(d, "lib", "new.py")]);
  });

  it("an installed copy through --map; bad input is one line", () => {
    const d = repo();
    const maps = [{ from: "/usr/local/gpdb/lib/python", to: join(d, "lib") }];
    expect(measuredPath(join(d, "lib", "m.py"), maps)).toBe("/usr/local/gpdb/lib/python/m.py");
    const { files } = gitChange(["/usr/local/gpdb/lib/python/m.py"], "HEAD", maps);
    expect(files[0]!.repoPath).toBe("lib/m.py");
    expect(() => gitChange([join(d, "lib", "m.py")], "no-such-ref", [])).toThrow(`--changed: 'no-such-ref' is not a commit in ${d}`);
    expect(() => gitChange(["/usr/local/gpdb/lib/python/m.py"], "HEAD", [])).toThrow("none of the measured files is in a git work tree");
  });
});
