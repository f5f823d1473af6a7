import { printError } from "./errors.js";
import { VERSION } from "./version.js";

// Commands are imported only when chosen: `covshim status` does not load
// what `enable` or `report` need.
/** The full CLI (commander); `bin.ts` sends here what its fast path does not take. */
export async function cli(argv: string[]): Promise<void> {
  try {
    await main(argv);
  } catch (e) {
    printError(e);
  }
}

async function main(argv: string[]): Promise<void> {
  // `run [TARGET] -- CMD ...`: everything after the first `--` is the command,
  // so `covshim run -- python x.py` is not read as TARGET=python.
  let runCmd: string[] | undefined;
  if (argv[0] === "run" && argv.includes("--")) {
    runCmd = argv.slice(argv.indexOf("--") + 1);
    argv = argv.slice(0, argv.indexOf("--"));
  }
  const { Command, CommanderError } = await import("commander");
  const program = new Command("covshim")
    .description("Turn coverage.py measurement of every Python process of an install on and off safely")
    .version(VERSION)
    .exitOverride()
    // Errors on one line, the suggestion included.
    .configureOutput({ writeErr: (s) => process.stderr.write(s.startsWith("error:") ? `covshim: ${s.trim().replace(/\s*\n+\s*/g, " ")}\n` : s) })
    .showSuggestionAfterError(true);

  program
    .command("enable [target]")
    .description("turn measurement on for an install ($GPHOME, else $VIRTUAL_ENV, when no TARGET)")
    .option("--rcfile <file>", "use this coveragerc instead of a generated one (checked first)")
    .option("--source <pkgs>", "comma-separated packages or directories to measure")
    .option("--omit <globs>", "comma-separated file patterns to leave out")
    .option("--branch", "measure branch coverage")
    .option("--core <core>", "auto|ctrace|sysmon|pytrace")
    .option("--scope <scope>", "shell (processes that inherit the variable) or install (every process)")
    .option("--for <duration>", "install scope: turn itself off after this long (default 8h)")
    .option("--append", "add to the data already collected instead of moving it aside")
    .option("--name <name>", "a short name for the install (prompt, reports)")
    .option("--python <exe>", "interpreter of a dir or gpdb install")
    .option("--hosts <file>", "install scope on every host of a GPDB hostfile too, over ssh")
    .action(async (target, o) => (await import("./commands/enable.js")).enableCommand(target, o));

  program
    .command("off [target]")
    .description("remove every shim and restore every file (no TARGET: all installs)")
    .option("--purge", "also delete the collected data")
    .action(async (target, o) => (await import("./commands/off.js")).offCommand(target, o));

  program
    .command("status")
    .description("what is on, where the data is")
    .option("--json", "machine-readable")
    .option("--check", "exit 1 when anything is on")
    .action(async (o) => (await import("./commands/status.js")).statusCommand(o));

  program
    .command("env")
    .description("export/unset lines for the current state, for scripts and CI")
    .option("--shell <shell>", "bash|zsh|fish")
    .action(async (o) => (await import("./commands/env.js")).envCommand(o));

  program
    .command("hook <shell>")
    .description("shell integration: eval \"$(covshim hook bash)\"")
    .action(async (shell) => (await import("./commands/hook.js")).hookCommand(shell));

  program
    .command("doctor [target]")
    .description("what would stop measurement, and the fix")
    .option("--python <exe>", "interpreter of a dir or gpdb install")
    .option("--hosts <file>", "check every host of a GPDB hostfile too")
    .action(async (target, o) => (await import("./commands/doctor.js")).doctorCommand(target, o));

  program
    .command("report [target]")
    .description("combine the data (runs add up until a new enable moves them aside), print the report")
    .option("--html <dir>", "write an HTML report")
    .option("--json <file>", "write coverage's JSON report")
    .option("--fail-under <n>", "exit 1 when the total is below N percent")
    .option("--save <name>", "keep this report for 'covshim diff'")
    .action(async (target, o) => (await import("./commands/report.js")).reportCommand(target, o));

  program
    .command("diff <base> [head]")
    .description("per-file change between two saved reports (HEAD: the current data)")
    .option("--json", "machine-readable")
    .option("--in <target>", "the install, when several have a report of that name")
    .action(async (base, head, o) => (await import("./commands/diff.js")).diffCommand(base, head, o));

  program
    .command("run [target]")
    .description("measure one command, then restore: covshim run [TARGET] -- CMD ...")
    .option("--append", "add to the data already collected")
    .option("--python <exe>", "interpreter of a dir or gpdb install")
    .action(async (target, o) => (await import("./commands/run.js")).runCommand(target, runCmd ?? [], o));

  program
    .command("collect [target]")
    .description("bring the data files of every cluster host back, named by host")
    .action(async (target) => (await import("./commands/collect.js")).collectCommand(target));

  program
    .command("demo")
    .description("a throwaway install with a multi-process app: enable, run, report, off")
    .option("--python <exe>", "interpreter with coverage to use")
    .option("--keep", "keep the throwaway directory")
    .action(async (o) => (await import("./commands/demo.js")).demoCommand(o));

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

