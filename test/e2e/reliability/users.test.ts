import { chmodSync, chownSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { compileAll, covshim, run, statusJson, tempDir } from "../../helpers/fixtures.js";
import { debianCoveragePython, need } from "../../helpers/tools.js";
import { hashTree, treeDiff } from "../../../src/fs/treehash.js";

/** Made by scripts/test-setup.sh: a member of the group covshim-test. */
const OTHER = "covshim-other";
const GROUP = "covshim-test";

function otherUser(): { uid: number; gid: number } {
  need("runuser");
  const id = spawnSync("id", ["-u", OTHER], { encoding: "utf8" });
  if (id.status !== 0) throw new Error(`user ${OTHER} is missing: run 'bash scripts/test-setup.sh'`);
  return { uid: Number(id.stdout.trim()), gid: Number(spawnSync("id", ["-g", OTHER], { encoding: "utf8" }).stdout.trim()) };
}

/** Runs a command as the other user, with exactly the environment given. */
const asOther = (env: Record<string, string>, cmd: string[], cwd: string) =>
  run("runuser", ["-u", OTHER, "--", "env", "-i", ...Object.entries(env).map(([k, v]) => `${k}=${v}`), ...cmd], process.env, cwd);

const PROGRAM = "import sys\nprint('out')\nsys.stderr.write('err\\n')\nsys.exit(5)\n";
const asBefore = { code: 5, stdout: "out\n", stderr: "err\n" };

describe("other users of an install", () => {
  it("files of mode 0644 and 0755 owned by another user: modes, owners and mtimes after off as before; that user's processes start cleanly while on and after", () => {
    const other = otherUser();
    const python = debianCoveragePython();
    const t = tempDir();
    chmodSync(t, 0o755);
    const home = join(t, "home");
    const lib = join(t, "lib");
    mkdirSync(lib);
    writeFileSync(join(lib, "sitecustomize.py"), "import os\nos.environ.setdefault('SITE_RAN', '1')\n", { mode: 0o644 });
    writeFileSync(join(lib, "tool.py"), "#!/usr/bin/env python3\nX = 1\n", { mode: 0o755 });
    writeFileSync(join(t, "prog.py"), PROGRAM);
    compileAll(python, lib);
    for (const f of ["", "sitecustomize.py", "tool.py", "__pycache__", ...readdirSync(join(lib, "__pycache__")).map((n) => join("__pycache__", n))]) chownSync(join(lib, f), other.uid, other.gid);
    chmodSync(join(lib, "sitecustomize.py"), 0o644);
    chmodSync(join(lib, "tool.py"), 0o755);
    chmodSync(lib, 0o777); // root enables, as a GPDB admin would in a shared install
    const before = hashTree(lib);
    const en = covshim(home, ["enable", lib, "--python", python]);
    expect(en.code, en.stderr).toBe(0);
    const rec = statusJson(home).installs[0]!;
    // While on: the shim is readable by everyone who could read the file before.
    expect(statSync(join(lib, "sitecustomize.py")).mode & 0o777).toBe(0o644);
    expect(statSync(join(lib, "sitecustomize.py")).uid).toBe(other.uid);
    const env = { PATH: "/usr/bin:/bin", PYTHONPATH: lib };
    expect(asOther(env, [python, join(t, "prog.py")], t)).toMatchObject(asBefore);
    // The variable inherited (sudo -E, a shared script): covshim's files are not theirs to use; silent.
    expect(asOther({ ...env, COVERAGE_PROCESS_START: rec.rcfile }, [python, join(t, "prog.py")], t)).toMatchObject(asBefore);
    expect(covshim(home, ["off"]).code).toBe(0);
    expect(treeDiff(before, hashTree(lib))).toEqual([]);
    expect(asOther(env, [python, join(t, "prog.py")], t)).toMatchObject(asBefore);
  });

  it("install scope: another user's process is left alone without a word; with --group, a member's process is measured", () => {
    otherUser();
    const t = tempDir();
    chmodSync(t, 0o755);
    const home = join(t, "home");
    // Debian's python3 and a PYTHONPATH directory: readable by every user (pyenv's are under /root).
    const py = debianCoveragePython();
    const lib = join(t, "lib");
    mkdirSync(lib);
    chmodSync(lib, 0o755);
    writeFileSync(join(t, "prog.py"), PROGRAM);
    const shared = join(t, "shared");
    const env = { PATH: "/usr/bin:/bin", PYTHONPATH: lib };

    expect(covshim(home, ["enable", lib, "--python", py, "--scope", "install", "--for", "1h"]).code).toBe(0);
    let rec = statusJson(home).installs[0]!;
    expect(rec.users).toBe("you");
    expect(asOther(env, [py, join(t, "prog.py")], t)).toMatchObject(asBefore);
    expect(readdirSync(rec.dataDir).filter((n) => n.startsWith(".coverage"))).toEqual([]);
    expect(run(py, [join(t, "prog.py")], { ...process.env, PYTHONPATH: lib, COVERAGE_PROCESS_START: "" }, t)).toMatchObject(asBefore);
    expect(readdirSync(rec.dataDir).filter((n) => n.startsWith(".coverage")).length).toBe(1);

    const en = covshim(home, ["enable", lib, "--python", py, "--scope", "install", "--for", "1h", "--group", GROUP], { COVSHIM_SHARED: shared });
    expect(en.code, en.stderr).toBe(0);
    expect(en.stderr).toContain(`measured users: you and the members of group ${GROUP}`);
    rec = statusJson(home).installs[0]!;
    expect(rec.users).toBe(`you and group ${GROUP}`);
    expect(statSync(rec.dataDir).mode & 0o7777).toBe(0o2770);
    expect(statSync(rec.rcfile).mode & 0o777).toBe(0o640);
    expect(asOther(env, [py, join(t, "prog.py")], t)).toMatchObject(asBefore);
    const files = readdirSync(rec.dataDir).filter((n) => n.startsWith(".coverage."));
    expect(files.length).toBe(1);
    expect(statSync(join(rec.dataDir, files[0]!)).uid).toBe(otherUser().uid);
    const rep = covshim(home, ["report"]);
    expect(rep.code, rep.stderr).toBe(0);
    expect(rep.stdout).toContain("prog.py");
    expect(covshim(home, ["off", "--purge"]).code).toBe(0);
  });
});
