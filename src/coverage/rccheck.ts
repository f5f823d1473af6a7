import { dirname, isAbsolute } from "node:path";
import { CovshimError } from "../errors.js";
import { pythonEnv } from "../install/probe.js";

const CHECK = `
import sys
try:
    import configparser as cp
    p = cp.RawConfigParser(strict=True)
except ImportError:
    import ConfigParser as cp
    p = cp.RawConfigParser()
try:
    p.read([sys.argv[1]])
except cp.Error as e:
    line = getattr(e, "lineno", None)
    sys.stdout.write("ERR %s%s\\n" % (type(e).__name__, " at line %s" % line if line else ""))
    sys.stdout.write("MSG %s\\n" % str(e).splitlines()[0])
    sys.exit(0)
sec = "run" if p.has_section("run") else ("coverage:run" if p.has_section("coverage:run") else None)
df = p.get(sec, "data_file") if sec and p.has_option(sec, "data_file") else ""
sys.stdout.write("OK %s\\n" % df)
`;

/** Reads a user's rcfile with the install's own configparser, as every process will. */
export async function checkRcfile(python: string, file: string): Promise<{ dataDir?: string; note?: string }> {
  const { execa } = await import("execa");
  const r = await execa(python, ["-c", CHECK, file], { env: pythonEnv(), extendEnv: false, reject: false, cwd: "/" });
  const outText = String(r.stdout);
  if (outText.startsWith("ERR")) {
    const [first, second] = outText.split("\n");
    throw new CovshimError(`${file}: ${first!.slice(4)}: ${second?.slice(4) ?? ""} (Python's configparser rejects it, so every process would fail to start coverage)`);
  }
  if (!outText.startsWith("OK")) throw new CovshimError(`cannot check ${file} with ${python}: ${String(r.stderr).trim().split("\n").pop()}`);
  const df = outText.slice(3).trim();
  if (!df) return { note: `${file} sets no data_file: data lands in each process's working directory` };
  if (!isAbsolute(df)) return { note: `${file} has a relative data_file (${df}): data lands in each process's working directory` };
  return { dataDir: dirname(df) };
}
