import { usageError } from "../errors.js";
/**
 * What a command declares about itself, next to its action: name, arguments,
 * options, help. `cli.ts` registers every spec with commander; `bin.ts`
 * answers the frequent ones from the same spec without loading commander.
 */
export interface OptionSpec {
  /** commander syntax: "--json", "--fail-under <n>", "--shell <shell>" */
  flags: string;
  help: string;
}

export interface CommandSpec {
  name: string;
  /** commander syntax: "[target]", "<shell>", "<base> [head]" */
  args?: string;
  summary: string;
  /** More help, shown under the usage line. */
  details?: string;
  examples?: string[];
  options?: OptionSpec[];
  /** Everything after the first `--` is the command to run (`covshim run`). */
  passThrough?: boolean;
  action(args: (string | undefined)[], opts: Record<string, unknown>, rest: string[]): Promise<void>;
}

/** What a TARGET can be: said once, shown by every command that takes one. */
export const TARGET_HELP =
  "TARGET is a GPDB install (a directory with greenplum_path.sh), a venv, a python interpreter, a directory on PYTHONPATH, or the name of an install covshim knows. Without TARGET: the config's `target`, else the one install that is on, else $GPHOME, else $VIRTUAL_ENV.";

const camel = (flag: string) => flag.replace(/^--/, "").replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());

/**
 * Parses argv for a command whose options are flags, or flags with an
 * optional value (`--json [file]`: the next word, if it is not an option),
 * as commander would; null for anything else (help, required values,
 * unknown options), which then goes to the full CLI.
 */
export function fastParse(spec: CommandSpec, argv: string[]): { args: (string | undefined)[]; opts: Record<string, unknown> } | null {
  const flags = new Map<string, { key: string; optional: boolean }>();
  for (const o of spec.options ?? []) {
    if (/</.test(o.flags)) continue;
    const optional = /\[/.test(o.flags);
    for (const f of o.flags.split(/[ ,]+/)) if (f.startsWith("--")) flags.set(f, { key: camel(f), optional });
  }
  const opts: Record<string, unknown> = {};
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith("-")) {
      const flag = flags.get(a);
      if (!flag) return null;
      const next = argv[i + 1];
      if (flag.optional && next !== undefined && (next === "-" || !next.startsWith("-"))) {
        opts[flag.key] = next;
        i++;
      } else opts[flag.key] = true;
    } else args.push(a);
  }
  const params = (spec.args ?? "").split(/\s+/).filter(Boolean);
  const required = params.filter((p) => p.startsWith("<")).length;
  if (args.length < required || args.length > params.length) return null;
  return { args: params.map((_p, i) => args[i]), opts };
}

/** A percent option (--fail-under and its kind): undefined when not given. */
export function percentArg(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === "" || !Number.isFinite(n) || n < 0 || n > 100) throw usageError(`invalid ${flag} '${v}': a percent from 0 to 100`);
  return n;
}
