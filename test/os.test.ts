import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./helpers/tools.js";

/**
 * What covshim runs on the user's machine besides Node: every command a code
 * path of src/ or templates/ starts is in docs/os.md's table, and every file
 * that reads /proc (Linux only) is named there with what it does without.
 * A new call site fails here until docs/os.md says what it does on macOS.
 */
const DOC = readFileSync(join(ROOT, "docs", "os.md"), "utf8");

function files(dir: string, ext: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p, ext) : p.endsWith(ext) ? [p] : [];
  });
}

/** The first argument of every call that starts a process in src/: a command name or an expression. */
function tsCommands(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const f of files(join(ROOT, "src"), ".ts")) {
    const text = readFileSync(f, "utf8");
    // A shell string would hide its commands from this check.
    expect(text, relative(ROOT, f)).not.toMatch(/\b(execSync|child_process\.exec|\{\s*exec\s*[,}])/);
    for (const m of text.matchAll(/\b(?:spawn|spawnSync|execFile|execFileSync|execa|execaSync)\(\s*("([^"]+)"|[^,)]+)/g)) {
      const what = m[2] ?? m[1]!.trim();
      out.set(what, [...(out.get(what) ?? []), relative(ROOT, f)]);
    }
  }
  return out;
}

/** Commands the Python templates start: the first element of a subprocess argv, or os.system/os.popen. */
function pyCommands(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const f of files(join(ROOT, "templates"), ".py")) {
    const text = readFileSync(f, "utf8");
    for (const m of text.matchAll(/\b(?:subprocess\.\w+|Popen)\(\s*\[\s*("([^"]+)"|[\w.]+)/g)) {
      const what = m[2] ?? m[1]!;
      out.set(what, [...(out.get(what) ?? []), relative(ROOT, f)]);
    }
    for (const m of text.matchAll(/\bos\.(?:system|popen|exec\w*|spawn\w*)\(\s*([^\n]{0,60})/g)) {
      const what = /sys\.executable/.test(m[1]!) ? "sys.executable" : m[1]!;
      out.set(what, [...(out.get(what) ?? []), relative(ROOT, f)]);
    }
  }
  return out;
}

/** The table of commands in docs/os.md: per row, every `name` in its first cell. */
function documented(): string[][] {
  const section = DOC.slice(DOC.indexOf("## Commands covshim starts"), DOC.indexOf("## `/proc`"));
  return section
    .split("\n")
    .filter((l) => l.startsWith("| ") && !l.startsWith("| ---") && !l.startsWith("| command"))
    .map((row) => [...row.split("|")[1]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!));
}

describe("docs/os.md lists every place covshim depends on the operating system", () => {
  it("every command started by src/ and templates/ is in its table, and every row is still used", () => {
    const rows = documented();
    const doc = new Set(rows.flat());
    const used = new Map([...tsCommands(), ...pyCommands()]);
    expect(used.size).toBeGreaterThan(5);
    const missing = [...used].filter(([what]) => !doc.has(what)).map(([what, where]) => `${what} (${[...new Set(where)].join(", ")})`);
    expect(missing).toEqual([]);
    // A row none of whose names is started any more is stale.
    expect(rows.filter((names) => !names.some((n) => used.has(n)))).toEqual([]);
    // Each row names the files that start it.
    for (const [what, where] of used) {
      const row = DOC.split("\n").find((l) => l.startsWith("| ") && l.split("|")[1]!.includes(`\`${what}\``))!;
      for (const f of new Set(where)) expect(row, `${what} in ${f}`).toContain(f.startsWith("templates/demo/") ? "templates/demo/" : f);
    }
  });

  it("every file that reads /proc is named in its /proc section", () => {
    const section = DOC.slice(DOC.indexOf("## `/proc`"), DOC.indexOf("## Shells"));
    const readers = [...files(join(ROOT, "src"), ".ts"), ...files(join(ROOT, "templates"), ".py"), ...files(join(ROOT, "shell"), "")]
      .filter((f) => /["'\s<(]\/proc\//.test(readFileSync(f, "utf8").split("\n").filter((l) => !/^\s*(#|\/\/|\*)/.test(l)).join("\n")))
      .map((f) => relative(ROOT, f));
    expect(readers.length).toBeGreaterThan(0);
    for (const r of readers) expect(section, r).toContain(`\`${r}\``);
  });
});
