import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach } from "vitest";
import { CACHE, need } from "./tools.js";

const live: Term[] = [];
afterEach(() => {
  while (live.length) live.pop()!.kill();
});

let counter = 0;

export type ShellName = "bash" | "zsh" | "fish";

/**
 * A real interactive shell under a pty (tmux). Commands are typed with
 * send-keys; the screen is read with capture-pane.
 */
export class Term {
  readonly socket: string;
  readonly name = "t";
  private marks = 0;

  constructor(
    readonly shell: ShellName,
    readonly dir: string,
    readonly env: NodeJS.ProcessEnv,
    rc: string,
    /** Run the shell through this command first (e.g. into a mount namespace without /proc). */
    prefix: string[] = [],
  ) {
    need("tmux");
    need(shell);
    this.socket = `covshim-test-${process.pid}-${++counter}`;
    const cmd = [...prefix, ...this.startCommand(rc)];
    execFileSync("tmux", ["-L", this.socket, "-f", "/dev/null", "new-session", "-d", "-s", this.name, "-x", "220", "-y", "50", ...cmd], { env: this.env });
    live.push(this);
  }

  private startCommand(rc: string): string[] {
    const home = join(this.dir, `home-${this.shell}`);
    mkdirSync(home, { recursive: true });
    if (this.shell === "bash") {
      const f = join(home, ".bashrc");
      writeFileSync(f, `PS1='[$?]PROMPT> '\n${rc}\n`);
      return ["env", `HOME=${home}`, "HISTFILE=/dev/null", "bash", "--noprofile", "--rcfile", f, "-i"];
    }
    if (this.shell === "zsh") {
      writeFileSync(join(home, ".zshrc"), `PS1='[%?]PROMPT> '\n${rc}\n`);
      return ["env", `HOME=${home}`, `ZDOTDIR=${home}`, "HISTFILE=/dev/null", "zsh", "-i"];
    }
    const conf = join(home, ".config", "fish");
    mkdirSync(conf, { recursive: true });
    writeFileSync(join(conf, "config.fish"), `function fish_prompt; printf '[%s]PROMPT> ' $status; end\nfunction fish_greeting; end\n${rc}\n`);
    // fish writes generated completions in the background on a first start:
    // into a data directory that outlives the test, not into its temp dir.
    return ["env", `HOME=${home}`, `XDG_CONFIG_HOME=${join(home, ".config")}`, `XDG_DATA_HOME=${join(CACHE, "fish-data")}`, "fish_history=", "fish", "-i"];
  }

  screen(): string {
    return execFileSync("tmux", ["-L", this.socket, "capture-pane", "-p", "-J", "-S", "-2000", "-t", this.name], { encoding: "utf8" });
  }

  /** Types a line and presses Enter. */
  type(line: string): void {
    execFileSync("tmux", ["-L", this.socket, "send-keys", "-t", this.name, "-l", line]);
    execFileSync("tmux", ["-L", this.socket, "send-keys", "-t", this.name, "Enter"]);
  }

  async waitFor(re: RegExp, ms = 20_000): Promise<string> {
    const end = Date.now() + ms;
    let s = "";
    while (Date.now() < end) {
      s = this.screen();
      if (re.test(s)) return s;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`timed out waiting for ${re} in ${this.shell}; screen:\n${s}`);
  }

  /** Runs a line, waits for a marker echoed after it; returns what was printed in between. */
  async run(line: string, ms = 30_000): Promise<string> {
    const m = `__M${++this.marks}__`;
    this.type(`${line}; echo ${m}`);
    const s = await this.waitFor(new RegExp(`^${m}$`, "m"), ms);
    const cmdAt = s.lastIndexOf(`echo ${m}`);
    const from = s.indexOf("\n", cmdAt) + 1;
    return s.slice(from, s.lastIndexOf(`\n${m}`) + 1);
  }

  /** Presses a key (tmux key name: C-c, Enter, ...). */
  key(name: string): void {
    execFileSync("tmux", ["-L", this.socket, "send-keys", "-t", this.name, name]);
  }

  /** Waits for the shell to be at a fresh prompt. */
  async ready(): Promise<void> {
    await this.run(":");
  }

  pid(): number {
    return Number(execFileSync("tmux", ["-L", this.socket, "display-message", "-p", "-t", this.name, "#{pane_pid}"], { encoding: "utf8" }).trim());
  }

  kill(): void {
    spawnSync("tmux", ["-L", this.socket, "kill-server"]);
  }
}
