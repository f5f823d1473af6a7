import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { CovshimError } from "../errors.js";
import { HostError, agent, fetchPacked, probeHost } from "./ssh.js";
import { eachHost } from "./fanout.js";
import type { Target } from "../install/target.js";
import { type Dirs, rcfileIn, remoteDataDir, remoteHome, remoteRcfile, shimModule } from "../paths.js";
import { type CoreChoice, chooseCore, renderRc, type RcOptions } from "../coverage/rcfile.js";
import { type RecorderConfig, renderLoader, shimModules } from "../shim/render.js";
import { blockFileText } from "../shim/lifecycle.js";
import { removal } from "../shim/block.js";
import { type RecorderChoice, chooseRecorder, recorderConfig } from "../shim/choose.js";
import type { Core, HostRecord, InstallRecord } from "../state/state.js";
import { blockers } from "../switch/blockers.js";
import { warn } from "../output.js";

export interface HostPlan {
  host: string;
  rcText: string;
  core: CoreChoice;
  /** Per host: a segment host with another Python may get the other recorder. */
  recorder: RecorderChoice;
  recorderConfig?: RecorderConfig;
}

const pathOf = (h: HostRecord) => h.pythonPath ?? [];

/** Probes every host before anything is written anywhere; each problem is named with its fix. */
export async function planHosts(d: Dirs, id: string, t: Target, hosts: string[], rc: Omit<RcOptions, "dataDir">, core: Core): Promise<HostPlan[]> {
  const results = await eachHost("probe", hosts, async (host) => {
    const p = await probeHost(host, t.python, t.pythonPath);
    const b = blockers(t, p)[0];
    if (b) throw new HostError(host, `${b.problem}; fix: ssh ${host} ${b.fix}`);
    // Per host: a segment host whose Python or coverage differs gets a coveragerc made for it.
    const c = chooseCore(p, core, rc.branch);
    const shimDir = t.shimDir!;
    const recorder = chooseRecorder(p, { core, branch: rc.branch, userRcfile: false });
    const recCfg = recorder.recorder === "covshim" ? recorderConfig(p, { source: rc.source, contexts: !!rc.contexts, shimDir, block: true }) : undefined;
    return { host, core: c, recorder, recorderConfig: recCfg, rcText: renderRc(p, { ...rc, dataDir: remoteDataDir(d, id) }, c) };
  });
  const problems = results.flatMap((r) => (r.error ? [r.error.message] : []));
  if (problems.length) {
    problems.sort().forEach((p) => warn(p));
    throw new CovshimError(`${problems.length} of ${hosts.length} hosts cannot be measured (see above); nothing was changed`);
  }
  return results.map((r) => r.value!);
}

/** Puts the shim on every host; on any failure takes it off those done and throws. */
export async function enableHosts(d: Dirs, rec: InstallRecord, t: Target, plans: HostPlan[], expiresEpoch: number): Promise<HostRecord[]> {
  const dir = remoteHome(d, rec.id);
  const rcfile = remoteRcfile(d, rec.id);
  const dataDir = remoteDataDir(d, rec.id);
  const shim = join(t.shimDir!, "sitecustomize.py");
  const module = shimModule(dir);
  const results = await eachHost("enable", plans.map((p) => p.host), async (host, i) => {
    const modules = shimModules(dir, { rcfile, dataDir, expiresEpoch, recorder: plans[i]!.recorderConfig });
    // The host saves its file and sends it; the text while on is made here, by the local rules.
    const saved = await agent(host, t.python, t.pythonPath, "install", { dir, rcfile, rcText: plans[i]!.rcText, modules, dataDir, shim });
    const text = blockFileText(fromB64(saved.original), renderLoader(module), expiresEpoch);
    await agent(host, t.python, t.pythonPath, "put", { dir, shim, text: Buffer.from(text).toString("base64") });
    return { host, python: t.python, pythonPath: t.pythonPath, dir, shim, dataDir, state: "on" } satisfies HostRecord as HostRecord;
  });
  const failed = results.find((r) => r.error);
  if (failed) {
    const done = results.flatMap((r) => (r.value ? [r.value] : []));
    await eachHost("undo", done.map((h) => h.host), (_host, i) => removeOnHost(done[i]!));
    throw failed.error!;
  }
  return results.map((r) => r.value!);
}

const fromB64 = (v: unknown) => (typeof v === "string" ? Buffer.from(v, "base64").toString("utf8") : null);

