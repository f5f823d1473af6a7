import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { dirs, sshControlDir, sshControlRoot } from "../paths.js";

/**
 * OpenSSH connection reuse for the length of one covshim command. The first
 * session to a host becomes its master (ControlMaster=auto); the command's
 * later sessions to it (probe then install, pack then ack) are channels of
 * that connection: no second key exchange, no second authentication, one
 * sshd slot. `closeConnections` ends every master when the command ends;
 * ControlPersist bounds the life of one whose covshim was killed.
 *
 * The user's own options come first on the command line and OpenSSH keeps the
 * first value it reads, so `COVSHIM_SSH="ssh -o ControlPath=none"` turns
 * reuse off.
 */

/** Seconds a master stays without a session: covers the gap between a command's probe and install phases. */
const PERSIST_SECONDS = 60;
const MASTER = "ControlMaster=auto";
/**
 * sun_path holds 108 bytes (104 on macOS), and OpenSSH binds the master to
 * the path plus 17 bytes of its own first.
 */
const MAX_PATH = (process.platform === "darwin" ? 104 : 108) - 18;

let controlDir: string | null | undefined;
const used = new Map<string, { path: string; base: string[] }>();

function ownDir(): string | null {
  if (controlDir !== undefined) return controlDir;
  const root = sshControlRoot(dirs());
  const dir = sshControlDir(dirs(), process.pid);
  // A path OpenSSH would read wrongly or cannot bind: plain connections, as before.
  if (/[\s%"'\\]/.test(dir) || dir.length + 11 > MAX_PATH) return (controlDir = null);
  sweep(root);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch {
    return (controlDir = null);
  }
  return (controlDir = dir);
}

/** Directories of covshim processes that are gone: their masters have ended or will at ControlPersist. */
function sweep(root: string): void {
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return;
  }
  for (const n of names) {
    const pid = Number(n);
    if (!Number.isInteger(pid) || pid === process.pid || alive(pid)) continue;
    removeQuietly(join(root, n));
  }
}

/** covshim's own scratch: a directory it cannot remove (read-only) is no reason to fail a command. */
function removeQuietly(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch {
    // left for the next sweep
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * ssh exits 255 when it cannot make the master's socket (a filesystem
 * without sockets, a read-only mount): that says nothing of the host. Reuse
 * goes off for the rest of the command, and the caller tries again without
 * it. `args`: the failed attempt's; one made without the reuse options is
 * never tried again for this.
 */
export function reuseBroke(stderr: string, args: string[]): boolean {
  if (!args.includes(MASTER) || !/unix_listener|ControlSocket|control socket|ControlPath/i.test(stderr)) return false;
  if (controlDir) removeQuietly(controlDir);
  controlDir = null;
  used.clear();
  return true;
}

/** The options that put `host`'s sessions on one connection; none when reuse is off. */
export function reuseOptions(host: string, base: string[]): string[] {
  const dir = ownDir();
  if (!dir) return [];
  const path = join(dir, createHash("sha256").update(host).digest("hex").slice(0, 10));
  if (!used.has(host)) used.set(host, { path, base });
  return ["-o", MASTER, "-o", `ControlPath=${path}`, "-o", `ControlPersist=${PERSIST_SECONDS}`];
}

/** Ends every master this process started (`ssh -O exit`), then removes its control directory. */
export async function closeConnections(): Promise<void> {
  const dir = controlDir;
  if (!dir) return;
  await Promise.all(
    [...used].map(([host, { path, base }]) => {
      if (!existsSync(path)) return Promise.resolve();
      const [cmd, ...args] = base;
      return new Promise<void>((resolve) => {
        const p = spawn(cmd!, [...args, "-o", `ControlPath=${path}`, "-O", "exit", host], { stdio: "ignore" });
        const timer = setTimeout(() => p.kill("SIGKILL"), 10_000);
        p.on("error", () => resolve());
        p.on("close", () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }),
  );
  used.clear();
  removeQuietly(dir);
  controlDir = undefined;
}
