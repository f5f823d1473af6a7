// Real cluster hosts on one machine, shared by the tests and bench/. Plain
// JavaScript so that bench/ imports it without a TypeScript step.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { userInfo } from "node:os";
import { join } from "node:path";
import { need } from "./base.mjs";

/** @typedef {{ name: string, addr: string, gphome: string, remote: string, proc?: import("node:child_process").ChildProcess }} Host */

/**
 * Real hosts on one machine: one sshd per host on its own loopback address,
 * each inside its own mount namespace where the host's own copy of GPHOME and
 * of covshim's remote directory are bind-mounted at the shared paths. A
 * throwaway key; only addresses in 127.0.0.0/8 are ever reached.
 */
export class Cluster {
  /** @param {string} dir @param {string} gphome @param {string} remoteDir @param {string[]} names @param {{ sshd?: string[] }} [o] */
  constructor(dir, gphome, remoteDir, names, o = {}) {
    this.dir = dir;
    this.gphome = gphome;
    this.remoteDir = remoteDir;
    /** @type {Host[]} */
    this.hosts = [];
    this.port = 20000 + Math.floor(Math.random() * 20000);
    need("sshd");
    need("unshare");
    need("ssh-keygen");
    mkdirSync(dir, { recursive: true });
    mkdirSync(remoteDir, { recursive: true });
    mkdirSync("/run/sshd", { recursive: true });
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", join(dir, "key")]);
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", join(dir, "hostkey")]);
    writeFileSync(join(dir, "authorized_keys"), readFileSync(join(dir, "key.pub")), { mode: 0o600 });
    this.sshdConfig = join(dir, "sshd_config");
    writeFileSync(
      this.sshdConfig,
      [
        `HostKey ${join(dir, "hostkey")}`,
        `AuthorizedKeysFile ${join(dir, "authorized_keys")}`,
        "StrictModes no",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "UsePAM no",
        "PermitRootLogin prohibit-password",
        "PidFile none",
        ...(o.sshd ?? []),
        "",
      ].join("\n"),
    );
    this.sshConfig = join(dir, "ssh_config");
    writeFileSync(
      this.sshConfig,
      ["Host 127.0.0.*", `  Port ${this.port}`, `  IdentityFile ${join(dir, "key")}`, "  IdentitiesOnly yes", "  StrictHostKeyChecking no", "  UserKnownHostsFile /dev/null", "  LogLevel ERROR", ""].join("\n"),
    );
    names.forEach((name, i) => {
      /** @type {Host} */
      const h = { name, addr: `127.0.0.${i + 2}`, gphome: join(dir, name, "gphome"), remote: join(dir, name, "remote") };
      cpSync(gphome, h.gphome, { recursive: true, verbatimSymlinks: true });
      mkdirSync(h.remote, { recursive: true });
      // A segment host's ~/.bashrc, which bash reads for every ssh command:
      // GPDB's install guide has gpadmin source greenplum_path.sh there. It
      // stands in for this machine's own (pyenv init and rehash, some 170 ms
      // of CPU per session, that 24 hosts sharing 2 cores would add up).
      writeFileSync(join(dir, name, "bashrc"), `# gpadmin's ~/.bashrc on a segment host\n. ${JSON.stringify(join(gphome, "greenplum_path.sh"))}\n`);
      this.hosts.push(h);
    });
  }

  get sshEnv() {
    return { COVSHIM_SSH: `ssh -F ${this.sshConfig}` };
  }

  hostfile() {
    const f = join(this.dir, "hostfile");
    writeFileSync(f, ["# segment hosts", ...this.hosts.map((h) => h.addr), ""].join("\n"));
    return f;
  }

  /** @param {Host} h */
  async start(h) {
    const script = `mount --bind "$1" "$2" && mount --bind "$3" "$4" && { [ ! -f "$8/.bashrc" ] || mount --bind "$9" "$8/.bashrc"; } && exec /usr/sbin/sshd -D -e -f "$5" -o ListenAddress="$6:$7" -E "\${10}"`;
    const args = [h.gphome, this.gphome, h.remote, this.remoteDir, this.sshdConfig, h.addr, String(this.port), userInfo().homedir, join(this.dir, h.name, "bashrc"), this.logOf(h)];
    h.proc = spawn("unshare", ["-m", "--propagation", "private", "sh", "-c", script, "sh", ...args], { stdio: "ignore" });
    const end = Date.now() + 15_000;
    while (Date.now() < end) {
      if (await this.sshAsync(h, "true") === 0) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`sshd for ${h.name} on ${h.addr}:${this.port} did not come up`);
  }

  /** @param {Host} h */
  logOf(h) {
    return join(this.dir, h.name, "sshd.log");
  }

  /** Connections the host's sshd has authenticated so far (one per key exchange). @param {Host} h */
  logins(h) {
    try {
      return readFileSync(this.logOf(h), "utf8").split("\n").filter((l) => l.includes("Accepted publickey")).length;
    } catch {
      return 0;
    }
  }

  /** Several at a time: a cluster of 24 comes up in seconds. */
  async startAll() {
    const todo = [...this.hosts];
    await Promise.all(Array.from({ length: 6 }, async () => {
      while (todo.length) await this.start(todo.shift());
    }));
  }

  /** @param {Host} h */
  stop(h) {
    h.proc?.kill("SIGTERM");
    h.proc = undefined;
  }

  stopAll() {
    for (const h of this.hosts) this.stop(h);
  }

  /** @param {Host} h @param {string} cmd */
  ssh(h, cmd) {
    return spawnSync("ssh", ["-F", this.sshConfig, "-o", "BatchMode=yes", h.addr, cmd], { encoding: "utf8", timeout: 30_000 });
  }

  /** @param {Host} h @param {string} cmd @returns {Promise<number>} */
  sshAsync(h, cmd) {
    return new Promise((resolve) => {
      const p = spawn("ssh", ["-F", this.sshConfig, "-o", "BatchMode=yes", h.addr, cmd], { stdio: "ignore" });
      p.on("close", (c) => resolve(c ?? 1));
      p.on("error", () => resolve(1));
    });
  }
}
