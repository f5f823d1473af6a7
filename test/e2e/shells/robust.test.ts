import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { covshim, statusJson, tempDir, venvWithCoverage } from "../../helpers/fixtures.js";
import { hookLine, hookedShell } from "../../helpers/hooks.js";
import type { Term } from "../../helpers/tmux.js";

/** Enable and off from outside; the shell must follow at its next prompt and stay alive. */
async function follows(term: Term, home: string, venv: string, sh: "bash" | "zsh" | "fish" = "bash") {
  const show = sh === "fish" ? `echo "V=[$COVERAGE_PROCESS_START]"` : `echo "V=[\${COVERAGE_PROCESS_START-}]"`;
  await term.ready();
  expect(covshim(home, ["enable", venv]).code).toBe(0);
  await term.ready();
  const rc = statusJson(home).installs[0]!.rcfile;
  expect(await term.run(show)).toContain(`V=[${rc}]`);
  expect(covshim(home, ["off"]).code).toBe(0);
  await term.ready();
  expect(await term.run(show)).toContain("V=[]");
  expect(term.screen()).not.toMatch(/syntax error|command not found|parameter not set|unbound variable/);
}

/** `false` then a prompt: the prompt shows status 1, so the hook kept $?. */
async function keepsStatus(term: Term) {
  term.type("false");
  await term.waitFor(/\[1\]PROMPT> $/m);
}

/**
 * Under errexit (bash's set -e, zsh's err_exit and err_return): command lines
 * that errexit ignores and that leave a failing status. The shell must stay,
 * with the status in its prompt; unhooked, it does.
 */
async function survivesErrexit(term: Term) {
  for (const line of ["[ -f /nonexistent ] && cat /nonexistent", "false && true", "! true"]) {
    term.type(line);
    await term.waitFor(/\[1\]PROMPT> $/m);
    expect(await term.run("echo still-here")).toContain("still-here");
  }
}

function setup() {
  const t = tempDir();
  return { t, home: join(t, "covshim"), venv: venvWithCoverage(join(t, "venv")) };
}

describe("bash hook in the shells people have", () => {
  it("set -euo pipefail before the hook: a command line errexit ignores leaves the shell open and its status in the prompt", async () => {
    const { t, home, venv } = setup();
    const s = hookedShell("bash", t, home, { before: "set -euo pipefail" });
    await follows(s, home, venv);
    expect(covshim(home, ["enable", venv]).code).toBe(0);
    await survivesErrexit(s);
  });

  it("bash 5.1 array PROMPT_COMMAND; $? reaches the user's own entry", async () => {
    const { t, home, venv } = setup();
    const s = hookedShell("bash", t, home, { before: "user_pc() { LAST=$?; }\nPROMPT_COMMAND=(user_pc)" });
    await follows(s, home, venv);
    // Element 0 prefixed, no element added: VS Code and others take element 0 as the user's.
    expect(await s.run('declare -p PROMPT_COMMAND')).toContain('declare -a PROMPT_COMMAND=([0]="__covshim_sync && :;user_pc")');
    s.type("false");
    await s.waitFor(/\[1\]PROMPT> $/m);
    expect(await s.run('echo "LAST=$LAST"')).toMatch(/LAST=[01]/);
    s.type("(exit 7)");
    await s.waitFor(/\[7\]PROMPT> $/m);
    s.type('echo "LAST=$LAST"');
    await s.waitFor(/^LAST=7$/m);
  });

  it("a trailing ';' in PROMPT_COMMAND, and the rc file sourced twice", async () => {
    const { t, home, venv } = setup();
    const s = hookedShell("bash", t, home, { before: "user_pc() { :; }\nPROMPT_COMMAND='user_pc;'", after: hookLine("bash") });
    await follows(s, home, venv);
    expect(await s.run('echo "PC=$PROMPT_COMMAND"')).toContain("PC=__covshim_sync && :;user_pc;");
    await keepsStatus(s);
  });

  it("bash-preexec (a stand-in with its contract: it owns PROMPT_COMMAND and runs precmd_functions)", async () => {
    const { t, home, venv } = setup();
    // Not the real bash-preexec (neither apt nor npm carries it here); the same interface.
    const preexec = [
      "bash_preexec_imported=defined",
      "precmd_functions=()",
      '__bp_precmd_invoke_cmd() { local s=$? f; for f in "${precmd_functions[@]}"; do (exit "$s"); "$f"; done; return "$s"; }',
      "PROMPT_COMMAND='__bp_precmd_invoke_cmd'",
    ].join("\n");
    const s = hookedShell("bash", t, home, { before: preexec });
    await follows(s, home, venv);
    expect(await s.run('echo "PC=$PROMPT_COMMAND FNS=${precmd_functions[*]}"')).toContain("PC=__bp_precmd_invoke_cmd FNS=__covshim_sync");
    await keepsStatus(s);
  });

  it("VS Code's terminal integration wrapping PROMPT_COMMAND into __vsc_prompt_cmd_original (a stand-in)", async () => {
    const { t, home, venv } = setup();
    // VS Code sources the user's rc, keeps PROMPT_COMMAND aside and evals it from its own function.
    const vsc = [
      '__vsc_original_prompt_command=$PROMPT_COMMAND',
      '__vsc_prompt_cmd_original() { __vsc_status=$?; (exit "$__vsc_status"); eval "${__vsc_original_prompt_command}"; }',
      "PROMPT_COMMAND=__vsc_prompt_cmd_original",
    ].join("\n");
    const s = hookedShell("bash", t, home, { after: vsc });
    await follows(s, home, venv);
    await keepsStatus(s);
  });
});

