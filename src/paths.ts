import { join, resolve } from "node:path";
import envPaths from "env-paths";

export interface Dirs {
  config: string;
  data: string;
  state: string;
}

/**
 * Every place covshim keeps a file of its own is named here and nowhere else.
 * env-paths' per-user directories (XDG variables honoured); COVSHIM_HOME puts
 * everything under one directory.
 */
export function dirs(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): Dirs {
  const home = env.COVSHIM_HOME;
  if (home) return { config: join(home, "config"), data: join(home, "data"), state: join(home, "state") };
  const p = envPaths("covshim", { suffix: "" });
  // On Linux env-paths' "log" directory is XDG_STATE_HOME/covshim: the state's
  // place. On macOS it is ~/Library/Logs, which is no place for state: there
  // the state sits in ~/Library/Application Support/covshim/state (docs/os.md).
  if (platform === "darwin") return { config: p.config, data: p.data, state: join(p.data, "state") };
  return { config: p.config, data: p.data, state: p.log };
}

export const stateFile = (d: Dirs) => join(d.state, "state.json");
export const lockFile = (d: Dirs) => join(d.state, "state.json.lock");
export const touchedFile = (d: Dirs) => join(d.state, "touched.log");
/** The small file the shell hooks read with builtins at every prompt (docs/shells.md). */
export const shellFile = (d: Dirs) => join(d.state, "shell.env");
/** The per-user configuration files, in the order they are looked for. */
export const userConfigFiles = (d: Dirs) => ["config.json", "config.yaml", "config.yml", "config.js"].map((n) => join(d.config, n));

/** Everything covshim keeps for one install. */
export const installHome = (d: Dirs, id: string) => join(d.data, "installs", id);
export const generatedRcfile = (d: Dirs, id: string) => join(installHome(d, id), "coveragerc");
/**
 * The shim's module (templates/shim/), beside an install's coveragerc in
 * covshim's own directory for it (installHome, the shared place of --group,
 * remoteHome on a host): the install itself holds only its loader.
 */
export const shimModule = (home: string) => join(home, "shim.py");
/** coverage.py's starter, loaded by the shim's module where coverage.py measures. */
export const starterModule = (home: string) => join(home, "starter.py");
/** covshim's recorder, loaded by the shim's module where it measures (Python 3.12+). */
export const recorderModule = (home: string) => join(home, "recorder.py");
/** What keeps coverage's own a1_coverage.pth from starting coverage.py beside the recorder, where the install has one after the shim. */
export const standinModule = (home: string) => join(home, "standin.py");
/** The config key `dataDir` moves every install's data under one directory. */
export const dataDirOf = (d: Dirs, id: string, configured?: string) => (configured ? join(resolve(configured), id) : join(installHome(d, id), "data"));
export const backupDir = (d: Dirs, id: string, stamp: number) => join(installHome(d, id), "backup", String(stamp));
export const reportsDir = (d: Dirs, id: string) => join(installHome(d, id), "reports");
export const savedReport = (d: Dirs, id: string, name: string) => join(reportsDir(d, id), `${name}.json`);
/** The measured files' source as it was when the report was saved: `diff` follows lines across edits with it. */
export const savedSources = (d: Dirs, id: string, name: string) => join(reportsDir(d, id), `${name}.sources`);

/**
 * With `enable --group G`: the coveragerc and data that other users' processes
 * must reach, where they can (a user's own directories are private), under
 * /var/tmp so that a reboot keeps the data. COVSHIM_SHARED moves it (tests).
 */
export const sharedHome = (id: string, env: NodeJS.ProcessEnv = process.env) =>
  join(env.COVSHIM_SHARED ?? "/var/tmp", `covshim-${process.getuid?.() ?? "user"}`, id);

/** On a cluster host: the same path as locally (same user, same layout). */
export const remoteHome = (d: Dirs, id: string) => join(d.data, "remote", id);
/** The coveragerc in covshim's directory for an install (here or on a host). */
export const rcfileIn = (home: string) => join(home, "coveragerc");
export const remoteRcfile = (d: Dirs, id: string) => rcfileIn(remoteHome(d, id));
export const remoteDataDir = (d: Dirs, id: string) => join(remoteHome(d, id), "data");

/**
 * OpenSSH control sockets of one covshim process (src/cluster/mux.ts), under
 * the state directory so that a covshim killed mid-command leaves them where
 * the next one sweeps them, not in /tmp.
 */
export const sshControlRoot = (d: Dirs) => join(d.state, "ssh");
export const sshControlDir = (d: Dirs, pid: number) => join(sshControlRoot(d), String(pid));
