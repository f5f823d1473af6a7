import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { covshim, statusJson, tempDir } from "../../helpers/fixtures.js";
import { gpdb7 } from "../../helpers/gpdb.js";
import { Cluster } from "../../helpers/sshd.js";
import { hashTree, treeDiff } from "../../../src/fs/treehash.js";

/**
 * GPDB scale: 24 real hosts (one sshd each on 127.0.0.x, its own mount
 * namespace and GPHOME copy). Every host runs a line no other host runs; all
 * 24 are in the one report, and every host's tree hashes as before after off.
 * sshd here allows only 4 connections still authenticating (MaxStartups 4),
 * below covshim's width of 8: a host is never reached twice at once, so none
 * may be reported unreachable.
 */
const N = 24;

it(`${N} hosts: enable, a workload on each, collect, report with every host's line, off`, { timeout: 300_000 }, async () => {
  const t = tempDir();
  const home = join(t, "home");
  const { gphome } = gpdb7(t);
  const names = Array.from({ length: N }, (_, i) => `h${i + 1}`);
  const hostsPy = join(gphome, "lib", "python", "gppylib", "hosts.py");
  writeFileSync(hostsPy, `def mark(name):\n${names.map((n, i) => `    if name == "${n}":\n        return ${i + 1}  # ran on ${n}\n`).join("")}    return 0\n`);
  const cluster = new Cluster(join(t, "cluster"), gphome, join(home, "data", "remote"), names, { sshd: ["MaxStartups 4"] });
  await cluster.startAll();
  const before = cluster.hosts.map((h) => hashTree(h.gphome));
  const env = { ...cluster.sshEnv, PATH: `${gphome}/bin:${process.env.PATH}` };

  const en = covshim(home, ["enable", gphome, "--scope", "install", "--hosts", cluster.hostfile()], env);
  expect(en.code, en.stderr).toBe(0);
  expect(statusJson(home, env).installs[0]!.hosts!.filter((h) => h.state === "on").length).toBe(N);

  // As gpstart reaches segments: ssh host ". greenplum_path.sh; cmd", 6 hosts at a time.
  const todo = [...cluster.hosts];
  const failed: string[] = [];
  await Promise.all(
    Array.from({ length: 6 }, async () => {
      for (let h = todo.shift(); h; h = todo.shift()) {
        const code = await cluster.sshAsync(h, `env -i PATH=/usr/bin:/bin bash -c '. ${gphome}/greenplum_path.sh; python3 -c "from gppylib.hosts import mark; mark(\\"${h.name}\\")"'`);
        if (code !== 0) failed.push(h.name);
      }
    }),
  );
  expect(failed).toEqual([]);

  const col = covshim(home, ["collect"], env);
  expect(col.code, col.stderr).toBe(0);
  expect(col.stderr).not.toMatch(/unreachable|warning/);
  const rep = covshim(home, ["report", "--json", join(t, "r.json")], env);
  expect(rep.code, rep.stderr).toBe(0);
  const executed = JSON.parse(readFileSync(join(t, "r.json"), "utf8")).files[hostsPy].executed_lines as number[];
  const lines = readFileSync(hostsPy, "utf8").split("\n");
  const missing = names.filter((n) => !executed.includes(lines.findIndex((l) => l.endsWith(`# ran on ${n}`)) + 1));
  expect(missing, "hosts whose data is not in the report").toEqual([]);

  const off = covshim(home, ["off"], env);
  expect(off.code, off.stderr).toBe(0);
  expect(statusJson(home, env).installs[0]!.hosts!.every((h) => h.state === "off")).toBe(true);
  cluster.hosts.forEach((h, i) => expect(treeDiff(before[i]!, hashTree(h.gphome)).filter((p) => !p.includes("__pycache__")), h.name).toEqual([]));
});