/**
 * Off on one host: the host sends its file and the saved one, the local rules
 * (src/shim/block.ts's `removal`) decide, the host does it and puts back its
 * .pyc files and directory times.
 */
async function removeOnHost(h: HostRecord): Promise<Record<string, unknown>> {
  const seen = await agent(h.host, h.python, pathOf(h), "read", { dir: h.dir, shim: h.shim });
  const current = fromB64(seen.current);
  const r = seen.saved && current !== null ? removal(current, fromB64(seen.original)) : { action: "none" as const };
  const text = r.action === "strip" ? Buffer.from(r.text).toString("base64") : undefined;
  return agent(h.host, h.python, pathOf(h), "remove", { dir: h.dir, shim: h.shim, action: r.action, text });
}

/** Takes the shim off every host not yet off; an unreachable host is remembered for the next `off`. */
export async function offHosts(rec: InstallRecord): Promise<{ off: string[]; failed: string[] }> {
  const todo = (rec.hosts ?? []).filter((h) => h.state !== "off");
  const results = await eachHost("off", todo.map((h) => h.host), (_host, i) => removeOnHost(todo[i]!));
  const off: string[] = [];
  const failed: string[] = [];
  results.forEach((r, i) => {
    const h = todo[i]!;
    if (r.error) {
      h.state = "unreachable";
      h.error = r.error.message;
      failed.push(h.error);
    } else {
      h.state = "off";
      delete h.error;
      off.push(h.host);
    }
  });
  return { off, failed };
}

export interface Collected {
  host: string;
  files: number;
  rawBytes: number;
  wireBytes: number;
  unreadable: string[];
  error?: string;
}

const mb = (n: number) => `${(n / 1e6).toFixed(n < 1e7 ? 1 : 0)} MB`;

/**
 * Each host combines its own data (with its own coverage) and streams one
 * file here; its data files leave it only after that file is on disk here
 * (`ack`). A collect cut short is resumed by the next one under the same id:
 * the same file name here, so nothing comes twice. `save` persists the
 * host records after every change of a host's collect.
 */
export async function collectHosts(rec: InstallRecord, save: () => Promise<void>): Promise<Collected[]> {
  mkdirSync(rec.dataDir, { recursive: true, mode: 0o700 });
  const hosts = rec.hosts ?? [];
  let wire = 0;
  // One save at a time, in order: host steps finish concurrently.
  let saving = Promise.resolve();
  const persist = () => (saving = saving.then(save));
  const one = async (h: HostRecord): Promise<Collected> => {
    const safeHost = h.host.replace(/[^A-Za-z0-9.-]/g, "_");
    const total: Collected = { host: h.host, files: 0, rawBytes: 0, wireBytes: 0, unreadable: [] };
    // A collect left unfinished first, then one for what came since.
    for (let round = 0; round < 2; round++) {
      const resumed = !!h.collecting;
      if (!h.collecting) {
        h.collecting = { id: `${Date.now().toString(36)}-${randomBytes(4).toString("hex")}`, received: false };
        await persist();
      }
      const c = h.collecting;
      const args = { dataDir: h.dataDir, id: c.id, rcfile: rcfileIn(h.dir) };
      if (!c.received) {
        const dest = join(rec.dataDir, `.coverage.host-${safeHost}.collect-${c.id}`);
        const r = await fetchPacked(h.host, h.python, pathOf(h), args, dest, (n) => (wire += n));
        total.files += Number(r.header.files ?? 0);
        total.rawBytes += Number(r.header.rawBytes ?? 0);
        total.wireBytes += r.wireBytes;
        total.unreadable.push(...((r.header.unreadable as string[] | undefined) ?? []));
        c.received = true;
        await persist();
      }
      await agent(h.host, h.python, pathOf(h), "ack", args);
      delete h.collecting;
      h.collected = { at: new Date().toISOString(), files: total.files, rawBytes: total.rawBytes, wireBytes: total.wireBytes };
      await persist();
      if (!resumed) break;
    }
    return total;
  };
  const results = await eachHost("collect", hosts.map((h) => h.host), (_host, i) => one(hosts[i]!), { extra: () => `, ${mb(wire)}` });
  await saving;
  return results.map((r, i) => r.value ?? { host: hosts[i]!.host, files: 0, rawBytes: 0, wireBytes: 0, unreadable: [], error: r.error!.message });
}
