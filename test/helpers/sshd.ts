import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach } from "vitest";
import { need } from "./tools.js";

const running: Cluster[] = [];
afterEach(() => {
  while (running.length) running.pop()!.stopAll();
});

export interface Host {
  name: string;
  addr: string;
  gphome: string;
  remote: string;
  proc?: ChildProcess;
}

/**
 * Real hosts on one machine: one sshd per host on its own loopback address,
 * each inside its own mount namespace where the host's own copy of GPHOME and
 * of covshim's remote directory are bind-mounted at the shared paths. A
 * throwaway key; only addresses in 127.0.0.0/8 are ever reached.
 */
export class Cluster {
  readonly hosts: Host[] = [];
  readonly port = 20000 + Math.floor(Math.random() * 20000);
  readonly sshConfig: string;
  private readonly sshdConfig: string;

  constructor(
    readonly dir: string,
    readonly gphome: string,
    readonly remoteDir: string,
    names: string[],
  ) {
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
        "",
      ].join("\n"),
    );
    this.sshConfig = join(dir, "ssh_config");
    writeFileSync(
      this.sshConfig,
      ["Host 127.0.0.*", `  Port ${this.port}`, `  IdentityFile ${join(dir, "key")}`, "  IdentitiesOnly yes", "  StrictHostKeyChecking no", "  UserKnownHostsFile /dev/null", "  LogLevel ERROR", ""].join("\n"),
    );
    names.forEach((name, i) => {
      const h: Host = { name, addr: `127.0.0.${i + 2}`, gphome: join(dir, name, "gphome"), remote: join(dir, name, "remote") };
      cpSync(gphome, h.gphome, { recursive: true, verbatimSymlinks: true });
      mkdirSync(h.remote, { recursive: true });
      this.hosts.push(h);
    });
    running.push(this);
  }

  get sshEnv(): NodeJS.ProcessEnv {
    return { COVSHIM_SSH: `ssh -F ${this.sshConfig}` };
  }

  hostfile(): string {
    const f = join(this.dir, "hostfile");
    writeFileSync(f, ["# segment hosts", ...this.hosts.map((h) => h.addr), ""].join("\n"));
    return f;
  }

  async start(h: Host): Promise<void> {
    const script = `mount --bind "$1" "$2" && mount --bind "$3" "$4" && exec /usr/sbin/sshd -D -e -f "$5" -o ListenAddress="$6:$7"`;
    h.proc = spawn("unshare", ["-m", "--propagation", "private", "sh", "-c", script, "sh", h.gphome, this.gphome, h.remote, this.remoteDir, this.sshdConfig, h.addr, String(this.port)], { stdio: "ignore" });
    const end = Date.now() + 15_000;
    while (Date.now() < end) {
      if (this.ssh(h, "true").status === 0) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`sshd for ${h.name} on ${h.addr}:${this.port} did not come up`);
  }

  async startAll(): Promise<void> {
    for (const h of this.hosts) await this.start(h);
  }

  stop(h: Host): void {
    h.proc?.kill("SIGTERM");
    h.proc = undefined;
  }

  stopAll(): void {
    for (const h of this.hosts) this.stop(h);
  }

  ssh(h: Host, cmd: string) {
    return spawnSync("ssh", ["-F", this.sshConfig, "-o", "BatchMode=yes", h.addr, cmd], { encoding: "utf8", timeout: 30_000 });
  }
}
