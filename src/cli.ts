import { printError } from "./errors.js";
import { MACHINE_RULE } from "./output.js";
import { VERSION } from "./version.js";
import { COMMANDS, allCommands } from "./commands/index.js";
import { fastParse } from "./commands/spec.js";
import { closeConnections } from "./cluster/mux.js";

/** The full CLI (commander); `bin.ts` sends here what its fast path does not take. */
export async function cli(argv: string[]): Promise<void> {
  try {
    await main(argv);
  } catch (e) {
    printError(e);
  } finally {
    // Success or not, no OpenSSH master of this command outlives it.
    await closeConnections();
  }
}

async function main(argv: string[]): Promise<void> {
  // `run [TARGET] -- CMD ...`: everything after the first `--` is the command,
  // so `covshim run -- python x.py` is not read as TARGET=python.
  let rest: string[] = [];
  const load = Object.hasOwn(COMMANDS, argv[0] ?? "") ? COMMANDS[argv[0]!] : undefined;
  const one = load && (await load());
  if (one?.passThrough && argv.includes("--")) {
    rest = argv.slice(argv.indexOf("--") + 1);
    argv = argv.slice(0, argv.indexOf("--"));
  }
  // A command whose own declaration parses its words as commander would
  // (commands/spec.ts, checked against commander by test/commands/spec.test.ts)
  // runs without loading commander; help, values and mistakes go to commander.
  const parsed = one && fastParse(one, argv.slice(1));
  if (one && parsed) {
    await one.action(parsed.args, parsed.opts, rest);
    return;
  }
  const { Command, CommanderError } = await import("commander");
  const program = new Command("covshim")
    .description("Turn coverage.py measurement of every Python process of an install on and off safely")
    .version(VERSION, "-v, --version")
    .exitOverride()
    // Errors on one line, the suggestion included.
    .configureOutput({ writeErr: (s) => process.stderr.write(s.startsWith("error:") ? `covshim: ${s.trim().replace(/\s*\n+\s*/g, " ")}\n` : s) })
    .showSuggestionAfterError(true);

  program.addHelpText(
    "after",
    [
      "",
      "Quick start:",
      '  eval "$(covshim hook bash)"     # once, in ~/.bashrc (zsh: hook zsh; fish: covshim hook fish | source)',
      "  covshim enable $GPHOME          # or a venv, an interpreter, a PYTHONPATH directory",
      "  make -C gpMgmt/test/behave ...  # run your tests: every Python process is measured",
      "  covshim report --save after     # the report; covshim diff before after",
      "  covshim off                     # every file back as it was",
      "",
      MACHINE_RULE,
      "covshim COMMAND --help shows each command's options and examples.",
    ].join("\n"),
  );
  // The one command named, else all of them (help, a mistyped name).
  for (const spec of one ? [one] : await allCommands()) {
    const c = program.command(spec.args ? `${spec.name} ${spec.args}` : spec.name).description(spec.summary);
    for (const o of spec.options ?? []) c.option(o.flags, o.help);
    const machine = spec.options?.some((o) => / \[file\]$/.test(o.flags)) ? MACHINE_RULE : undefined;
    const more = [spec.details, machine, spec.examples?.length ? `Examples:\n${spec.examples.map((e) => `  $ ${e}`).join("\n")}` : undefined].filter(Boolean);
    if (more.length) c.addHelpText("after", `\n${more.join("\n\n")}`);
    c.action(async (...a: unknown[]) => {
      // commander passes the arguments, then the options, then the command.
      const args = a.slice(0, -2) as (string | undefined)[];
      await spec.action(args, a[a.length - 2] as Record<string, unknown>, rest);
    });
  }

  try {
    await program.parseAsync(argv, { from: "user" });
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.exitCode === 0) return;
      process.exitCode = 2;
      return;
    }
    throw e;
  }
}
