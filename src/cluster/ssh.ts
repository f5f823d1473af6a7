import { readFileSync } from "node:fs";
import remoteSource from "../../templates/remote.py?raw";
import probeSource from "../../templates/probe.py?raw";
import { CovshimError, usageError } from "../errors.js";
import type { Probe } from "../install/probe.js";
import { posixQuote } from "../shells/shell.js";

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
function ssh(): string[] {
  const base = (process.env.COVSHIM_SSH ?? "ssh").split(/\s+/).filter(Boolean);
  return [...base, "-o", "BatchMode=yes", "-o", "ConnectTimeout=10"];
}

export class HostError extends CovshimError {
  constructor(
    readonly host: string,
    message: string,
  ) {
    super(`host ${host}: ${message}`);
  }
}

async function onHost(host: string, remoteCmd: string, input: string): Promise<string> {
  const { execa } = await import("execa");
  const [cmd, ...args] = ssh();
  const r = await execa(cmd!, [...args, host, remoteCmd], { input, reject: false, timeout: 120_000 });
  if (r.exitCode !== 0) {
    const line = String(r.stderr).trim().split("\n").filter(Boolean).pop() ?? `exit ${r.exitCode}`;
    throw new HostError(host, r.exitCode === 255 ? `unreachable (${line})` : line);
  }
  return String(r.stdout);
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

/** Runs the remote agent (templates/remote.py) with one action. */
export async function agent(host: string, python: string, action: "install" | "remove" | "collect", args: object): Promise<Record<string, unknown>> {
  const b64 = Buffer.from(JSON.stringify(args)).toString("base64");
  const outText = await onHost(host, `unset COVERAGE_PROCESS_START; ${pyCmd(python, [], [action, b64])}`, remoteSource);
  try {
    return JSON.parse(outText) as Record<string, unknown>;
  } catch {
    throw new HostError(host, `unexpected answer from the agent: ${outText.slice(0, 200)}`);
  }
}
