import { usageError } from "../errors.js";

/**
 * How many hosts at a time. OpenSSH's sshd starts dropping connections that
 * are still authenticating past `MaxStartups 10:30:100`; 8 stays under it with
 * room for the user's own sessions. COVSHIM_HOSTS_WIDTH sets it (1 to 64).
 */
export function hostsWidth(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.COVSHIM_HOSTS_WIDTH;
  if (raw === undefined || raw === "") return 8;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw usageError(`COVSHIM_HOSTS_WIDTH is '${raw}': a whole number from 1 to 64`);
  return n;
}

export type HostOutcome<T> = { item: string; value: T; error?: undefined } | { item: string; value?: undefined; error: Error };

/**
 * Runs `step` for every host, at most `width` at once, each outcome in the
 * hosts' order. On a terminal, one line that counts ("collect 37/64 hosts,
 * 212 MB"); elsewhere quiet.
 */
export async function eachHost<T>(
  label: string,
  hosts: string[],
  step: (host: string, i: number) => Promise<T>,
  o: { width?: number; extra?: () => string; stream?: NodeJS.WriteStream } = {},
): Promise<HostOutcome<T>[]> {
  const width = Math.min(o.width ?? hostsWidth(), Math.max(hosts.length, 1));
  const stream = o.stream ?? process.stderr;
  const tty = !!stream.isTTY && hosts.length > 1;
  const out: HostOutcome<T>[] = new Array(hosts.length);
  let next = 0;
  let done = 0;
  const show = () => {
    if (tty) stream.write(`\rcovshim: ${label} ${done}/${hosts.length} hosts${o.extra ? o.extra() : ""}\x1b[K`);
  };
  const worker = async () => {
    while (next < hosts.length) {
      const i = next++;
      const host = hosts[i]!;
      try {
        out[i] = { item: host, value: await step(host, i) };
      } catch (e) {
        out[i] = { item: host, error: e as Error };
      }
      done++;
      show();
    }
  };
  show();
  await Promise.all(Array.from({ length: width }, worker));
  if (tty) stream.write("\n");
  return out;
}
