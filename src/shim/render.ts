import guardTemplate from "../../templates/shim/guard.py?raw";
import starterTemplate from "../../templates/shim/starter.py?raw";
import recorderTemplate from "../../templates/shim/recorder.py?raw";
import standinTemplate from "../../templates/shim/standin.py?raw";
import { recorderModule, shimModule, standinModule, starterModule } from "../paths.js";

/** The marked block in a sitecustomize.py; also what the hosts' agent looks for. */
export const BEGIN = "# >>> covshim >>> managed by covshim; `covshim off` removes this block";
export const END = "# <<< covshim <<<";
export const PTH_NAME = "a0_covshim.pth";

/**
 * Python literal for a string: JSON's escapes are valid Python escapes; non-ASCII
 * is escaped too, so the file is ASCII whatever locale Python reads it in.
 */
export const pyStr = (s: string) => JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);

/**
 * What covshim's recorder needs in the process (templates/shim/recorder.py):
 * only a bound on which files to record, from the install's own coverage;
 * coverage.py decides within it at report time (templates/data/rules.py).
 */
export interface RecorderConfig {
  /** The interpreter it applies to: another one sharing a PYTHONPATH directory gets coverage.py. */
  prefix: string;
  version: string;
  /** coverage's source setting: directories bound what is recorded, package names are matched by module name. */
  source: string[];
  /** Without a source: the places the install's coverage never measures (standard library, third-party, itself). */
  skip: string[];
  contexts: boolean;
  /** coverage's own a1_coverage.pth files that site.py reads after the shim. */
  a1: string[];
}

/** A Python literal of strings, booleans, and lists and objects of them. */
const pyLit = (v: unknown): string =>
  typeof v === "string" ? pyStr(v) : typeof v === "boolean" ? (v ? "True" : "False") : Array.isArray(v) ? `[${v.map(pyLit).join(", ")}]` : `{${Object.entries(v as object).map(([k, x]) => `${pyStr(k)}: ${pyLit(x)}`).join(", ")}}`;

export interface ShimSettings {
  rcfile: string;
  dataDir: string;
  /** Install scope: when measuring stops by itself (seconds since the epoch); 0 in shell scope. */
  expiresEpoch: number;
  /** covshim's recorder, when the install uses it. */
  recorder?: RecorderConfig;
}

/**
 * Every module of the shim for one install, by path, in covshim's own
 * directory for it (`home`: src/paths.ts): the guard with its settings, which
 * every measured process runs; coverage.py's starter; covshim's recorder
 * where the install uses it, and its stand-in for coverage's a1_coverage.pth
 * where that comes after the shim. The guard loads the starter or the
 * recorder (and the stand-in where it is).
 */
export function shimModules(home: string, o: ShimSettings): Record<string, string> {
  const settings = [
    "# Written by covshim for one install at enable (src/shim/render.ts); `covshim off --purge` deletes it.",
    `STARTER = ${pyStr(starterModule(home))}`,
    `RECORDER_MODULE = ${pyStr(recorderModule(home))}`,
    `STANDIN_MODULE = ${pyStr(standinModule(home))}`,
    `EXPIRES = ${Math.floor(o.expiresEpoch)}`,
    `RCFILE = ${pyStr(o.rcfile)}`,
    `DATADIR = ${pyStr(o.dataDir)}`,
    `RECORDER = ${o.recorder ? pyLit(o.recorder) : "None"}`,
  ].join("\n");
  return {
    [shimModule(home)]: `${settings}\n\n${guardTemplate}`,
    [starterModule(home)]: starterTemplate,
    ...(o.recorder ? { [recorderModule(home)]: recorderTemplate } : {}),
    ...(o.recorder?.a1.length ? { [standinModule(home)]: standinTemplate } : {}),
  };
}

/**
 * What the install holds: a few lines that run the shim's module, compiled
 * ahead by the install's own interpreter (shim/module.ts, precompile.py) or,
 * for another interpreter (another cache tag) or Python 2, from its text. A
 * module that is not there or cannot be read (another user's process) means
 * no measurement, without a word. Every file it opens it closes (a measured
 * program run with -X dev or -W error would otherwise be told of it), and it
 * runs once per process: site.py reads a venv's .pth twice where lib64 links
 * to lib; the mark is in the namespace its line runs in (site's, or the
 * sitecustomize's). Short: this text is parsed in every process that measures.
 */
export const renderLoader = (modulePath: string) =>
  `def _covshim_load(p):
 g = {"__name__": "covshim_shim", "__builtins__": __builtins__}
 try:
  import sys, marshal
  with open(p[:-3] + "." + sys.implementation.cache_tag + ".code", "rb") as f:
   c = marshal.loads(f.read())
 except Exception:
  with open(p) as f:
   c = f.read()
 exec(c, g)
 return g
if not globals().get("_covshim_ran"):
 globals()["_covshim_ran"] = 1
 try:
  _covshim_load(${pyStr(modulePath)})["main"](_covshim_load)
 except Exception:
  pass
del _covshim_load
`;

/**
 * The shim as one guarded expression: a process that wants no measurement
 * reads an environment variable (or compares a time) and goes on; the
 * loader's text is a string literal, compiled only when measuring. This keeps
 * start-up within the noise, also when Python cannot cache bytecode
 * (docs/benchmarks.md).
 */
function guarded(code: string, expiresEpoch: number, pth: boolean, py3 = false): string {
  // exec of the text, not compile(): Python's first compile() in a process
  // builds every class of its ast module, 12 million instructions, about a
  // third of an interpreter's start. Python 2, where exec is a statement, an
  // expression cannot use it: there, eval(compile(...)). Where the one
  // interpreter is Python 3 (a venv's or an interpreter's .pth), exec itself:
  // site.py compiles a .pth line in every process, twice in a venv whose
  // lib64 links to lib, and the choice between the two cost about 1 % of a
  // start (docs/benchmarks.md).
  const run = py3 ? `exec(${pyStr(code)})` : `(getattr(__import__("builtins" if str is not bytes else "__builtin__"), "exec", None) or (lambda s: eval(compile(s, "<covshim>", "exec"))))(${pyStr(code)})`;
  // A .pth runs only lines that start with `import`; in a sitecustomize.py,
  // __import__ binds no name that the user's own code might use.
  if (expiresEpoch) return pth ? `import time; time.time() < ${Math.floor(expiresEpoch)} and ${run}` : `__import__("time").time() < ${Math.floor(expiresEpoch)} and ${run}`;
  // START_VARIABLES: the shell's variable for covshim's recorder, and coverage.py's.
  return pth
    ? `import os; ("COVSHIM_START" in os.environ or "COVERAGE_PROCESS_START" in os.environ) and ${run}`
    : `("COVSHIM_START" in __import__("os").environ or "COVERAGE_PROCESS_START" in __import__("os").environ) and ${run}`;
}

/** The .pth line; `py3`: the install's one interpreter is Python 3. */
export const renderPth = (code: string, expiresEpoch = 0, py3 = false) => guarded(code, expiresEpoch, true, py3) + "\n";

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
