import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { covshim, statusJson, tempDir, venvWithCoverage } from "../../helpers/fixtures.js";
import { hookedShell, processesOver } from "../../helpers/hooks.js";
import { ROOT } from "../../helpers/tools.js";

/**
 * macOS's /bin/bash is 3.2.57: the hook must need nothing newer. Two checks:
 * the hook's text has no construct a bash after 3.2 added (each with the
 * version that added it, and a sample it must catch), and the hook runs in a
 * real interactive bash with every newer builtin and variable it could reach
 * for turned off. (docs/shells.md: how to check by hand against a real 3.2.)
 */
const NEWER: { what: string; since: string; re: RegExp; sample: string; guard?: string }[] = [
  // The one fast path kept (docs/shells.md): mapfile, where the hook found it at load.
  { what: "mapfile / readarray", since: "4.0", re: /\b(mapfile|readarray)\b/, sample: "mapfile -t l < f", guard: "if (( __covshim[7] )); then mapfile -t l" },
  { what: "printf '%(fmt)T'", since: "4.2", re: /%\([^)]*\)T/, sample: "printf -v now '%(%s)T' -1" },
  { what: "case conversion ${v,,} ${v^^}", since: "4.0", re: /\$\{[#!]?\w+(\[[^\]]*\])?(,|\^)/, sample: 'x=${name,,}' },
  { what: "associative arrays", since: "4.0", re: /\b(declare|local|typeset)\s+-\w*A/, sample: "local -A seen" },
  { what: "case fall-through ;& and ;;&", since: "4.0", re: /;;&|[^;];&/, sample: "a) x ;& b) y ;;" },
  { what: "coproc", since: "4.0", re: /\bcoproc\b/, sample: "coproc cat" },
  { what: "|& and &>>", since: "4.0", re: /\|&|&>>/, sample: "x |& y" },
  { what: "{var}> descriptors", since: "4.1", re: /\{\w+\}[<>]/, sample: "exec {fd}>f" },
  { what: "read -i / read -N", since: "4.0/4.1", re: /\bread\b[^;\n]*\s-\w*[iN]\b/, sample: "read -N 4 x" },
  { what: "declare -g", since: "4.2", re: /\b(declare|local|typeset)\s+-\w*g/, sample: "declare -g x=1" },
  { what: "[[ -v name ]]", since: "4.2", re: /(\[\[|\[|\btest)\s+-v\b/, sample: "[[ -v x ]]" },
  { what: "namerefs", since: "4.3", re: /\b(declare|local|typeset)\s+-\w*n/, sample: "local -n ref=x" },
  { what: "negative subscripts", since: "4.3", re: /\[-\d+\]/, sample: "${a[-1]}" },
  { what: "wait -n", since: "4.3", re: /\bwait\s+-n\b/, sample: "wait -n" },
  { what: "${v@Q} transformations", since: "4.4", re: /\$\{\w+(\[[^\]]*\])?@[QEPAaKkUuL]\}/, sample: "${x@Q}" },
  { what: "$BASHPID", since: "4.0", re: /\bBASHPID\b/, sample: "[[ $BASHPID == $$ ]]" },
  { what: "EPOCHREALTIME, SRANDOM, BASH_ARGV0", since: "5.0/5.1", re: /\b(EPOCHREALTIME|SRANDOM|BASH_ARGV0)\b/, sample: "x=$SRANDOM" },
  { what: "shopt options after 3.2", since: "4.x", re: /\bshopt\s+-s\s+(globstar|autocd|checkjobs|dirspell|lastpipe|inherit_errexit|direxpand|localvar_inherit|assoc_expand_once)/, sample: "shopt -s lastpipe" },
  { what: "an array PROMPT_COMMAND assigned", since: "5.1", re: /PROMPT_COMMAND\+?=\(/, sample: "PROMPT_COMMAND+=(f)" },
];

/** The hook's code without its comments (a `#` that starts a word and is not `${#` or `$#`). */
function code(text: string): string[] {
  return text.split("\n").map((l) => l.replace(/(^|\s)#(?![#{]).*$/, "")).filter((l) => l.trim() !== "");
}

describe("the bash hook on bash 3.2 (macOS's /bin/bash)", () => {
  it("uses nothing a bash after 3.2 added, but behind a test with a fallback: mapfile (4.0) and EPOCHSECONDS (5.0)", () => {
    for (const n of NEWER) expect(n.sample, `the check for ${n.what} catches its sample`).toMatch(n.re);
    const lines = code(readFileSync(join(ROOT, "shell", "covshim.bash"), "utf8"));
    expect(lines.length).toBeGreaterThan(50);
    const found = lines.flatMap((l) => NEWER.filter((n) => n.re.test(l) && !(n.guard && l.includes(n.guard) && l.includes("else"))).map((n) => `${n.what} (bash ${n.since}): ${l.trim()}`));
    // Where the hook finds out whether mapfile is there.
    expect(lines.filter((l) => /\bmapfile\b/.test(l)).map((l) => l.trim())).toEqual(["if type -t mapfile >/dev/null 2>&1; then __covshim[7]=1; fi", expect.stringContaining("if (( __covshim[7] )); then mapfile -t l")]);
    expect(found.filter((f) => !f.includes("type -t mapfile"))).toEqual([]);
    for (const l of lines.filter((x) => x.includes("EPOCHSECONDS"))) expect(l).toMatch(/\[\[ -n \$\{EPOCHSECONDS-\} \]\].*else/);
  });

  // What a bash 3.2 lacks, taken away from this one before the hook loads:
  // mapfile and readarray (4.0), EPOCHSECONDS (5.0: the hook's own clock
  // then runs), BASHPID (4.0); and 3.2's behaviour where bash keeps it.
  const AS_32 = "enable -n mapfile readarray\nunset EPOCHSECONDS EPOCHREALTIME BASHPID\nBASH_COMPAT=3.2";

  it("in an interactive bash without its 4+ builtins: same-line switch, the other shell at its next prompt, $? kept, 0 processes per prompt, the left-on warning on the hook's own clock", async () => {
    const t = tempDir();
    const home = join(t, "covshim");
    mkdirSync(join(home, "config"), { recursive: true });
    writeFileSync(join(home, "config", "config.json"), JSON.stringify({ warnAfter: "2s", warnEvery: "1h" }));
    const venv = venvWithCoverage(join(t, "venv"));
    const a = hookedShell("bash", t, home, { before: AS_32 });
    const b = hookedShell("bash", t, home, { before: AS_32 });
    await a.ready();
    await b.ready();
    // The builtins really are gone in these shells.
    expect(await a.run("type mapfile 2>&1; echo \"E=${EPOCHSECONDS-none} MF=${__covshim[7]}\"")).toMatch(/not found[\s\S]*E=none MF=0/);
    const show = (tag: string) => `printf '${tag}[%s|%s]\\n' "\${COVERAGE_PROCESS_START-}" "\${COVSHIM_PROMPT-}"`;
    expect(await a.run(show("A0"))).toContain("A0[|]");

    const outA = await a.run(`covshim enable ${venv} --name v32 && ${show("A1")}`);
    const rc = statusJson(home).installs[0]!.rcfile;
    expect(outA).toContain(`A1[${rc}|cov:v32]`);
    expect(await b.run(show("B0"))).toContain("B0[|]");
    expect(await b.run(show("B1"))).toContain(`B1[${rc}|cov:v32]`);
    await b.waitFor(/^\(cov:v32\) \[0\]PROMPT> $/m);

    b.type("false");
    await b.waitFor(/^\(cov:v32\) \[1\]PROMPT> $/m);
    b.type("(exit 7)");
    await b.waitFor(/^\(cov:v32\) \[7\]PROMPT> $/m);

    expect(await processesOver(a, 5, t, "on32")).toEqual([]);
    // Left on past warnAfter: the warning, with its minutes, from the clock
    // the hook keeps itself (no EPOCHSECONDS, no printf %T).
    await new Promise((r) => setTimeout(r, 2500));
    await a.ready();
    await a.waitFor(/measurement has been on for 0 min \(cov:v32\)/);

    const outB = await b.run(`covshim off && ${show("B2")}`);
    expect(outB).toContain("B2[|]");
    // A's prompt was drawn before the off; the next one is in step.
    await a.ready();
    expect(await a.run(show("A2"))).toContain("A2[|]");
    expect(await processesOver(a, 5, t, "off32")).toEqual([]);
    for (const s of [a, b]) expect(s.screen()).not.toMatch(/command not found|syntax error|bad substitution|invalid option|unbound variable/);
  });
});
