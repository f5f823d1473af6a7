import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { allCommands } from "../../src/commands/index.js";
import { type CommandSpec, fastParse } from "../../src/commands/spec.js";

/** What commander makes of `argv` for this command: its arguments and options, or null where it refuses. */
function commander(spec: CommandSpec, argv: string[]) {
  let got: { args: (string | undefined)[]; opts: Record<string, unknown> } | null = null;
  const program = new Command("covshim").exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
  const c = program.command(spec.args ? `${spec.name} ${spec.args}` : spec.name).exitOverride();
  for (const o of spec.options ?? []) c.option(o.flags, o.help);
  c.action((...a: unknown[]) => {
    got = { args: a.slice(0, -2) as (string | undefined)[], opts: { ...(a[a.length - 2] as Record<string, unknown>) } };
  });
  try {
    program.parse([spec.name, ...argv], { from: "user" });
  } catch {
    return null;
  }
  return got;
}

/** Words a user may give a command: none, its arguments (one too many), each option with and without a value, help, mistakes. */
function cases(spec: CommandSpec): string[][] {
  const params = (spec.args ?? "").split(/\s+/).filter(Boolean);
  const words = ["x", "y", "z"].slice(0, params.length + 1);
  const out: string[][] = [[], ["--help"], ["-h"], ["--bogus"], ["-"], ["--"]];
  for (let n = 0; n <= words.length; n++) out.push(words.slice(0, n));
  for (const o of spec.options ?? []) {
    const flag = o.flags.split(/[ ,]+/).find((f) => f.startsWith("--"))!;
    for (const tail of [[], ["v"], ["-"], ["--bogus"], ["v", "x"]]) {
      out.push([flag, ...tail], ["x", flag, ...tail], [flag, ...tail, "x"]);
    }
  }
  return out;
}

describe("a command's own parse (fastParse) and commander's", () => {
  it("agree on every command's words wherever the own parse answers, and it answers the plain ones", async () => {
    let answered = 0;
    for (const spec of await allCommands()) {
      for (const argv of cases(spec)) {
        const own = fastParse(spec, argv);
        if (own === null) continue;
        answered++;
        expect(commander(spec, argv), `${spec.name} ${argv.join(" ")}`).toEqual(own);
      }
      // The words a prompt, a script or a CI job gives most: the command alone.
      if (!(spec.args ?? "").includes("<")) expect(fastParse(spec, []), spec.name).not.toBeNull();
    }
    expect(answered).toBeGreaterThan(100);
  });
});
