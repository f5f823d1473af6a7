// Figure 6: clusters. enable, collect and off over 1, 8 and 24 real hosts
// (one sshd each on 127.0.0.x, its own mount namespace and GPHOME copy), and
// what collect sends against the size of the hosts' raw data files.
import { spawnSync } from "node:child_process";
import { copyFileSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { CLI, fmt, tmp } from "./lib.mjs";
import { gpdb7 } from "../test/helpers/base.mjs";
import { Cluster } from "../test/helpers/cluster.mjs";

/** CPU seconds of a process and of the children it has waited for (/proc: utime, stime, cutime, cstime). */
function cpu(pid = "self") {
  const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / 100;
}

/**
 * One covshim command, timed, with the CPU it took on each side: covshim's
 * (node and its ssh clients, the children this process waits for) and the
 * hosts' (each sshd with its sessions: bash, Python, coverage).
 */
function measured(cluster, args, env) {
  const hosts = () => cluster.hosts.reduce((s, h) => s + cpu(h.proc.pid), 0);
  const [c0, h0] = [cpu(), hosts()];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [CLI, ...args], { env, encoding: "utf8" });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`covshim ${args.join(" ")}: ${r.stderr}`);
  // A session's sshd is reaped (and counted) a moment after its master ends.
  spawnSync("sleep", ["0.3"]);
  return { ms, here: cpu() - c0, hosts: hosts() - h0, stderr: r.stderr };
}

export async function run({ quick }) {
  const sizes = quick ? [1, 2] : [1, 8, 24];
  // Behave-like data: hundreds of short processes of the same utilities per
  // host. 5 real processes run on each host; their data files are copied
  // under other processes' names up to this many (a behave run's files
  // differ as little: the same utilities, the same lines).
  const perHost = quick ? 10 : 200;
  const rows = [];
  const cpuRows = [];
  const times = {};
  let raw = 0;
  let wire = 0;
  for (const n of sizes) {
    const dir = tmp();
    const { gphome } = gpdb7(dir);
    const home = join(dir, "home");
    const names = Array.from({ length: n }, (_, i) => `h${i + 1}`);
    const cluster = new Cluster(join(dir, "cluster"), gphome, join(home, "data", "remote"), names);
    try {
      await cluster.startAll();
      const env = { ...process.env, ...cluster.sshEnv, COVSHIM_HOME: home, NO_COLOR: "1", PATH: `${gphome}/bin:${process.env.PATH}` };
      delete env.COVERAGE_PROCESS_START;
      const en = measured(cluster, ["enable", gphome, "--scope", "install", "--hosts", cluster.hostfile()], env);
      for (const h of cluster.hosts) {
        const r = cluster.ssh(h, `env -i PATH=/usr/bin:/bin bash -c '. ${gphome}/greenplum_path.sh; for i in 1 2 3 4 5; do gpsegwork 3 ${h.name} >/dev/null; done'`);
        if (r.status !== 0) throw new Error(`workload on ${h.name}: ${r.stderr}`);
        const [id] = readdirSync(h.remote);
        const data = join(h.remote, id, "data");
        const real = readdirSync(data).filter((f) => f.startsWith(".coverage."));
        // Names of processes that are gone (pids past any live one here).
        for (let i = real.length; i < perHost; i++) copyFileSync(join(data, real[i % real.length]), join(data, `.coverage.${h.name}.pid${3_900_000 + i}.Xbench${String(i).padStart(3, "0")}x`));
      }
      const col = measured(cluster, ["collect"], env);
      let sent = 0;
      let rawHere = 0;
      for (const m of col.stderr.matchAll(/(\d+) bytes sent for (\d+)/g)) {
        sent += Number(m[1]);
        rawHere += Number(m[2]);
      }
      const off = measured(cluster, ["off", "--purge"], env);
      times[n] = { enable: en.ms, collect: col.ms, off: off.ms };
      const per = (m) => `${fmt((m.here * 1000) / n, 0)} / ${fmt((m.hosts * 1000) / n, 0)}`;
      cpuRows.push([String(n), per(en), per(col), per(off)]);
      raw = rawHere;
      wire = sent;
      rows.push([String(n), fmt(en.ms, 0), fmt(col.ms, 0), fmt(off.ms, 0), `${n * perHost} files, ${fmt(rawHere / 1e6, 1)} MB`, `${fmt(sent / 1e6, 2)} MB (${fmt(sent / rawHere, 4)})`]);
    } finally {
      cluster.stopAll();
    }
  }
  const first = times[sizes[0]];
  const last = times[sizes[sizes.length - 1]];
  const ratios = ["enable", "collect", "off"].map((k) => last[k] / first[k]);
  rows.push([`${sizes[sizes.length - 1]} hosts / 1 host`, fmt(ratios[0], 2), fmt(ratios[1], 2), fmt(ratios[2], 2), "", ""]);
  return {
    title: "Clusters: enable, collect, off over real hosts",
    command: "node bench/run.mjs --only cluster",
    table: [["hosts", "enable, ms", "collect, ms", "off, ms", "raw data on the hosts", "collect sent (of raw)"], ...rows],
    target: "24 hosts take at most 3× the time of 1 host for each step; collect sends at most 1/10 of the raw bytes",
    met: ratios.every((r) => r <= 3) && wire <= raw / 10,
    notes: [
      ["CPU per host, ms: covshim's side (node and its ssh clients) / the host's side (sshd, bash, Python, coverage), all on this machine's 2 cores:", "", [["hosts", "enable", "collect", "off"], ["---", "---", "---", "---"], ...cpuRows].map((r) => `| ${r.join(" | ")} |`).join("\n")].join("\n"),
      `Each host runs ${"`gpsegwork`"} 5 times through greenplum_path.sh, as gpstart reaches a segment; the data files are then copied to ${perHost} per host under the names of gone processes (a behave run leaves hundreds of files of the same utilities). Hosts are reached 8 at a time (COVSHIM_HOSTS_WIDTH). Collect: each host combines its own files with its own coverage and streams one deflated file.`,
    ],
  };
}
