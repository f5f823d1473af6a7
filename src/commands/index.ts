import type { CommandSpec } from "./spec.js";

/**
 * The one list of commands, in the order help shows them. Each is loaded
 * only when asked for: a command's module, with what it alone imports, is a
 * chunk of its own in the bundle (scripts/build.mjs), so `covshim report`
 * compiles report's code and not enable's or diff's.
 */
export const COMMANDS: Record<string, () => Promise<CommandSpec>> = {
  enable: async () => (await import("./enable.js")).enable,
  off: async () => (await import("./off.js")).off,
  status: async () => (await import("./status.js")).status,
  env: async () => (await import("./env.js")).env,
  hook: async () => (await import("./hook.js")).hook,
  doctor: async () => (await import("./doctor.js")).doctor,
  report: async () => (await import("./report.js")).report,
  diff: async () => (await import("./diff.js")).diff,
  tests: async () => (await import("./tests.js")).tests,
  run: async () => (await import("./run.js")).run,
  collect: async () => (await import("./collect.js")).collect,
  data: async () => (await import("./data.js")).data,
  demo: async () => (await import("./demo.js")).demo,
};

/** Every command's declaration: for help, and for commander's suggestions after a mistyped name. */
export const allCommands = (): Promise<CommandSpec[]> => Promise.all(Object.values(COMMANDS).map((load) => load()));
