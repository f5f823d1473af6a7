import { existsSync } from "node:fs";
import * as v from "valibot";
import { CovshimError } from "./errors.js";
import { parseDuration } from "./duration.js";
import { type Dirs, userConfigFiles } from "./paths.js";
import { CORES } from "./state/state.js";

const duration = v.pipe(
  v.string(),
  v.check((s) => {
    try {
      parseDuration(s);
      return true;
    } catch {
      return false;
    }
  }, "must be a duration like 30m, 8h or 1h30m"),
);
const stringList = v.union([v.string(), v.array(v.string())]);

const ConfigSchema = v.strictObject({
  target: v.optional(v.string()),
  warnAfter: v.optional(duration),
  warnEvery: v.optional(duration),
  ttl: v.optional(duration),
  omit: v.optional(stringList),
  source: v.optional(stringList),
  branch: v.optional(v.boolean()),
  core: v.optional(v.picklist(CORES)),
  dataDir: v.optional(v.string()),
  prompt: v.optional(v.string()),
  ps1: v.optional(v.boolean()),
  /** Previous runs kept when `enable` moves the data aside. */
  keepRuns: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
});
export type FileConfig = v.InferOutput<typeof ConfigSchema>;

export interface Config {
  target?: string;
  warnAfter: number;
  warnEvery: number;
  ttl: number;
  omit: string[];
  source: string[];
  branch: boolean;
  core: (typeof CORES)[number];
  dataDir?: string;
  prompt: string;
  ps1: boolean;
  keepRuns: number;
}

const DEFAULTS = { warnAfter: "1h", warnEvery: "30m", ttl: "8h", prompt: "cov:{name}" };

/** The configuration with no file: what `off` falls back on when a file is broken. */
export const defaultConfig = (): Config => resolveConfig({});

function resolveConfig(merged: FileConfig): Config {
  return {
    target: merged.target,
    warnAfter: parseDuration(merged.warnAfter ?? DEFAULTS.warnAfter),
    warnEvery: parseDuration(merged.warnEvery ?? DEFAULTS.warnEvery),
    ttl: parseDuration(merged.ttl ?? DEFAULTS.ttl),
    omit: list(merged.omit),
    source: list(merged.source),
    branch: merged.branch ?? false,
    core: merged.core ?? "auto",
    dataDir: merged.dataDir,
    prompt: merged.prompt ?? DEFAULTS.prompt,
    // The marker is a safety feature: on unless turned off.
    ps1: merged.ps1 ?? true,
    keepRuns: merged.keepRuns ?? 3,
  };
}

function validate(data: unknown, file: string): FileConfig {
  const r = v.safeParse(ConfigSchema, data ?? {});
  if (r.success) return r.output;
  const issue = r.issues[0]!;
  const key = issue.path?.map((p) => String(p.key)).join(".");
  if (issue.type === "strict_object" && key) throw new CovshimError(`${file}: unknown key '${key}'`);
  throw new CovshimError(`${file}: ${key ? `key '${key}' ` : ""}${issue.message}`);
}

/** "a, b" or ["a", "b"] -> ["a", "b"]: config values and --source/--omit alike. */
export const list = (x: string | string[] | undefined) =>
  x === undefined ? [] : (Array.isArray(x) ? x : x.split(",")).map((s) => s.trim()).filter(Boolean);

/** Per-user file first, then the project's (found upwards from cwd), which wins. */
export async function loadConfig(d: Dirs, cwd = process.cwd()): Promise<Config> {
  const mod = await import("cosmiconfig");
  // CommonJS package: the named export sits on default once bundled.
  const cosmiconfig = mod.cosmiconfig ?? (mod as unknown as { default: typeof mod }).default.cosmiconfig;
  const explorer = cosmiconfig("covshim", { searchStrategy: "global", cache: false });
  const merged: FileConfig = {};
  const files: string[] = [];
  for (const f of userConfigFiles(d)) {
    if (!existsSync(f)) continue;
    const r = await explorer.load(f).catch((e: Error) => {
      throw new CovshimError(`${f}: ${e.message.split("\n")[0]}`);
    });
    Object.assign(merged, validate(r?.config, f));
    files.push(f);
    break;
  }
  const project = cosmiconfig("covshim", { searchStrategy: "project", cache: false });
  const found = await project.search(cwd).catch((e: Error) => {
    throw new CovshimError(`covshim configuration: ${e.message.split("\n")[0]}`);
  });
  if (found && !found.isEmpty && !files.includes(found.filepath)) {
    Object.assign(merged, validate(found.config, found.filepath));
    files.push(found.filepath);
  }
  return resolveConfig(merged);
}
