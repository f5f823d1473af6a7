import { chmodSync, chownSync, mkdirSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { run, tempDir } from "../helpers/fixtures.js";
import { ROOT, need } from "../helpers/tools.js";

const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => {
  const e: NodeJS.ProcessEnv = { ...process.env, npm_config_audit: "false", npm_config_fund: "false", npm_config_update_notifier: "false" };
  for (const k of ["PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED", "COVERAGE_PROCESS_START", "COVSHIM_HOME", "npm_config_prefix"]) delete e[k];
  return { ...e, ...extra };
};

/** The README's install block: its commands, one per line, without their comments. */
function readmeInstall(): string[] {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const block = /## Install\n[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)![1]!;
  return block.split("\n").map((l) => l.replace(/\s+#.*$/, "").trim()).filter(Boolean);
}

describe("the published package", () => {
  it("the README's install lines: npm pack carries dist, shell, templates and nothing else; the tarball installs with npm install -g (root, and a user with a prefix of their own) and runs the demo", () => {
    need("npm");
    // What the README tells a user to type, with this version's tarball.
    const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
    const tgzName = `covshim-${version}.tgz`;
    expect(readmeInstall()).toEqual(["npm ci && npm pack", `npm install -g ./${tgzName}`, `npm install -g --prefix ~/.local ./${tgzName}`]);
    const t = tempDir();
    chmodSync(t, 0o755);
    const pack = run("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", t], env(), ROOT);
    expect(pack.code, pack.stderr).toBe(0);
    expect(pack.stdout.trim().split("\n").pop()).toBe(tgzName);
    const tgz = join(t, tgzName);
    const files = spawnSync("tar", ["tzf", tgz], { encoding: "utf8" }).stdout.split("\n").filter((f) => f && !f.endsWith("/"));
    expect(files.filter((f) => !/^package\/(dist|shell|templates)\//.test(f)).sort()).toEqual(["package/README.md", "package/package.json"]);
    expect(files).toContain("package/dist/covshim.cjs");

    // As root: npm install -g ./TARBALL (npm's global prefix moved into the test's directory).
    const prefix = join(t, "prefix");
    const inst = run("npm", ["install", "-g", `./${tgzName}`], env({ npm_config_prefix: prefix }), t);
    expect(inst.code, inst.stderr).toBe(0);
    const demo = run(join(prefix, "bin", "covshim"), ["demo"], env(), t);
    expect(demo.code, demo.stdout + demo.stderr).toBe(0);
    expect(demo.stdout).toMatch(/demo ok\n$/);

    // As a user who is not root, with a prefix of their own (no write to the global one).
    need("runuser");
    const uid = Number(spawnSync("id", ["-u", "covshim-other"], { encoding: "utf8" }).stdout.trim());
    expect(uid, "user covshim-other: run 'bash scripts/test-setup.sh'").toBeGreaterThan(0);
    const home = join(t, "other-home");
    mkdirSync(home);
    chownSync(home, uid, -1);
    const as = (cmd: string[]) =>
      run("runuser", ["-u", "covshim-other", "--", "env", "-i", `HOME=${home}`, `PATH=${join(home, ".local", "bin")}:/usr/bin:/bin`, "npm_config_update_notifier=false", "npm_config_audit=false", "npm_config_fund=false", ...cmd], process.env, t);
    // npm install -g --prefix ~/.local ./TARBALL, ~ being this user's home.
    const uinst = as(["npm", "install", "-g", "--prefix", join(home, ".local"), tgz]);
    expect(uinst.code, uinst.stderr).toBe(0);
    const udemo = as(["covshim", "demo"]);
    expect(udemo.code, udemo.stdout + udemo.stderr).toBe(0);
    expect(udemo.stdout).toMatch(/demo ok\n$/);
    expect(readdirSync(join(home, ".local", "bin"))).toEqual(["covshim"]);
  });
});
