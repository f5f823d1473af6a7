import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, relative, resolve, sep } from "node:path";
import { CovshimError, usageError } from "../errors.js";
import { type Change, parseDiff } from "./changed.js";

/** `FROM=TO`: measured files under FROM (an installed copy) are the checkout's files under TO. */
export interface PathMap {
  from: string;
  to: string;
}

/** --map FROM=TO[,FROM=TO...] (diff --changed, tests). */
export function parseMaps(text: string | undefined): PathMap[] {
  return (text ?? "").split(",").filter(Boolean).map((m) => {
    const at = m.indexOf("=");
    if (at <= 0 || at === m.length - 1) throw usageError(`--map takes FROM=TO, not '${m}'`);
    return { from: resolve(m.slice(0, at)), to: resolve(m.slice(at + 1)) };
  });
}

export const git = (cwd: string, args: string[]) => execFileSync("git", ["-c", "core.quotePath=false", ...args], { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 256 * 2 ** 20 });

export function tryGit(cwd: string, args: string[], trim = true): string | null {
  try {
    const text = git(cwd, args);
    return trim ? text.trim() : text;
  } catch {
    return null;
  }
}

/** Where a measured file stands in a checkout: through the maps first, then as it is. */
function checkoutPath(file: string, maps: PathMap[]): string {
  for (const m of maps) {
    const rel = relative(m.from, file);
    if (!rel.startsWith("..") && !rel.startsWith(sep) && rel !== "") return `${m.to}${sep}${rel}`;
  }
  return file;
}

/** The measured path of a checkout's file: the maps read backwards. */
export function measuredPath(checkout: string, maps: PathMap[]): string {
  for (const m of maps) {
    const rel = relative(m.to, checkout);
    if (!rel.startsWith("..") && !rel.startsWith(sep) && rel !== "") return `${m.from}${sep}${rel}`;
  }
  return checkout;
}

/** Every file the change touches, as the reports name it. */
export const changedPaths = (repos: RepoChange[], maps: PathMap[]) => repos.flatMap((g) => [...g.change.keys()].map((p) => measuredPath(`${g.top}${sep}${p.split("/").join(sep)}`, maps)));

export interface RepoChange {
  top: string;
  ref: string;
  change: Change;
}

/**
 * The change of every repository that holds a measured file: REF (default:
 * the merge base with the branch's upstream, else HEAD) against the work
 * tree, untracked files counting as wholly added. Repositories in `known`
 * (an earlier call's) are not read again.
 */
export function gitChange(files: string[], ref: string | undefined, maps: PathMap[], known: RepoChange[] = []): { repos: RepoChange[]; files: { path: string; repoPath: string; top: string }[] } {
  const tops = new Map<string, string | null>();
  const placed: { path: string; repoPath: string; top: string }[] = [];
  for (const path of files) {
    const at = checkoutPath(path, maps);
    const dir = dirname(at);
    if (!tops.has(dir)) tops.set(dir, existsSync(dir) ? tryGit(dir, ["rev-parse", "--show-toplevel"]) : null);
    const top = tops.get(dir);
    if (top) placed.push({ path, repoPath: relative(top, at).split(sep).join("/"), top });
  }
  const repos: RepoChange[] = [];
  for (const top of new Set(placed.map((p) => p.top))) {
    const had = known.find((k) => k.top === top);
    if (had) {
      repos.push(had);
      continue;
    }
    let r = ref;
    if (r === undefined) {
      const upstream = tryGit(top, ["rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{upstream}"]);
      r = (upstream && tryGit(top, ["merge-base", "HEAD", upstream])) || "HEAD";
    }
    if (tryGit(top, ["rev-parse", "--verify", "--quiet", `${r}^{commit}`]) === null) throw new CovshimError(`--changed: '${r}' is not a commit in ${top}`);
    const change = parseDiff(git(top, ["diff", "-U0", "--no-color", "--no-ext-diff", "--no-renames", r, "--"]));
    // Untracked: new source, not the bytecode Python caches beside it.
    for (const f of (tryGit(top, ["ls-files", "--others", "--exclude-standard"]) ?? "").split("\n").filter((n) => n && !/(^|\/)__pycache__\/|\.py[co]$/.test(n))) {
      const n = readFileSync(`${top}${sep}${f}`, "utf8").split("\n").length - 1;
      change.set(f, [{ a: 0, b: 0, c: 1, d: Math.max(n, 1) }]);
    }
    repos.push({ top, ref: r, change });
  }
  if (!placed.length) throw new CovshimError("--changed: none of the measured files is in a git work tree (an installed copy? map it onto the checkout with --map INSTALLED=CHECKOUT)");
  return { repos, files: placed };
}
