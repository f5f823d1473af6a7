import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CovshimError } from "../errors.js";
import { HostError, agent, probeHost } from "./ssh.js";
import type { Target } from "../install/target.js";
import { type Dirs, remoteDataDir, remoteHome, remoteRcfile } from "../paths.js";
import { type CoreChoice, chooseCore, renderRc, type RcOptions } from "../coverage/rcfile.js";
import { renderBlock, renderShimCode } from "../shim/render.js";
import type { Core, HostRecord, InstallRecord } from "../state/state.js";
import { blockers } from "../switch/blockers.js";
import { warn } from "../output.js";

export interface HostPlan {
  host: string;
  rcText: string;
  core: CoreChoice;
}

/** Probes every host before anything is written anywhere; each problem is named with its fix. */
export async function planHosts(d: Dirs, id: string, t: Target, hosts: string[], rc: Omit<RcOptions, "dataDir">, core: Core): Promise<HostPlan[]> {
  const plans: HostPlan[] = [];
  const problems: string[] = [];
  await Promise.all(
    hosts.map(async (host) => {
      try {
        const p = await probeHost(host, t.python, t.pythonPath);
        const b = blockers(t, p)[0];
        if (b) throw new HostError(host, `${b.problem}; fix: ssh ${host} ${b.fix}`);
        const c = chooseCore(p, core, rc.branch);
        plans.push({ host, core: c, rcText: renderRc(p, { ...rc, dataDir: remoteDataDir(d, id) }, c) });
      } catch (e) {
        problems.push((e as Error).message);
      }
    }),
  );
  if (problems.length) {
    problems.sort().forEach((p) => warn(p));
    throw new CovshimError(`${problems.length} of ${hosts.length} hosts cannot be measured (see above); nothing was changed`);
  }
  return plans.sort((a, b) => hosts.indexOf(a.host) - hosts.indexOf(b.host));
}

/** Puts the shim on every host; on any failure takes it off those done and throws. */
export async function enableHosts(d: Dirs, rec: InstallRecord, t: Target, plans: HostPlan[], expiresEpoch: number): Promise<HostRecord[]> {
  const dir = remoteHome(d, rec.id);
  const rcfile = remoteRcfile(d, rec.id);
  const dataDir = remoteDataDir(d, rec.id);
  const shim = join(t.shimDir!, "sitecustomize.py");
  const block = Buffer.from(renderBlock(renderShimCode(rcfile, expiresEpoch, dataDir), expiresEpoch)).toString("base64");
  const done: HostRecord[] = [];
  try {
    for (const p of plans) {
      await agent(p.host, t.python, "install", { dir, rcfile, rcText: p.rcText, dataDir, shim, block });
      done.push({ host: p.host, python: t.python, dir, shim, dataDir, state: "on" });
    }
  } catch (e) {
    for (const h of done) await agent(h.host, h.python, "remove", { dir: h.dir, shim: h.shim }).catch(() => undefined);
    throw e;
  }
  return done;
}

/** Takes the shim off every host not yet off; an unreachable host is remembered for the next `off`. */
export async function offHosts(rec: InstallRecord): Promise<{ off: string[]; failed: string[] }> {
  const off: string[] = [];
  const failed: string[] = [];
  for (const h of rec.hosts ?? []) {
    if (h.state === "off") continue;
    try {
      await agent(h.host, h.python, "remove", { dir: h.dir, shim: h.shim });
      h.state = "off";
      delete h.error;
      off.push(h.host);
    } catch (e) {
      h.state = "unreachable";
      h.error = (e as Error).message;
      failed.push(h.error);
    }
  }
  return { off, failed };
}

/** Brings each host's data files into the local data directory, named by host. */
export async function collectHosts(rec: InstallRecord): Promise<{ host: string; files: number; error?: string }[]> {
  const out: { host: string; files: number; error?: string }[] = [];
  mkdirSync(rec.dataDir, { recursive: true, mode: 0o700 });
  for (const h of rec.hosts ?? []) {
    try {
      const r = (await agent(h.host, h.python, "collect", { dataDir: h.dataDir })) as { files: Record<string, string> };
      const safeHost = h.host.replace(/[^A-Za-z0-9.-]/g, "_");
      for (const [name, b64] of Object.entries(r.files)) {
        writeFileSync(join(rec.dataDir, `.coverage.host-${safeHost}.${name.replace(/^\.coverage\./, "")}`), Buffer.from(b64, "base64"), { mode: 0o600 });
      }
      out.push({ host: h.host, files: Object.keys(r.files).length });
    } catch (e) {
      out.push({ host: h.host, files: 0, error: (e as Error).message });
    }
  }
  return out;
}
