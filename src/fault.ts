import { appendFileSync } from "node:fs";

/**
 * Fault injection for the crash-safety tests, and nothing else:
 * COVSHIM_FAULT_STEP=N kills this process with SIGKILL right after its Nth
 * write step; COVSHIM_FAULT_LOG=F lists the steps as they happen.
 */
let count = 0;
const killAt = Number(process.env.COVSHIM_FAULT_STEP ?? 0);
const log = process.env.COVSHIM_FAULT_LOG;

export function step(name: string): void {
  count++;
  if (log) appendFileSync(log, `${count} ${name}\n`);
  if (killAt && count === killAt) process.kill(process.pid, "SIGKILL");
}
