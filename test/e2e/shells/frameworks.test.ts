import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { covshim, tempDir, venvWithCoverage } from "../../helpers/fixtures.js";
import { hookedShell, processesOver } from "../../helpers/hooks.js";
import { ROOT } from "../../helpers/tools.js";
import type { Term } from "../../helpers/tmux.js";

/** Stand-ins of our own that reproduce the real scripts' mechanics (see their headers). */
const VSCODE = join(ROOT, "test", "fixtures", "shells", "vscode-bash.sh");
const PREEXEC = join(ROOT, "test", "fixtures", "shells", "bash-preexec.sh");

/**
 * Counts the syncs: re-applied after every load of the rc file, so it wraps
 * whichever __covshim_sync the hook defined last. No process, $? kept.
 */
const COUNT = [
  "__cnt_ret() { return \"$1\"; }",
  "eval \"$(declare -f __covshim_sync | sed '1s/^__covshim_sync/__covshim_sync_counted/')\"",
  "__covshim_sync() { local s=$?; COVSHIM_SYNCS=$((${COVSHIM_SYNCS:-0} + 1)); __cnt_ret \"$s\"; __covshim_sync_counted; }",
].join("\n");

async function syncsPerPrompt(term: Term): Promise<number> {
  const a = Number((await term.run('echo "SYNCS=$COVSHIM_SYNCS"')).match(/SYNCS=(\d+)/)![1]);
  await term.ready();
  await term.ready();
  const b = Number((await term.run('echo "SYNCS=$COVSHIM_SYNCS"')).match(/SYNCS=(\d+)/)![1]);
  return (b - a) / 3;
}

/** The marks the VS Code stand-in reported since `from`. */
const marks = (log: string, from = 0) => (existsSync(log) ? readFileSync(log, "utf8").split("\n").filter(Boolean).slice(from) : []);

