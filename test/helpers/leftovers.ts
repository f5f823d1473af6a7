import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Temp directories the suite and the CLI make: each test removes its own. */
const TEMP = /^covshim-(test|demo|report|diff|bench|badinput)-/;

/**
 * What the suite could leave behind: temp directories, tmux servers with
 * their interactive shells, sshd hosts. Compared before and after a run.
 */
export function leftovers(): string[] {
  const out: string[] = [];
  try {
    for (const n of readdirSync(tmpdir())) if (TEMP.test(n)) out.push(`temp dir ${join(tmpdir(), n)}`);
  } catch {
    // no tmp: nothing left there
  }
  const sockets = join(tmpdir(), `tmux-${process.getuid?.() ?? 0}`);
  try {
    for (const n of readdirSync(sockets)) {
      if (n.startsWith("covshim-test-") && spawnSync("tmux", ["-L", n, "has-session"], { stdio: "ignore" }).status === 0) out.push(`tmux server ${n}`);
    }
  } catch {
    // no tmux server ever ran
  }
  const ps = spawnSync("pgrep", ["-a", "-f", "sshd -D -e -f .*covshim-test-"], { encoding: "utf8" });
  for (const l of (ps.stdout ?? "").split("\n").filter(Boolean)) out.push(`process ${l}`);
  // OpenSSH masters covshim opened (src/cluster/mux.ts): each command ends its own.
  const mux = spawnSync("pgrep", ["-a", "-f", "^ssh: .*covshim-test-.*\\[mux\\]"], { encoding: "utf8" });
  for (const l of (mux.stdout ?? "").split("\n").filter(Boolean)) out.push(`process ${l}`);
  return out.sort();
}
