import { execFileSync, spawn, spawnSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { makeVenv } from "../../helpers/base.mjs";
import { baseEnv, covshim, run, statusJson, tempDir } from "../../helpers/fixtures.js";
import { CLI, PY311, PY312, debianCoveragePython, pyenvPython } from "../../helpers/tools.js";
import { gpdb7 } from "../../helpers/gpdb.js";
import { Cluster, type Host } from "../../helpers/sshd.js";
import { Term } from "../../helpers/tmux.js";
import { hashTree, treeDiff } from "../../../src/fs/treehash.js";

const lineOf = (file: string, mark: string) => readFileSync(file, "utf8").split("\n").findIndex((l) => l.includes(mark)) + 1;

/** `covshim report --json`: gppylib/util.py's entry, where each host runs a line of its own. */
function reportOf(t: string, home: string, gphome: string, env: NodeJS.ProcessEnv) {
  const rep = covshim(home, ["report", "--json", join(t, "r.json")], env);
  expect(rep.code, rep.stderr).toBe(0);
  const util = join(gphome, "lib", "python", "gppylib", "util.py");
  return { util, file: JSON.parse(readFileSync(join(t, "r.json"), "utf8")).files[util] as { executed_lines: number[]; missing_lines: number[] } };
}

/** A GPDB 7 install and its hosts (not started yet), with the ssh settings for covshim. */
function setup(names: string[], o: { sshd?: string[]; gpMgmt?: number } = {}) {
  const t = tempDir();
  const home = join(t, "home");
  const { gphome } = gpdb7(t, "gpdb7", { gpMgmt: o.gpMgmt });
  const cluster = new Cluster(join(t, "cluster"), gphome, join(home, "data", "remote"), names, o);
  const env = { ...cluster.sshEnv, PATH: `${gphome}/bin:${process.env.PATH}` };
  return { t, home, gphome, cluster, env, hosts: cluster.hosts as [typeof cluster.hosts[0], typeof cluster.hosts[0]] };
}

describe("several hosts, for real (sshd per host on 127.0.0.x, each in its own mount namespace)", () => {
  it("enable --hosts, a workload on every host, collect, report with lines from every host, off; an unreachable host is retried", async () => {
    const { t, home, gphome, cluster, env, hosts } = setup(["h1", "h2"]);
    await cluster.startAll();
    const [h1, h2] = hosts;
    const before = { local: hashTree(gphome), h1: hashTree(h1.gphome), h2: hashTree(h2.gphome) };

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
    // Each host combined its own data first: one file each came over.
    expect(col.stderr).toMatch(new RegExp(`${h1.addr.replace(/\./g, "\\.")}: [1-9]\\d* data files?, \\d+ bytes sent for \\d+`));
    expect(readdirSync(statusJson(home, env).installs[0]!.dataDir).filter((n) => n.startsWith(".coverage.host-")).length).toBe(2);
    // Per host in status --json: what the last collect brought and sent.
    for (const h of statusJson(home, env).installs[0]!.hosts! as { collected?: { files: number; rawBytes: number; wireBytes: number } }[]) {
      expect(h.collected!.files).toBeGreaterThan(0);
      expect(h.collected!.wireBytes).toBeLessThan(h.collected!.rawBytes);
    }
    const { util, file } = reportOf(t, home, gphome, env);
    expect(file.executed_lines).toContain(lineOf(util, "ran on h1"));
    expect(file.executed_lines).toContain(lineOf(util, "ran on h2"));
    expect(file.missing_lines).toContain(lineOf(util, "ran on the coordinator"));

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

  it("gpstart's way to the segments (a WorkerPool's bash -c, ssh HOST \". greenplum_path.sh; sbin/gpsegstart.py\"): the default report has sbin's scripts with the lines run on the hosts, never-run ones at 0%; the feature's context travels with SendEnv, and `tests` names it for a change in what ran on the hosts", async () => {
    // The README's way for contexts to reach segment hosts: the hosts' sshd accepts COVSHIM_CONTEXT, the coordinator's ssh sends it.
    const { t, home, gphome, cluster, env, hosts } = setup(["h1", "h2"], { gpMgmt: 20, sshd: ["AcceptEnv COVSHIM_CONTEXT"] });
    await cluster.startAll();
    const en = covshim(home, ["enable", gphome, "--scope", "install", "--contexts", "--hosts", cluster.hostfile()], env);
    expect(en.code, en.stderr).toBe(0);
    expect(en.stderr).toContain(`${gphome}/sbin`);
    const ssh = `ssh -F ${cluster.sshConfig} -o BatchMode=yes -o SendEnv=COVSHIM_CONTEXT`;
    // stdin not a socket (node's pipes are): bash would take itself for sshd's and read ~/.bashrc.
    const r = spawnSync("env", ["-i", "PATH=/usr/bin:/bin", "COVSHIM_CONTEXT=gpstart", `GPSTART_HOSTS=${hosts.map((h) => h.addr).join(",")}`, `GPSTART_SSH=${ssh}`, "bash", "-c", `. ${gphome}/greenplum_path.sh; gpstart`], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(new RegExp(`segment ${hosts[0].addr.replace(/\./g, "\\.")} started over ssh`));
    expect(covshim(home, ["collect"], env).code).toBe(0);
    const rep = covshim(home, ["report", "--json", join(t, "r.json")], env);
    expect(rep.code, rep.stderr).toBe(0);
    const files = JSON.parse(readFileSync(join(t, "r.json"), "utf8")).files as Record<string, { executed_lines: number[]; summary: { covered_lines: number } }>;
    const seg = join(gphome, "sbin", "gpsegstart.py");
    expect(files[seg]!.executed_lines).toContain(lineOf(seg, "ran on a segment host"));
    expect(files[seg]!.executed_lines).not.toContain(lineOf(seg, "ran on the coordinator's host"));
    expect(files[join(gphome, "sbin", "gpsegstop.py")]!.summary.covered_lines).toBe(0);
    expect(files[join(gphome, "bin", "gpstart")]!.summary.covered_lines).toBeGreaterThan(0);

    // Test selection from the collected contexts: a checkout of sbin/, mapped
    // onto the install, and a change to the line the hosts ran.
    expect(covshim(home, ["report", "--save", "base"], env).code).toBe(0);
    const checkout = join(t, "checkout");
    mkdirSync(join(checkout, "sbin"), { recursive: true });
    writeFileSync(join(checkout, "sbin", "gpsegstart.py"), readFileSync(seg));
    const git = (...a: string[]) => execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", ...a], { cwd: checkout, stdio: "pipe" });
    git("init", "-q");
    git("add", ".");
    git("commit", "-q", "-m", "v1");
    writeFileSync(join(checkout, "sbin", "gpsegstart.py"), readFileSync(seg, "utf8").replace("ran on a segment host", "ran on a segment host, changed"));
    const sel = covshim(home, ["tests", "base", "--map", `${join(gphome, "sbin")}=${join(checkout, "sbin")}`, "--json"], env);
    expect(sel.code, sel.stderr).toBe(0);
    expect((JSON.parse(sel.stdout) as { tests: { id: string }[] }).tests.map((x) => x.id)).toEqual(["gpstart"]);
    expect(covshim(home, ["off"], env).code).toBe(0);
  });

  it("a host without coverage or unreachable at enable: each named with its fix, nothing changed anywhere", async () => {
    const { t, home, gphome, cluster, env, hosts } = setup(["h1", "h2"]);
    const [h1, h2] = hosts;
    // h1's python3 has no coverage: point its bin/python3 at pyenv's bare 3.11.
    rmSync(join(h1.gphome, "bin", "python3"));
    symlinkSync(pyenvPython(PY311), join(h1.gphome, "bin", "python3"));
    await cluster.start(h1); // h2 stays down
    const before = { local: hashTree(gphome), h1: hashTree(h1.gphome) };
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

  it("a host's sitecustomize.py: its own comes back byte for byte, edits made while on are kept; a collect cut short loses nothing and is resumed", async () => {
    const { t, home, gphome, cluster, env, hosts } = setup(["h1", "h2"]);
    const [h1, h2] = hosts;
    // h2 has a sitecustomize.py of its own, with the hand procedure's start of coverage in it.
    const own = "import os\nimport coverage; coverage.process_startup()\n";
    writeFileSync(join(h2.gphome, "lib", "python", "sitecustomize.py"), own);
    chmodSync(join(h2.gphome, "lib", "python", "sitecustomize.py"), 0o640);
    await cluster.startAll();
    expect(covshim(home, ["enable", gphome, "--scope", "install", "--hosts", cluster.hostfile()], env).code).toBe(0);
    const site = (h: typeof h1) => join(h.gphome, "lib", "python", "sitecustomize.py");
    // While on, the hand procedure's line is disabled: coverage starts once, through the shim.
    expect(readFileSync(site(h2), "utf8")).toContain("pass  # covshim-disabled: import coverage; coverage.process_startup()");
    for (const h of [h1, h2]) expect(cluster.ssh(h, `env -i PATH=/usr/bin:/bin bash -c '. ${gphome}/greenplum_path.sh; gpsegwork 3 ${h.name}'`).stdout).toBe("3\n");

    // The transfer is cut after 64 bytes: the collect fails for both hosts, nothing is lost.
    const cut = join(t, "ssh-cut");
    writeFileSync(cut, `#!/bin/bash\ncase "$*" in *"'pack'"*) ssh -F ${cluster.sshConfig} "$@" | head -c 64; exit 255;; *) exec ssh -F ${cluster.sshConfig} "$@";; esac\n`, { mode: 0o755 });
    const first = covshim(home, ["collect"], { ...env, COVSHIM_SSH: cut });
    expect(first.code, first.stderr).toBe(1);
    expect(first.stderr).toContain("nothing is lost");
    const dataDir = statusJson(home, env).installs[0]!.dataDir;
    expect(readdirSync(dataDir).filter((n) => n.startsWith(".coverage.") || n.startsWith(".covshim-part"))).toEqual([]);
    // The ack is lost once on h1: its file is here, the next collect only acknowledges it.
    const noAck = join(t, "ssh-noack");
    writeFileSync(noAck, `#!/bin/bash\ncase "$*" in *"'ack'"*) exit 255;; *) exec ssh -F ${cluster.sshConfig} "$@";; esac\n`, { mode: 0o755 });
    const second = covshim(home, ["collect"], { ...env, COVSHIM_SSH: noAck });
    expect(second.code).toBe(1);
    const third = covshim(home, ["collect"], env);
    expect(third.code, third.stderr).toBe(0);
    // One file per host: the one sent twice (ack lost) is the same file, not a second copy.
    expect(readdirSync(dataDir).filter((n) => n.startsWith(".coverage.host-")).length).toBe(2);
    const { util, file } = reportOf(t, home, gphome, env);
    expect(file.executed_lines).toContain(lineOf(util, "ran on h1"));
    expect(file.executed_lines).toContain(lineOf(util, "ran on h2"));
    // Nothing left on the hosts to collect, nothing staged.
    const again = covshim(home, ["collect"], env);
    expect(again.stderr).toContain(`${h1.addr}: 0 data files`);

    // Edited while on, on h1 (no file before) and h2 (its own file): the edits stay, the block goes.
    writeFileSync(site(h1), readFileSync(site(h1), "utf8") + "USER_LINE_H1 = 1\n");
    writeFileSync(site(h2), "USER_FIRST = 1\n" + readFileSync(site(h2), "utf8"));
    expect(covshim(home, ["off"], env).code).toBe(0);
    expect(readFileSync(site(h1), "utf8")).toContain("USER_LINE_H1 = 1");
    expect(readFileSync(site(h1), "utf8")).not.toContain("covshim");
    expect(readFileSync(site(h2), "utf8")).toBe("USER_FIRST = 1\n" + own);

    // Unedited: h2's own file byte for byte with its mode, owner and mtime to
    // the nanosecond (as locally), h1 without a trace.
    writeFileSync(site(h2), own);
    chmodSync(site(h2), 0o640);
    chownSync(site(h2), 4242, 4343);
    execFileSync("touch", ["-m", "-d", "2021-03-04T05:06:07.123456789Z", site(h2)]);
    rmSync(site(h1));
    const statOf = (p: string) => {
      const s = statSync(p, { bigint: true });
      return { mode: s.mode & 0o7777n, uid: s.uid, gid: s.gid, mtimeNs: s.mtimeNs };
    };
    const before = statOf(site(h2));
    expect(before.mtimeNs % 1_000_000_000n).toBe(123456789n);
    const b2 = { h1: hashTree(h1.gphome), h2: hashTree(h2.gphome) };
    expect(covshim(home, ["enable", gphome, "--scope", "install", "--hosts", cluster.hostfile()], env).code).toBe(0);
    expect(statOf(site(h2)).uid).toBe(4242n);
    expect(covshim(home, ["off"], env).code).toBe(0);
    expect(statOf(site(h2))).toEqual(before);
    for (const k of ["h1", "h2"] as const) expect(treeDiff(b2[k], hashTree(k === "h1" ? h1.gphome : h2.gphome)).filter((p) => !p.includes("__pycache__")), k).toEqual([]);
  });

  it("hosts that differ (Debian's Python with coverage 6.5, Python 3.12 with 7.x): a coveragerc made for each, no warning in any program's output, every host in one report", async () => {
    const { t, home, gphome, cluster, env } = setup(["h1", "h2", "h3"]);
    const hosts = cluster.hosts;
    const h3 = hosts[2]!;
    // h1 is the coordinator's kind; h2's python3 is the system's, h3's a 3.12 venv.
    const py = (h: Host) => join(h.gphome, "bin", "python3");
    writeFileSync(py(hosts[1]!), `#!/bin/sh\nexec ${debianCoveragePython()} "$@"\n`);
    const venv312 = makeVenv(join(t, "py312"), { version: PY312 });
    writeFileSync(py(h3), `#!/bin/sh\nexec ${join(venv312, "bin", "python3")} "$@"\n`);
    const hostsPy = join(gphome, "lib", "python", "gppylib", "hosts.py");
    const marks = "def mark(name):\n" + hosts.map((h) => `    if name == "${h.name}":\n        return 1  # ran on ${h.name}\n`).join("") + "    return 0\n";
    for (const dir of [gphome, ...hosts.map((h) => h.gphome)]) writeFileSync(join(dir, "lib", "python", "gppylib", "hosts.py"), marks);
    await cluster.startAll();
    const before = hosts.map((h) => hashTree(h.gphome));

    const en = covshim(home, ["enable", gphome, "--scope", "install", "--hosts", cluster.hostfile()], env);
    expect(en.code, en.stderr).toBe(0);
    const rcOf = (h: Host) => cluster.ssh(h, `cat ${join(home, "data", "remote", readdirSync(h.remote)[0]!, "coveragerc")}`).stdout;
    const rcs = hosts.map(rcOf);
    // Each made for its host: the 3.12 host gets sys.monitoring, coverage 6.5 no setting it does not know.
    expect(rcs[0]).toMatch(/^core = ctrace$/m);
    expect(rcs[1]).not.toMatch(/^core\b/m);
    expect(rcs[2]).toMatch(/^core = sysmon$/m);
    // And its own recorder: covshim's on the 3.12 host, coverage.py's on the others.
    expect(en.stderr.match(/^covshim: {3}\S+: covshim's recorder \(Python 3\.12/gm)?.length, en.stderr).toBe(1);
    expect(en.stderr.match(/^covshim: {3}\S+: coverage\.py, core/gm)?.length, en.stderr).toBe(2);
    for (const h of hosts) {
      const r = cluster.ssh(h, `env -i PATH=/usr/bin:/bin bash -c '. ${gphome}/greenplum_path.sh; python3 -c "from gppylib.hosts import mark; print(mark(\\"${h.name}\\"))"'`);
      expect({ host: h.name, out: r.stdout, err: r.stderr, code: r.status }).toEqual({ host: h.name, out: "1\n", err: "", code: 0 });
    }
    const col = covshim(home, ["collect"], env);
    expect(col.code, col.stderr).toBe(0);
    expect(col.stderr).not.toMatch(/warning|unreadable/i);
    const rep = covshim(home, ["report", "--json", join(t, "r.json")], env);
    expect(rep.code, rep.stderr).toBe(0);
    const executed = JSON.parse(readFileSync(join(t, "r.json"), "utf8")).files[hostsPy].executed_lines as number[];
    expect(hosts.filter((h) => !executed.includes(lineOf(hostsPy, `# ran on ${h.name}`))).map((h) => h.name), "hosts missing from the report").toEqual([]);
    expect(covshim(home, ["off"], env).code).toBe(0);
    hosts.forEach((h, i) => expect(treeDiff(before[i]!, hashTree(h.gphome)).filter((p) => !p.includes("__pycache__")), h.name).toEqual([]));
  });

  it("one connection per host per command (probe and install, pack and ack), and no OpenSSH master outlives the command", async () => {
    const { home, gphome, cluster, env, hosts } = setup(["h1", "h2"]);
    await cluster.startAll();
    const logins = () => hosts.map((h) => cluster.logins(h));
    const controlRoot = join(home, "state", "ssh");
    // What a covshim killed mid-command leaves: its directory, swept by the next one.
    mkdirSync(join(controlRoot, "4000000"), { recursive: true });
    const masters = () => (spawnSync("pgrep", ["-a", "-f", `^ssh: ${controlRoot}.*\\[mux\\]`], { encoding: "utf8" }).stdout ?? "").trim();
    const step = (args: string[], e: NodeJS.ProcessEnv = env) => {
      const before = logins();
      const r = covshim(home, args, e);
      expect(r.code, r.stderr).toBe(0);
      expect(masters(), `after ${args[0]}`).toBe("");
      expect(existsSync(controlRoot) ? readdirSync(controlRoot) : [], `after ${args[0]}`).toEqual([]);
      return logins().map((n, i) => n - before[i]!);
    };
    expect(step(["enable", gphome, "--scope", "install", "--hosts", cluster.hostfile()]), "enable: probe, install and put share one").toEqual([1, 1]);
    for (const h of hosts) expect(cluster.ssh(h, `env -i PATH=/usr/bin:/bin bash -c '. ${gphome}/greenplum_path.sh; gpsegwork 3 ${h.name}'`).stdout).toBe("3\n");
    expect(step(["collect"]), "collect: pack and ack share one").toEqual([1, 1]);
    expect(step(["off"])).toEqual([1, 1]);
    // The user's own options win: ControlPath=none turns reuse off, each
    // session its own connection (probe, install, put).
    expect(step(["enable", gphome, "--scope", "install", "--hosts", cluster.hostfile()], { ...env, COVSHIM_SSH: `ssh -F ${cluster.sshConfig} -o ControlPath=none` })).toEqual([3, 3]);
    expect(step(["off"])).toEqual([1, 1]);
  });

  it("where OpenSSH cannot make its control socket (a read-only directory), hosts are reached without reuse, not reported unreachable", async () => {
    const { home, gphome, cluster, env, hosts } = setup(["h1", "h2"]);
    await cluster.startAll();
    // covshim's own control directory (state/ssh/PID: exec keeps the shell's
    // pid) made read-only in a mount namespace of its own: every bind fails.
    const script = 'd="$1/state/ssh/$$" && mkdir -p "$d" && mount --bind -o ro "$d" "$d" && shift && exec "$@"';
    const inRo = (args: string[]) => run("unshare", ["-m", "--propagation", "private", "sh", "-c", script, "sh", home, process.execPath, CLI, ...args], baseEnv(home, env), home);
    const before = hosts.map((h) => cluster.logins(h));
    const en = inRo(["enable", gphome, "--scope", "install", "--hosts", cluster.hostfile()]);
    expect(en.code, en.stderr).toBe(0);
    expect(en.stderr).not.toContain("unreachable");
    expect(statusJson(home, env).installs[0]!.hosts!.map((h) => h.state)).toEqual(["on", "on"]);
    // The attempt that could not make its socket (ssh binds it after logging in), then
    // without reuse the probe, the install and the put each on a connection of its own.
    expect(hosts.map((h, i) => cluster.logins(h) - before[i]!)).toEqual([4, 4]);
    const off = inRo(["off"]);
    expect(off.code, off.stderr).toBe(0);
    expect(statusJson(home, env).installs[0]!.hosts!.map((h) => h.state)).toEqual(["off", "off"]);
  });

  it("on a terminal, one line per step that counts the hosts (and collect's megabytes); none in a pipe", async () => {
    const { t, home, gphome, cluster, env } = setup(["h1", "h2"]);
    await cluster.startAll();
    const term = new Term("bash", t, baseEnv(home, { ...env, TERM: "xterm" }), "");
    const cli = `${process.execPath} ${CLI}`;
    const en = await term.run(`${cli} enable ${gphome} --scope install --hosts ${cluster.hostfile()}`);
    expect(en).toMatch(/^covshim: probe 2\/2 hosts$/m);
    expect(en).toMatch(/^covshim: enable 2\/2 hosts$/m);
    const col = await term.run(`${cli} collect`);
    expect(col).toMatch(/^covshim: collect 2\/2 hosts, \d+\.\d MB$/m);
    const off = await term.run(`${cli} off 2>&1 | cat`);
    expect(off).not.toContain("hosts\r");
    expect(off).not.toMatch(/off \d\/2 hosts/);
    expect(statusJson(home, env).installs[0]!.hosts!.map((h) => h.state)).toEqual(["off", "off"]);
  });

  it("a host whose sshd is busy (MaxStartups full with other clients' connections) is waited for, not reported unreachable", async () => {
    const { t, home, gphome, cluster, env, hosts } = setup(["h1"], { sshd: ["MaxStartups 1"] });
    await cluster.startAll();
    const [h1] = hosts;
    // Another client holds the one unauthenticated slot for 1.5 s: sshd drops every other connection meanwhile.
    const holder = spawn(process.execPath, ["-e", `const s = require("net").connect(${cluster.port}, "${h1.addr}"); s.on("connect", () => console.log("held")); setTimeout(() => process.exit(0), 1500)`], { stdio: ["ignore", "pipe", "ignore"] });
    await new Promise((r) => holder.stdout!.once("data", r));
    expect(cluster.ssh(h1, "true").status, "sshd drops a connection while the slot is held").toBe(255);
    const en = covshim(home, ["enable", gphome, "--scope", "install", "--hosts", cluster.hostfile()], env);
    expect(en.code, en.stderr).toBe(0);
    expect(en.stderr).not.toContain("unreachable");
    expect(covshim(home, ["off"], env).code).toBe(0);
  });
});