/** Types a line, or just Enter, and waits for the next prompt (one more `prompt` on the screen). */
async function line(term: Term, text: string, prompt = "PROMPT> "): Promise<void> {
  const before = term.screen().split(prompt).length;
  if (text) term.type(text);
  else term.key("Enter");
  const end = Date.now() + 20_000;
  while (term.screen().split(prompt).length <= before && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  if (term.screen().split(prompt).length <= before) throw new Error(`no new prompt after '${text}':\n${term.screen()}`);
}

function setup() {
  const t = tempDir();
  const home = join(t, "covshim");
  const venv = venvWithCoverage(join(t, "venv"));
  expect(covshim(home, ["enable", venv, "--name", "fw"]).code).toBe(0);
  return { t, home };
}

describe("VS Code's bash integration (stand-in: element 0 copied, DEBUG-trap rule, 633 marks)", () => {
  for (const pc of ["string", "array"] as const) {
    it(`PROMPT_COMMAND as a ${pc}, rc sourced again: one sync per prompt, status marks right, empty lines are no commands, no extra process`, async () => {
      const { t, home } = setup();
      const log = join(t, `vsc-${pc}.log`);
      // An rc written to be sourced again: it sets PROMPT_COMMAND once.
      const set = pc === "array" ? "PROMPT_COMMAND=(user_pc)" : "PROMPT_COMMAND='user_pc'";
      const user = `user_pc() { USER_SAW=$?; }\nif [[ -z \${USER_PC_SET-} ]]; then USER_PC_SET=1; ${set}; fi`;
      // VS Code runs the user's rc first, then sets itself up (its --init-file does so).
      const s = hookedShell("bash", t, home, { before: user, after: `${COUNT}\nsource ${VSCODE}`, env: { VSC_LOG: log } });
      await s.ready();
      expect(await syncsPerPrompt(s)).toBe(1);
      await s.run(". ~/.bashrc");
      expect(await syncsPerPrompt(s)).toBe(1);
      expect(await s.run('echo "PC=$PROMPT_COMMAND ORIG=$__vsc_original_prompt_command"')).toContain("PC=__vsc_prompt_cmd_original ORIG=__covshim_sync && :;user_pc");

      // The echo's output is on the screen before the prompt that follows has
      // written the echo's `D` mark: count the marks once it has.
      const end = Date.now() + 10_000;
      while (!marks(log).at(-1)?.startsWith("D") && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
      const n = marks(log).length;
      await line(s, "false");
      await line(s, "");
      await line(s, "");
      await line(s, "true");
      await line(s, "");
      // What VS Code sees: false (1), two empty prompts (VS Code's own `E;` with no
      // command, then `D` with no status), true (0), an empty prompt.
      expect(marks(log, n)).toEqual(["E;false", "C", "D;1", "E;", "C", "D", "E;", "C", "D", "E;true", "C", "D;0", "E;", "C", "D"]);
      await line(s, "(exit 3)");
      expect(await s.run('echo "USER_SAW=$USER_SAW"')).toContain("USER_SAW=3");
      expect(s.screen()).toMatch(/\(cov:fw\) \[3\]PROMPT> /);

      // Against the same terminal without covshim's hook: the same processes per prompt.
      const bare = hookedShell("bash", t, home, { before: user, after: `source ${VSCODE}`, env: { VSC_LOG: join(t, "bare.log") } });
      await bare.ready();
      expect((await processesOver(s, 4, t, `hooked-${pc}`)).length).toBe((await processesOver(bare, 4, t, `bare-${pc}`)).length);
    });
  }
});

describe("bash-preexec (stand-in: precmd_functions, PROMPT_COMMAND rewritten at the first prompt)", () => {
  for (const order of ["bash-preexec after the hook", "bash-preexec before the hook"] as const) {
    it(`${order}, rc sourced again: one sync per prompt, $? kept`, async () => {
      const { t, home } = setup();
      const rc = order.includes("after") ? { after: `source ${PREEXEC}\n${COUNT}` } : { before: `source ${PREEXEC}`, after: COUNT };
      const s = hookedShell("bash", t, home, rc);
      await s.ready();
      expect(await syncsPerPrompt(s)).toBe(1);
      await s.run(". ~/.bashrc");
      expect(await syncsPerPrompt(s)).toBe(1);
      await line(s, "false");
      expect(s.screen()).toMatch(/\(cov:fw\) \[1\]PROMPT> $/m);
    });
  }
});

describe("fish prompts read $status", () => {
  it("the default fish_prompt and a custom one show the right status with the marker on", async () => {
    const { t, home } = setup();
    // fish's own default prompt: shows [1] after a failing command, nothing after a good one.
    const def = hookedShell("fish", t, home, { before: "functions -e fish_prompt; source /usr/share/fish/functions/fish_prompt.fish" });
    await def.waitFor(/\(cov:fw\) /);
    await line(def, "true", "(cov:fw)");
    await line(def, "false", "(cov:fw)");
    const screen = def.screen().split("\n").filter((l) => l.includes("(cov:fw)"));
    expect(screen.at(-2)).not.toContain("[1]");
    expect(screen.at(-1)).toMatch(/\[1\]/);
    // A custom prompt printing $status.
    const custom = hookedShell("fish", t, home);
    await custom.waitFor(/\(cov:fw\) \[0\]PROMPT> $/m);
    await line(custom, "false");
    await custom.waitFor(/\(cov:fw\) \[1\]PROMPT> $/m);
    await line(custom, "true");
    await custom.waitFor(/\(cov:fw\) \[0\]PROMPT> $/m);
  });
});

describe("a framework that owns the prompt is left alone", () => {
  it("starship's variable set: no marker in PS1; COVSHIM_PROMPT is there for its env_var module", async () => {
    const { t, home } = setup();
    const s = hookedShell("bash", t, home, { before: "export STARSHIP_SHELL=bash" });
    await s.waitFor(/^\[0\]PROMPT> $/m);
    expect(await s.run('echo "P=$COVSHIM_PROMPT"')).toContain("P=cov:fw");
  });
});
