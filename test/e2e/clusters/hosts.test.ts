import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { covshim, statusJson, tempDir } from "../../helpers/fixtures.js";
import { gpdb7 } from "../../helpers/gpdb.js";
import { Cluster } from "../../helpers/sshd.js";
import { hashTree, treeDiff } from "../../../src/fs/treehash.js";

const lineOf = (file: string, mark: string) => readFileSync(file, "utf8").split("\n").findIndex((l) => l.includes(mark)) + 1;

describe("several hosts, for real (sshd per host on 127.0.0.x, each in its own mount namespace)", () => {
  it("enable --hosts, a workload on every host, collect, report with lines from every host, off; an unreachable host is retried", async () => {
    const t = tempDir();
    const home = join(t, "home");
    const { gphome } = gpdb7(t);
    const cluster = new Cluster(join(t, "cluster"), gphome, join(home, "data", "remote"), ["h1", "h2"]);
    await cluster.startAll();
    const [h1, h2] = cluster.hosts as [typeof cluster.hosts[0], typeof cluster.hosts[0]];
    const before = { local: hashTree(gphome), h1: hashTree(h1.gphome), h2: hashTree(h2.gphome) };
    const env = { ...cluster.sshEnv, PATH: `${gphome}/bin:${process.env.PATH}` };

    const en = covshim(home, ["enable", gphome, "--scope", "install", "--hosts", cluster.hostfile()], env);
    expect(en.code, en.stderr).toBe(0);
    expect(en.stderr).toContain(`on for every process on 2 hosts too: ${h1.addr}, ${h2.addr}`);
    expect(statusJson(home, env).installs[0]!.hosts).toEqual([
      { host: h1.addr, state: "on" },
      { host: h2.addr, state: "on" },
    ]);
    // Each host has its own GPHOME copy: the shim is there, not in the others'.
    expect(readFileSync(join(h1.gphome, "lib", "python", "sitecustomize.py"), "utf8")).toContain("covshim");

    // What gpstart does: ssh host ". greenplum_path.sh; cmd" — no exported variable arrives.
    for (const h of [h1, h2]) {
      const r = cluster.ssh(h, `env -i PATH=/usr/bin:/bin bash -c '. ${gphome}/greenplum_path.sh; gpsegwork 3 ${h.name}'`);
      expect(r.stdout, r.stderr).toBe("3\n");
    }
    const col = covshim(home, ["collect"], env);
    expect(col.code, col.stderr).toBe(0);
    expect(col.stderr).toMatch(new RegExp(`${h1.addr.replace(/\./g, "\\.")}: [1-9]\\d* data files`));
    const rep = covshim(home, ["report", "--json", join(t, "r.json")], env);
    expect(rep.code, rep.stderr).toBe(0);
    const util = join(gphome, "lib", "python", "gppylib", "util.py");
    const j = JSON.parse(readFileSync(join(t, "r.json"), "utf8"));
    expect(j.files[util].executed_lines).toContain(lineOf(util, "ran on h1"));
    expect(j.files[util].executed_lines).toContain(lineOf(util, "ran on h2"));
    expect(j.files[util].missing_lines).toContain(lineOf(util, "ran on the coordinator"));

    // h2 goes away midway: off names it, remembers it, and the next off finishes.
    cluster.stop(h2);
    const off = covshim(home, ["off"], env);
    expect(off.code).toBe(0);
    expect(off.stderr).toContain(`host ${h2.addr}: unreachable`);
    expect(off.stderr).toContain("remembered");
    const st = statusJson(home, env);
    expect(st.installs[0]!.hosts!.map((h) => h.state)).toEqual(["off", "unreachable"]);
    expect(st.warnings.join("\n")).toContain(`host ${h2.addr} could not be turned off`);
    expect(treeDiff(before.h1, hashTree(h1.gphome)).filter((p) => !p.includes("gppylib/__pycache__"))).toEqual([]);
    await cluster.start(h2);
    const again = covshim(home, ["off"], env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain(`on ${h2.addr}`);
    expect(statusJson(home, env).installs[0]!.hosts!.map((h) => h.state)).toEqual(["off", "off"]);
    for (const [k, dir] of [["local", gphome], ["h1", h1.gphome], ["h2", h2.gphome]] as const) {
      expect(treeDiff(before[k], hashTree(dir)).filter((p) => !p.includes("gppylib/__pycache__")), k).toEqual([]);
    }
  });

  it("a host without coverage or unreachable at enable: each named with its fix, nothing changed anywhere", async () => {
    const t = tempDir();
    const home = join(t, "home");
    const { gphome } = gpdb7(t);
    const cluster = new Cluster(join(t, "cluster"), gphome, join(home, "data", "remote"), ["h1", "h2"]);
    const [h1, h2] = cluster.hosts as [typeof cluster.hosts[0], typeof cluster.hosts[0]];
    // h1's python3 has no coverage: point its bin/python3 at pyenv's bare 3.11.
    const { rmSync, symlinkSync, writeFileSync } = await import("node:fs");
    const { pyenvPython, PY311 } = await import("../../helpers/tools.js");
    rmSync(join(h1.gphome, "bin", "python3"));
    symlinkSync(pyenvPython(PY311), join(h1.gphome, "bin", "python3"));
    void writeFileSync;
    await cluster.start(h1); // h2 stays down
    const before = { local: hashTree(gphome), h1: hashTree(h1.gphome) };
    const env = { ...cluster.sshEnv, PATH: `${gphome}/bin:${process.env.PATH}` };
    const r = covshim(home, ["enable", gphome, "--scope", "install", "--hosts", cluster.hostfile()], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`host ${h1.addr}: coverage is not importable by ${join(gphome, "bin", "python3")}`);
    expect(r.stderr).toContain(`fix: ssh ${h1.addr} ${join(gphome, "bin", "python3")} -m pip install coverage`);
    expect(r.stderr).toContain(`host ${h2.addr}: unreachable`);
    expect(r.stderr.trim().split("\n").pop()).toBe("covshim: 2 of 2 hosts cannot be measured (see above); nothing was changed");
    expect(treeDiff(before.local, hashTree(gphome))).toEqual([]);
    expect(treeDiff(before.h1, hashTree(h1.gphome))).toEqual([]);
    expect(statusJson(home, env).installs).toEqual([]);
    // doctor names the host that needs coverage, with the command to install it there.
    const doc = covshim(home, ["doctor", gphome, "--hosts", cluster.hostfile()], env);
    expect(doc.code).toBe(1);
    expect(doc.stdout).toContain(`BLOCK host ${h1.addr}: coverage is not importable`);
    expect(doc.stdout).toContain(`fix: ssh ${h1.addr} ${join(gphome, "bin", "python3")} -m pip install coverage`);
    expect(doc.stdout).toContain(`BLOCK host ${h2.addr}: unreachable`);
    const usage = covshim(home, ["enable", gphome, "--hosts", cluster.hostfile()], env);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("--hosts needs --scope install");
  });
});
