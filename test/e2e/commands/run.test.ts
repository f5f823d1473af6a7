import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { baseEnv, covshim, statusJson, tempDir, venvWithCoverage } from "../../helpers/fixtures.js";
import { CLI } from "../../helpers/tools.js";
import { hashTree, treeDiff } from "../../../src/fs/treehash.js";
import { Term } from "../../helpers/tmux.js";

describe("run", () => {
  it("returns the command's exit code and leaves nothing on", () => {
    const t = tempDir();
    const home = join(t, "home");
    const venv = venvWithCoverage(join(t, "venv"));
    const before = hashTree(venv);
    const script = join(t, "seven.py");
    writeFileSync(script, "import sys\nx = 1\nprint('the command says this')\nsys.exit(7)\n");
    const r = covshim(home, ["run", venv, "--", join(venv, "bin", "python"), script]);
    expect(r.code).toBe(7);
    // covshim run -- CMD > FILE: FILE is the command's output, byte for byte.
    expect(r.stdout).toBe("the command says this\n");
    expect(r.stderr).toMatch(/covshim: \d+ files? measured; TOTAL/);
    expect(statusJson(home).installs.every((i) => !i.enabled)).toBe(true);
    expect(treeDiff(before, hashTree(venv))).toEqual([]);
    expect(covshim(home, ["run", venv]).code).toBe(2);
  });

  it("restores everything after SIGTERM to covshim itself", async () => {
    const t = tempDir();
    const home = join(t, "home");
    const venv = venvWithCoverage(join(t, "venv"));
    const before = hashTree(venv);
    const marker = join(t, "started");
    const child = spawn(process.execPath, [CLI, "run", venv, "--", join(venv, "bin", "python"), "-c", `import time; open(${JSON.stringify(marker)}, "w").close(); time.sleep(60)`], { env: baseEnv(home), stdio: "pipe" });
    const end = Date.now() + 30_000;
    while (!existsSync(marker) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(marker)).toBe(true);
    expect(statusJson(home).installs[0]!.enabled).toBe(true);
    child.kill("SIGTERM");
    const code = await new Promise<number | null>((r) => child.on("exit", (c) => r(c)));
    expect(code).toBe(143);
    expect(statusJson(home).installs[0]!.enabled).toBe(false);
    expect(treeDiff(before, hashTree(venv))).toEqual([]);
  });
});

describe("run and Ctrl-C", () => {
  it("Ctrl-C in a terminal reaches the command; covshim restores and exits 130", async () => {
    const t = tempDir();
    const home = join(t, "home");
    const venv = venvWithCoverage(join(t, "venv"));
    const before = hashTree(venv);
    const marker = join(t, "started");
    const script = join(t, "sleepy.py");
    writeFileSync(script, `import time\nopen(${JSON.stringify(marker)}, "w").close()\ntime.sleep(60)\n`);
    const term = new Term("bash", t, baseEnv(home, { TERM: "xterm" }), "");
    await term.ready();
    term.type(`${process.execPath} ${CLI} run ${venv} -- ${join(venv, "bin", "python")} ${script}; echo "EXIT=$?"`);
    const end = Date.now() + 30_000;
    while (!existsSync(marker) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    expect(statusJson(home).installs[0]!.enabled).toBe(true);
    term.key("C-c");
    await term.waitFor(/^EXIT=130$/m);
    expect(term.screen()).toContain("KeyboardInterrupt");
    expect(statusJson(home).installs[0]!.enabled).toBe(false);
    expect(treeDiff(before, hashTree(venv))).toEqual([]);
  });
});
