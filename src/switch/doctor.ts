import { readdirSync, realpathSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import type { Config } from "../config.js";
import { probeHost, readHostfile } from "../cluster/ssh.js";
import { eachHost } from "../cluster/fanout.js";
import { chooseCore } from "../coverage/rcfile.js";
import { probe } from "../install/probe.js";
import { interpreterName, resolveTarget } from "../install/target.js";
import { envView } from "../shells/variable.js";
import type { State } from "../state/state.js";
import { blockers, usesBlock } from "./blockers.js";
import { chooseRecorder } from "../shim/choose.js";
import { otherStarters } from "./others.js";
import { readWarnings, warningSummary, warningsLog } from "../coverage/warnlog.js";

const realOr = (p: string) => {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
};

export interface Finding {
  level: "ok" | "warn" | "block";
  text: string;
  fix?: string;
}

/** Everything that would stop or spoil measurement, each with its fix. Writes nothing. */
export async function diagnose(state: State | undefined, cfg: Config, target: string | undefined, o: { python?: string; hosts?: string }): Promise<Finding[]> {
  const findings: Finding[] = [];
  const env = envView();
  if (env.COVERAGE_PROCESS_START && !env.setByCovshim) {
    findings.push({ level: "warn", text: `COVERAGE_PROCESS_START=${env.COVERAGE_PROCESS_START} is set, not by covshim`, fix: "unset COVERAGE_PROCESS_START" });
  }
  const tmp = tmpdir();
  const leftovers = (() => {
    try {
      return readdirSync(tmp).filter((n) => n.startsWith("coverage-data") || n.startsWith(".coverage."));
    } catch {
      return [];
    }
  })();
  if (leftovers.length) {
    findings.push({ level: "warn", text: `${leftovers.length} data files of the hand procedure in ${tmp} (${leftovers.slice(0, 3).join(", ")}${leftovers.length > 3 ? ", ..." : ""})`, fix: `rm ${tmp}/coverage-data* ${tmp}/.coverage.*` });
  }
  const haveTarget = target ?? cfg.target ?? process.env.GPHOME ?? process.env.VIRTUAL_ENV;
  if (!haveTarget) {
    findings.push({ level: "warn", text: "no install named: give a TARGET to check it (or set GPHOME / activate a venv)" });
    return findings;
  }
  // The interpreter `enable` would use now (PATH decides for GPDB 7 and dir
  // installs), which is the one to check, and a word when the install was
  // enabled with another.
  const t = resolveTarget(target, { python: o.python, state, configTarget: cfg.target });
  const enabledWith = state ? Object.values(state.installs).find((i) => i.path === t.path)?.python : undefined;
  const p = await probe(t.python, { pythonPath: t.pythonPath, env: t.env });
  findings.push({ level: "ok", text: `${t.kind} install ${t.path}: Python ${p.version} (${p.executable})` });
  if (enabledWith && realOr(enabledWith) !== realOr(t.python)) {
    const name = interpreterName(t.kind, t.path, t.python);
    findings.push({
      level: "warn",
      text: `enabled with ${enabledWith}, but enable would now use ${t.python}${o.python ? "" : ` (${name} on this shell's PATH)`}: processes of the one not enabled are not measured`,
      fix: `covshim enable ${t.path} --python ${t.python}, or put ${dirname(enabledWith)} first on PATH`,
    });
  }
  for (const n of t.notes) findings.push({ level: "warn", text: n });
  for (const b of blockers(t, p)) findings.push({ level: "block", text: b.problem, fix: b.fix });
  if (p.coverage.importable) {
    findings.push({ level: "ok", text: `coverage ${p.coverage.version} (${p.coverage.ctrace ? "C tracer" : "no C tracer"}${p.hasSysMonitoring ? ", sys.monitoring" : ""})` });
    const r = chooseRecorder(p, { core: cfg.core, branch: cfg.branch, userRcfile: false });
    if (r.recorder === "covshim") findings.push({ level: "ok", text: `recorder: covshim's own (${r.why})` });
    else {
      try {
        const c = chooseCore(p, cfg.core, cfg.branch);
        findings.push({ level: c.warning ? "warn" : "ok", text: c.warning ?? `recorder: coverage.py, core ${c.core} (${r.why})` });
      } catch (e) {
        findings.push({ level: "block", text: (e as Error).message });
      }
      // What coverage.py's collector cannot do, whatever covshim does (docs/reliability.md).
      findings.push({
        level: "warn",
        text: "with coverage.py's collector a process killed by a signal (SIGTERM, SIGKILL) keeps only what it saved before: multiprocessing children save whenever they hand something on, other processes only at their end; and a fork child's first frame, the one that called fork(), is not measured in the child",
        fix: p.hasSysMonitoring ? "let core auto choose: covshim's recorder loses nothing" : "measure with Python 3.12 or newer, where covshim's recorder loses nothing",
      });
    }
  }
  const rec = state ? Object.values(state.installs).find((i) => i.path === t.path) : undefined;
  const shimFile = usesBlock(t) ? join(t.shimDir!, "sitecustomize.py") : undefined;
  for (const s of otherStarters(p, shimFile && !(rec?.enabled && rec.shim?.path === shimFile) ? shimFile : undefined)) {
    findings.push({ level: s.fine ? "ok" : "warn", text: s.text, fix: s.fix });
  }
  if (rec?.enabled && rec.shim?.backup && shimFile) {
    for (const s of otherStarters({ ...p, coveragePths: [] }, rec.shim.backup)) findings.push({ level: "warn", text: s.text.replace(rec.shim.backup, shimFile), fix: s.fix?.replace(rec.shim.backup, shimFile) });
  }
  if (rec?.enabled) findings.push({ level: "ok", text: `measured users: ${rec.group ? `you and the members of group ${rec.group}` : "you only (other users' processes run unmeasured)"}` });
  const logged = rec ? warningSummary(readWarnings(rec.dataDir)) : undefined;
  if (logged) findings.push({ level: "warn", text: `${logged} (${warningsLog(rec!.dataDir)})` });
  // Cluster hosts: from --hosts, else those this install was enabled on.
  const known = state ? Object.values(state.installs).find((i) => i.path === t.path)?.hosts?.map((h) => h.host) : undefined;
  const hosts = o.hosts ? readHostfile(resolve(o.hosts)) : known;
  const probed = await eachHost("doctor", hosts ?? [], (host) => probeHost(host, t.python, t.pythonPath));
  for (const { item: host, value: hp, error } of probed) {
    if (error) {
      findings.push({ level: "block", text: error.message, fix: `check that 'ssh -o BatchMode=yes ${host} true' works` });
      continue;
    }
    const bs = blockers(t, hp);
    if (!bs.length) findings.push({ level: "ok", text: `host ${host}: Python ${hp.version}, coverage ${hp.coverage.version}` });
    for (const b of bs) findings.push({ level: "block", text: `host ${host}: ${b.problem}`, fix: `ssh ${host} ${b.fix}` });
  }
  return findings;
}