describe("zsh hook in the shells people have", () => {
  it("err_exit, nounset and ksh_arrays set before the hook; sourced twice", async () => {
    const { t, home, venv } = setup();
    const s = hookedShell("zsh", t, home, { before: "setopt err_exit err_return nounset pipefail ksh_arrays", after: hookLine("zsh") });
    await follows(s, home, venv, "zsh");
    expect(await s.run('print -r -- "N=${#precmd_functions[@]}"')).toContain("N=1");
    expect(covshim(home, ["enable", venv]).code).toBe(0);
    await survivesErrexit(s);
  });

  it("$? kept for the prompt; a precmd function after covshim's sees it too", async () => {
    const { t, home, venv } = setup();
    const s = hookedShell("zsh", t, home, { after: "user_precmd() { LAST=$?; }\nprecmd_functions+=(user_precmd)" });
    await follows(s, home, venv, "zsh");
    await keepsStatus(s);
    s.type("(exit 5)");
    await s.waitFor(/\[5\]PROMPT> $/m);
    s.type('echo "LAST=$LAST"');
    await s.waitFor(/^LAST=5$/m);
  });
});

describe("fish hook in the shells people have", () => {
  it("sourced twice; $status kept for the prompt, also after lines that end in a failing status (fish has no errexit)", async () => {
    const { t, home, venv } = setup();
    const s = hookedShell("fish", t, home, { after: hookLine("fish") });
    await follows(s, home, venv, "fish");
    await keepsStatus(s);
    expect(covshim(home, ["enable", venv]).code).toBe(0);
    for (const line of ["test -f /nonexistent; and cat /nonexistent", "false; and true", "not true"]) {
      s.type(line);
      await s.waitFor(/\[1\]PROMPT> $/m);
    }
  });

  it("the prompt marker by default while on, in all three shells; off with COVSHIM_PS1=0 or config ps1: false; nothing while off", async () => {
    const { t, home, venv } = setup();
    for (const sh of ["bash", "zsh", "fish"] as const) {
      const off = hookedShell(sh, t, home);
      await off.waitFor(/^\[0\]PROMPT> $/m);
    }
    expect(covshim(home, ["enable", venv, "--name", "pp"]).code).toBe(0);
    for (const sh of ["bash", "zsh", "fish"] as const) {
      const s = hookedShell(sh, t, home);
      await s.waitFor(/\(cov:pp\) \[0\]PROMPT> $/m);
      const optOut = hookedShell(sh, t, home, { env: { COVSHIM_PS1: "0" } });
      await optOut.waitFor(/^\[0\]PROMPT> $/m);
    }
    // The same opt-out through the config key `ps1` in the per-user file.
    mkdirSync(join(home, "config"), { recursive: true });
    writeFileSync(join(home, "config", "config.json"), JSON.stringify({ ps1: false }));
    expect(covshim(home, ["enable", venv, "--name", "pp"]).code).toBe(0);
    for (const sh of ["bash", "zsh", "fish"] as const) {
      const s = hookedShell(sh, t, home);
      await s.waitFor(/^\[0\]PROMPT> $/m);
    }
  });
});
