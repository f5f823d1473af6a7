import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { compileAll, venvWithCoverage } from "./fixtures.js";
import { PY27, ROOT, pyenvPython } from "./tools.js";

export { gpdb7 } from "./base.mjs";

/** The coverage 5.5 stand-in (test/fixtures/coverage55, what it reproduces is in its __init__.py). */
export const COVERAGE55 = join(ROOT, "test", "fixtures", "coverage55", "coverage");

/**
 * GPDB 6: a bundled Python 2.7 under $GPHOME/ext/python, found through
 * PYTHONHOME as greenplum_path.sh sets it, with a site-packages of its own.
 * The interpreter and the standard library are pyenv's 2.7, linked in;
 * coverage 5.5 cannot be installed here, `coverage` puts the stand-in into
 * $GPHOME/lib/python ("lib") or the bundled site-packages ("site").
 */
export function gpdb6(root: string, name = "gpdb6", coverage: "none" | "lib" | "site" = "none"): { gphome: string; python: string; site: string } {
  const gphome = join(root, name);
  const ext = join(gphome, "ext", "python");
  const pyenv = join(dirname(dirname(pyenvPython(PY27))));
  const stdlib = join(ext, "lib", "python2.7");
  const site = join(stdlib, "site-packages");
  mkdirSync(join(gphome, "lib", "python", "gppylib"), { recursive: true });
  mkdirSync(join(gphome, "bin"), { recursive: true });
  mkdirSync(join(ext, "bin"), { recursive: true });
  mkdirSync(site, { recursive: true });
  for (const n of readdirSync(join(pyenv, "lib", "python2.7"))) if (n !== "site-packages") symlinkSync(join(pyenv, "lib", "python2.7", n), join(stdlib, n));
  symlinkSync(join(pyenv, "bin", "python2.7"), join(ext, "bin", "python"));
  writeFileSync(join(gphome, "lib", "python", "gppylib", "__init__.py"), "");
  writeFileSync(join(gphome, "lib", "python", "gppylib", "util.py"), "def segment_work(n):\n    total = 0\n    for i in range(n):\n        total += i\n    return total\n");
  writeFileSync(join(gphome, "bin", "gpsegwork"), "#!/usr/bin/env python\nimport sys\nfrom gppylib.util import segment_work\nprint(segment_work(int(sys.argv[1])))\n", { mode: 0o755 });
  if (coverage !== "none") cpSync(COVERAGE55, join(coverage === "lib" ? join(gphome, "lib", "python") : site, "coverage"), { recursive: true });
  writeFileSync(
    join(gphome, "greenplum_path.sh"),
    [
      "# test fixture in the shape of GPDB 6's greenplum_path.sh",
      `GPHOME=${JSON.stringify(gphome)}`,
      'PYTHONHOME="$GPHOME/ext/python"',
      'PYTHONPATH="$GPHOME/lib/python"',
      'PATH="$GPHOME/bin:$PYTHONHOME/bin:$PATH"',
      'LD_LIBRARY_PATH="$GPHOME/lib:$PYTHONHOME/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"',
      "export GPHOME PYTHONHOME PYTHONPATH PATH LD_LIBRARY_PATH",
      "",
    ].join("\n"),
  );
  // Compiled as a user's own runs leave it (Python 2 writes .pyc beside the source).
  const env: NodeJS.ProcessEnv = { ...process.env, PYTHONHOME: ext };
  delete env.PYTHONDONTWRITEBYTECODE;
  execFileSync(join(ext, "bin", "python"), ["-m", "compileall", "-q", join(gphome, "lib", "python"), site], { env, stdio: ["ignore", "ignore", "inherit"] });
  return { gphome, python: join(ext, "bin", "python"), site };
}

/** What greenplum_path.sh of gpdb6() sets, for a process started as a GPDB 6 utility is. */
export function gpdb6Env(gphome: string): NodeJS.ProcessEnv {
  const ext = join(gphome, "ext", "python");
  return {
    GPHOME: gphome,
    PYTHONHOME: ext,
    PYTHONPATH: join(gphome, "lib", "python"),
    PATH: `${join(gphome, "bin")}:${join(ext, "bin")}:${process.env.PATH}`,
    LD_LIBRARY_PATH: `${join(gphome, "lib")}:${join(ext, "lib")}`,
  };
}
