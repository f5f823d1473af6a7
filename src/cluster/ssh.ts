import { spawn } from "node:child_process";
import { closeSync, createWriteStream, fsyncSync, openSync, readFileSync, renameSync, rmSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { createInflate } from "node:zlib";
import remoteAgent from "../../templates/agent/remote.py?raw";
import { withDataReader } from "../coverage/datasource.js";
import { CovshimError, usageError } from "../errors.js";
import { type Probe, probeSource } from "../install/probe.js";
import { posixQuote } from "../shells/shell.js";
import { reuseBroke, reuseOptions } from "./mux.js";

const remoteSource = withDataReader(remoteAgent);

/** A GPDB hostfile: one host per line, `#` comments, blank lines ignored. */
export function readHostfile(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new CovshimError(`cannot read hostfile ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const hosts = text.split("\n").map((l) => l.replace(/#.*/, "").trim()).filter(Boolean);
  for (const h of hosts) {
    if (!/^[A-Za-z0-9_.:@[\]-]+$/.test(h) || h.startsWith("-")) throw usageError(`hostfile ${file}: '${h}' is not a host name`);
  }
  if (!hosts.length) throw usageError(`hostfile ${file} names no host`);
  return [...new Set(hosts)];
}

/** The system's OpenSSH, never asking for a password. COVSHIM_SSH adds options (like GIT_SSH_COMMAND). */
function ssh(host: string): string[] {
  const base = [...(process.env.COVSHIM_SSH ?? "ssh").split(/\s+/).filter(Boolean), "-o", "BatchMode=yes", "-o", "ConnectTimeout=10"];
  return [...base, ...reuseOptions(host, base)];
}

export class HostError extends CovshimError {
  constructor(
    readonly host: string,
    message: string,
  ) {
    super(`host ${host}: ${message}`);
  }
}

/**
 * sshd drops a connection before the key exchange when more than
 * `MaxStartups` are still authenticating (other users, other tools): busy,
 * not unreachable. Such a connection is tried again, with a growing pause.
 */
const REFUSED = /kex_exchange_identification|Connection reset by peer|Connection closed by .* port \d+\s*$/m;
const RETRIES = [250, 500, 1000, 2000, 4000, 8000];
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function withRetry<T>(attempt: () => Promise<{ code: number; stderr: string; value?: T; args?: string[] }>): Promise<{ code: number; stderr: string; value?: T }> {
  for (let i = 0; ; i++) {
    const r = await attempt();
    if (r.code === 255 && reuseBroke(r.stderr, r.args ?? [])) {
      i--;
      continue;
    }
    if (r.code !== 255 || !REFUSED.test(r.stderr) || i >= RETRIES.length) return r;
    await pause(RETRIES[i]! * (0.75 + Math.random() / 2));
  }
}

const failure = (host: string, code: number, stderr: string) => {
  const line = stderr.trim().split("\n").filter(Boolean).pop() ?? `exit ${code}`;
  return new HostError(host, code === 255 ? `unreachable (${line})` : line);
};

async function onHost(host: string, remoteCmd: string, input: string): Promise<string> {
  const { execa } = await import("execa");
  const r = await withRetry(async () => {
    const [cmd, ...args] = ssh(host);
    const x = await execa(cmd!, [...args, host, remoteCmd], { input, reject: false, timeout: 120_000 });
    return { code: x.exitCode ?? 1, stderr: String(x.stderr), value: String(x.stdout), args };
  });
  if (r.code !== 0) throw failure(host, r.code, r.stderr);
  return r.value!;
}

const pyCmd = (python: string, pythonPath: string[], args: string[]) =>
  `cd / && COVSHIM_DISABLE=1 PYTHONDONTWRITEBYTECODE=1 ${pythonPath.length ? `PYTHONPATH=${posixQuote(pythonPath.join(":"))}\${PYTHONPATH:+:$PYTHONPATH} ` : ""}exec ${posixQuote(python)} - ${args.map(posixQuote).join(" ")}`;

export async function probeHost(host: string, python: string, pythonPath: string[]): Promise<Probe> {
  const outText = await onHost(host, `unset COVERAGE_PROCESS_START; ${pyCmd(python, pythonPath, [])}`, probeSource);
  try {
    return JSON.parse(outText) as Probe;
  } catch {
    throw new HostError(host, `${python} did not answer the probe`);
  }
}

export type AgentAction = "install" | "put" | "read" | "remove" | "pack" | "ack";

/** Runs the remote agent (templates/agent/remote.py) with one action, in the install's environment. */
export async function agent(host: string, python: string, pythonPath: string[], action: AgentAction, args: object): Promise<Record<string, unknown>> {
  const b64 = Buffer.from(JSON.stringify(args)).toString("base64");
  const outText = await onHost(host, `unset COVERAGE_PROCESS_START; ${pyCmd(python, pythonPath, [action, b64])}`, remoteSource);
  try {
    return JSON.parse(outText) as Record<string, unknown>;
  } catch {
    throw new HostError(host, `unexpected answer from the agent: ${outText.slice(0, 200)}`);
  }
}

export interface Fetched {
  /** What the agent said of the data it packed (files, rawBytes, unreadable). */
  header: Record<string, unknown>;
  /** Bytes that crossed the connection. */
  wireBytes: number;
}

/**
 * The agent's `pack`: a JSON line, then the host's combined data file,
 * deflated, streamed into `dest` (never held in memory). `dest` appears only
 * once the whole file is on disk (temporary name, fsync, rename), so a cut
 * connection leaves nothing half-written under the final name.
 */
export async function fetchPacked(host: string, python: string, pythonPath: string[], args: object, dest: string, onBytes: (n: number) => void = () => {}): Promise<Fetched> {
  // A refused connection sent nothing: trying again is safe (the same id packs the same file).
  for (let i = 0; ; i++) {
    try {
      return await fetchOnce(host, python, pythonPath, args, dest, onBytes);
    } catch (e) {
      if (e instanceof ReuseBrokeError) {
        i--;
        continue;
      }
      const refused = e instanceof RefusedError;
      if (!refused || i >= RETRIES.length) throw refused ? (e as RefusedError).error : e;
      await pause(RETRIES[i]! * (0.75 + Math.random() / 2));
    }
  }
}

class ReuseBrokeError extends Error {}

class RefusedError extends Error {
  constructor(readonly error: HostError) {
    super(error.message);
  }
}

async function fetchOnce(host: string, python: string, pythonPath: string[], args: object, dest: string, onBytes: (n: number) => void): Promise<Fetched> {
  const b64 = Buffer.from(JSON.stringify(args)).toString("base64");
  const [cmd, ...sshArgs] = ssh(host);
  // Not named .coverage.*: `report` never takes a half-received file for data.
  const tmp = join(dirname(dest), `.covshim-part-${basename(dest)}`);
  const child = spawn(cmd!, [...sshArgs, host, `unset COVERAGE_PROCESS_START; ${pyCmd(python, pythonPath, ["pack", b64])}`], { stdio: ["pipe", "pipe", "pipe"] });
  child.stdin.end(remoteSource);
  let stderr = "";
  child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
  let head = Buffer.alloc(0);
  let header: Record<string, unknown> | null = null;
  let wireBytes = 0;
  const inflate = createInflate();
  const file = createWriteStream(tmp, { mode: 0o600 });
  const written = new Promise<void>((resolve, reject) => {
    file.on("finish", resolve);
    file.on("error", reject);
    inflate.on("error", reject);
  });
  written.catch(() => undefined); // awaited only when a file was sent
  inflate.pipe(file);
  child.stdout.on("data", (b: Buffer) => {
    wireBytes += b.length;
    onBytes(b.length);
    if (header) {
      inflate.write(b);
      return;
    }
    head = Buffer.concat([head, b]);
    const nl = head.indexOf(10);
    if (nl < 0) return;
    try {
      header = JSON.parse(head.subarray(0, nl).toString("utf8")) as Record<string, unknown>;
    } catch {
      header = { error: `unexpected answer from the agent: ${head.subarray(0, 200).toString()}` };
    }
    inflate.write(head.subarray(nl + 1));
  });
  const code = await new Promise<number>((resolve) => child.on("close", (c) => resolve(c ?? 1)));
  inflate.end();
  try {
    if (code !== 0) {
      if (code === 255 && wireBytes === 0 && reuseBroke(stderr, sshArgs)) throw new ReuseBrokeError();
      const e = failure(host, code, stderr);
      throw code === 255 && wireBytes === 0 && REFUSED.test(stderr) ? new RefusedError(e) : e;
    }
    if (!header) throw new HostError(host, "the agent sent nothing");
    const h = header as Record<string, unknown>;
    if (h.error) throw new HostError(host, String(h.error));
    if (h.files) {
      await written;
      const fd = openSync(tmp, "r");
      fsyncSync(fd);
      closeSync(fd);
      renameSync(tmp, dest);
    }
    return { header: h, wireBytes };
  } finally {
    inflate.destroy();
    file.destroy();
    rmSync(tmp, { force: true });
  }
}
