// Regenerates docs/bad-input.md: runs every case of test/fixtures/bad-input.json
// (the table the test suite checks) and records what covshim answers.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLI, ROOT, makeVenv } from "../test/helpers/base.mjs";

const cases = JSON.parse(readFileSync(join(ROOT, "test", "fixtures", "bad-input.json"), "utf8"));
const t = realpathSync(mkdtempSync(join(tmpdir(), "covshim-badinput-")));
const venv = (dir, withCoverage) => makeVenv(dir, { withCoverage });
const world = { $VENV: venv(join(t, "venv"), true), $BARE: venv(join(t, "bare"), false), $DIR: join(t, "dir"), $FILE: join(t, "file.txt"), $MISSING: join(t, "missing") };
mkdirSync(world.$DIR);
writeFileSync(world.$FILE, "not python\n");
const home = join(t, "home");
const env = { ...process.env, COVSHIM_HOME: home, NO_COLOR: "1" };
delete env.COVERAGE_PROCESS_START;
spawnSync(process.execPath, [CLI, "enable", world.$VENV, "--name", "on"], { env });
const show = (s) => s.split(t).join("$T").replace(/\|/g, "\\|");
let md = "# Bad input: what covshim answers\n\nEvery row is a case of `test/fixtures/bad-input.json`, run by `test/e2e/reliability/bad-input.test.ts` with an install switched on; the test checks the exit code, that the answer is one line with no stack trace, and that no install and no state file changed. Regenerate with `node scripts/bad-input-doc.mjs`.\n\n";
md += "`$VENV` a venv with coverage, `$BARE` a venv without, `$DIR` an empty directory, `$FILE` a text file, `$MISSING` a path that does not exist, `$T` the temporary directory.\n\n| command | exit | message |\n| --- | --- | --- |\n";
for (const c of cases) {
  const args = c.args.map((a) => world[a] ?? a);
  const r = spawnSync(process.execPath, [CLI, ...args], { env, encoding: "utf8", cwd: t });
  md += `| \`covshim ${c.args.join(" ")}\` | ${r.status} | ${show(r.stderr.trim())} |\n`;
}
spawnSync(process.execPath, [CLI, "off", "--purge"], { env });
rmSync(t, { recursive: true, force: true });
writeFileSync(join(ROOT, "docs", "bad-input.md"), md);
console.log(`wrote docs/bad-input.md (${cases.length} cases)`);

