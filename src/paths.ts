import { join } from "node:path";
import { homedir } from "node:os";

export interface Dirs {
  config: string;
  data: string;
  state: string;
}

/**
 * Where covshim keeps its files. COVSHIM_HOME puts everything under one
 * directory (tests, and users who want it); otherwise the XDG layout that
 * env-paths gives, computed here without loading it so `status` stays cheap.
 */
export function dirs(env: NodeJS.ProcessEnv = process.env): Dirs {
  const home = env.COVSHIM_HOME;
  if (home) return { config: join(home, "config"), data: join(home, "data"), state: join(home, "state") };
  const h = env.HOME || homedir();
  return {
    config: join(env.XDG_CONFIG_HOME || join(h, ".config"), "covshim"),
    data: join(env.XDG_DATA_HOME || join(h, ".local", "share"), "covshim"),
    state: join(env.XDG_STATE_HOME || join(h, ".local", "state"), "covshim"),
  };
}

export const stateFile = (d: Dirs) => join(d.state, "state.json");
export const touchedFile = (d: Dirs) => join(d.state, "touched.log");
/** The small file the shell hooks read with builtins at every prompt. */
export const shellFile = (d: Dirs) => join(d.state, "shell.env");
export const installDir = (d: Dirs, id: string) => join(d.data, "installs", id);
