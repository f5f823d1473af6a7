import { join } from "node:path";
import envPaths from "env-paths";

export interface Dirs {
  config: string;
  data: string;
  state: string;
}

/**
 * Where covshim keeps its files: env-paths' per-user directories (XDG
 * variables honoured); COVSHIM_HOME puts everything under one directory.
 */
export function dirs(env: NodeJS.ProcessEnv = process.env): Dirs {
  const home = env.COVSHIM_HOME;
  if (home) return { config: join(home, "config"), data: join(home, "data"), state: join(home, "state") };
  const p = envPaths("covshim", { suffix: "" });
  // On Linux env-paths' "log" directory is XDG_STATE_HOME/covshim: the state's place.
  return { config: p.config, data: p.data, state: p.log };
}

export const stateFile = (d: Dirs) => join(d.state, "state.json");
export const touchedFile = (d: Dirs) => join(d.state, "touched.log");
/** The small file the shell hooks read with builtins at every prompt. */
export const shellFile = (d: Dirs) => join(d.state, "shell.env");
export const installDir = (d: Dirs, id: string) => join(d.data, "installs", id);
