import { deflateSync } from "node:zlib";
import shimTemplate from "../../templates/shim.py?raw";

/** The marked block in a sitecustomize.py; also what the hosts' agent looks for. */
export const BEGIN = "# >>> covshim >>> managed by covshim; `covshim off` removes this block";
export const END = "# <<< covshim <<<";
export const PTH_NAME = "a0_covshim.pth";

/**
 * Python literal for a string: JSON's escapes are valid Python escapes; non-ASCII
 * is escaped too, so the file is ASCII whatever locale Python reads it in.
 */
export const pyStr = (s: string) => JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);

export function renderShimCode(rcfile: string, expiresEpoch: number, dataDir: string): string {
  return shimTemplate
    .replace("__EXPIRES__", String(Math.floor(expiresEpoch)))
    .replace("__RCFILE__", pyStr(rcfile))
    .replace("__DATADIR__", pyStr(dataDir));
}

/**
 * The shim as one guarded expression: a process that wants no measurement
 * reads an environment variable (or compares a time) and goes on; the shim's
 * text is a string literal, compiled only when measuring. This keeps start-up
 * within the noise, also when Python cannot cache bytecode (docs/benchmarks.md).
 */
function guarded(code: string, expiresEpoch: number, pth: boolean): string {
  // Compressed: a .pth line is compiled at every start, and the cost is its
  // length. eval(compile(...)) rather than exec(): an expression on Python 2 too.
  const packed = deflateSync(Buffer.from(code)).toString("base64");
  const run = `eval(compile(__import__("zlib").decompress(__import__("base64").b64decode("${packed}")), "<covshim>", "exec"))`;
  // A .pth runs only lines that start with `import`; in a sitecustomize.py,
  // __import__ binds no name that the user's own code might use.
  if (expiresEpoch) return pth ? `import time; time.time() < ${Math.floor(expiresEpoch)} and ${run}` : `__import__("time").time() < ${Math.floor(expiresEpoch)} and ${run}`;
  return pth ? `import os; "COVERAGE_PROCESS_START" in os.environ and ${run}` : `"COVERAGE_PROCESS_START" in __import__("os").environ and ${run}`;
}

export const renderPth = (code: string, expiresEpoch = 0) => guarded(code, expiresEpoch, true) + "\n";

/**
 * Runs the sitecustomize.py that a file covshim created shadows (Python
 * imports only the first one on sys.path): Debian's, Ubuntu's apport hook.
 */
const CHAIN = `def _covshim_chain():
    import os, sys
    here = os.path.dirname(os.path.abspath(__file__))
    after = False
    for d in sys.path:
        d = os.path.abspath(d or os.curdir)
        if d == here:
            after = True
        elif after and os.path.isfile(os.path.join(d, "sitecustomize.py")):
            f = os.path.join(d, "sitecustomize.py")
            g = {"__name__": "sitecustomize", "__file__": f, "__builtins__": __builtins__}
            with open(f) as src:
                exec(compile(src.read(), f, "exec"), g)
            return
_covshim_chain()
del _covshim_chain`;

/** The block in a sitecustomize.py; `chain` when covshim created the file. */
export const renderBlock = (code: string, expiresEpoch = 0, chain = false) =>
  `${BEGIN}\n${chain ? `${CHAIN}\n` : ""}${guarded(code, expiresEpoch, false)}\n${END}\n`;
