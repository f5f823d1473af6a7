// What the test suite, the benchmarks and scripts/ share: where things are,
// the interpreters, and installs built the way users have them. Plain
// JavaScript so that bench/ and scripts/ import it without a TypeScript step.
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

export const ROOT = join(import.meta.dirname, "..", "..");
export const CLI = join(ROOT, "dist", "covshim.cjs");
export const CACHE = join(ROOT, ".cache", "test");
export const SETUP = "bash scripts/test-setup.sh";
export const PY311 = "3.11.7";
export const PY27 = "2.7.18";

/** @param {string} version */
export function pyenvPython(version) {
  const root = process.env.PYENV_ROOT ?? join(process.env.HOME ?? "/root", ".pyenv");
  const p = join(root, "versions", version, "bin", "python");
  if (!existsSync(p)) throw new Error(`Python ${version} is missing at ${p}: this machine's pyenv should have it ('pyenv versions')`);
  return p;
}

/**
 * A venv of Python 3.11 under CACHE with `packages` from pip (the offline
 * index configured for this user), built once: `ready` names the file that
 * says it is complete.
 * @param {string} name @param {string[]} packages @param {string} ready
 */
function cachedPipVenv(name, packages, ready) {
  const venv = join(CACHE, name);
  if (!existsSync(join(venv, ready))) {
    mkdirSync(CACHE, { recursive: true });
    execFileSync(pyenvPython(PY311), ["-m", "venv", "--clear", venv], { stdio: "inherit" });
    try {
      execFileSync(join(venv, "bin", "pip"), ["install", "-qq", ...packages], { stdio: "inherit", env: { ...process.env, ...offlineFirst(join(venv, "bin", "pip")), PIP_DISABLE_PIP_VERSION_CHECK: "1" } });
    } catch {
      throw new Error(`pip install ${packages.join(" ")} failed for Python 3.11: run '${SETUP}'`);
    }
  }
  return venv;
}

/** site-packages of a cached venv of Python 3.11 with real coverage from pip (the offline wheel), built once. */
export function coverageSite311() {
  return join(cachedPipVenv("cov-venv-311", ["coverage"], join("lib", "python3.11", "site-packages", "coverage")), "lib", "python3.11", "site-packages");
}

/**
 * A cached venv of Python 3.11 with pytest and pytest-xdist and real
 * coverage: an install whose tests run as users run them, `pytest -n 2` included.
 */
export const pytestVenv = () => cachedPipVenv("pytest-venv-311", ["coverage", "pytest", "pytest-xdist"], join("bin", "pytest"));

/**
 * A fresh venv (makeVenv: real coverage) with the cached pytest and
 * pytest-xdist copied in: tests enable and turn off their own copy, never the cache.
 * @param {string} dir
 */
export function makePytestVenv(dir) {
  const from = join(pytestVenv(), "lib", "python3.11", "site-packages");
  makeVenv(dir);
  const to = join(dir, "lib", "python3.11", "site-packages");
  const skip = /^(pip|setuptools|_distutils_hack|pkg_resources|distutils-precedence\.pth|coverage|a1_coverage\.pth|__pycache__)/;
  for (const n of readdirSync(from)) if (!skip.test(n)) cpSync(join(from, n), join(to, n), { recursive: true });
  compileAll(join(dir, "bin", "python"), to);
  return dir;
}

/**
 * pip settings that ask the index configured for this user first (here an
 * offline one, `pip config list`), with no retries: no network round trips
 * and warnings before falling back. Nothing configured: pip's defaults.
 * @param {string} pip
 */
export function offlineFirst(pip) {
  const r = spawnSync(pip, ["config", "list"], { encoding: "utf8" });
  const indexes = [];
  for (const line of (r.stdout ?? "").split("\n")) {
    const m = /^[\w:.-]*\.extra-index-url='(.*)'$/.exec(line.trim());
    if (m) indexes.push(...m[1].split(/\s+/).filter(Boolean));
  }
  if (!indexes.length) return {};
  return { PIP_INDEX_URL: indexes[0], PIP_EXTRA_INDEX_URL: indexes.slice(1).join(" "), PIP_RETRIES: "0" };
}

/**
 * Byte-compiles a tree as pip does at install time (and as a user's own
 * runs do): installs are tested the way users have them, with their .pyc files.
 * @param {string} python @param {string} dir
 */
export function compileAll(python, dir) {
  const env = { ...process.env };
  delete env.PYTHONDONTWRITEBYTECODE;
  execFileSync(python, ["-m", "compileall", "-q", dir], { env, stdio: ["ignore", "ignore", "inherit"] });
}

/**
 * A fresh venv with coverage copied in from the cached pip install; other
 * Python versions than 3.11 get coverage's pure-Python package only.
 * @param {string} dir @param {{ version?: string, withCoverage?: boolean }} [o]
 */
export function makeVenv(dir, o = {}) {
  const version = o.version ?? PY311;
  execFileSync(pyenvPython(version), ["-m", "venv", "--without-pip", dir]);
  if (o.withCoverage !== false) {
    const from = coverageSite311();
    const minor = version.split(".").slice(0, 2).join(".");
    const to = join(dir, "lib", `python${minor}`, "site-packages");
    const pure = minor !== "3.11";
    for (const n of readdirSync(from)) {
      if (!(n.startsWith("coverage") || (!pure && n === "a1_coverage.pth"))) continue;
      cpSync(join(from, n), join(to, n), { recursive: true, filter: (s) => !(pure && (s.endsWith(".so") || s.includes("__pycache__"))) });
    }
  }
  compileAll(join(dir, "bin", "python"), dir);
  return dir;
}

/** Whether a command is on PATH. @param {string} tool */
export const have = (tool) => spawnSync("bash", ["-c", `command -v ${tool}`]).status === 0;

/** A missing tool fails the test with the command that installs it; nothing skips. @param {string} tool */
export function need(tool) {
  try {
    return execFileSync("bash", ["-c", `command -v ${tool}`], { encoding: "utf8" }).trim();
  } catch {
    throw new Error(`${tool} is not installed: run '${SETUP}' (it installs every test prerequisite)`);
  }
}

/**
 * GPDB layouts, built from nothing of GPDB itself: what covshim relies on is
 * greenplum_path.sh, lib/python on PYTHONPATH and where the interpreter is.
 */
/**
 * @param {string} root @param {string} [name]
 * @param {{ version?: string, gpMgmt?: number }} [o] the Python's version; `gpMgmt`: add gpMgmtTree's utilities and a gppylib of that many modules
 * @returns {{ gphome: string, python: string }}
 */
export function gpdb7(root, name = "gpdb7", o = {}) {
  const gphome = join(root, name);
  mkdirSync(join(gphome, "lib", "python", "gppylib"), { recursive: true });
  mkdirSync(join(gphome, "bin"), { recursive: true });
  mkdirSync(join(gphome, "etc", "environment.d"), { recursive: true });
  // GPDB 7 / Cloudberry: python3 comes from PATH; here a venv with real coverage.
  const venv = makeVenv(join(root, `${name}-python`), { version: o.version });
  // A wrapper, not a link: through a link Python would not find the venv's pyvenv.cfg.
  writeFileSync(join(gphome, "bin", "python3"), `#!/bin/sh\nexec ${JSON.stringify(join(venv, "bin", "python3"))} "$@"\n`, { mode: 0o755 });
  writeFileSync(join(gphome, "lib", "python", "gppylib", "__init__.py"), "");
  writeFileSync(
    join(gphome, "lib", "python", "gppylib", "util.py"),
    "def segment_work(n):\n    total = 0\n    for i in range(n):\n        total += i\n    return total\n\n\n" +
      "def on_host(name):\n    if name == 'h1':\n        return 1  # ran on h1\n    if name == 'h2':\n        return 2  # ran on h2\n    return 0  # ran on the coordinator\n",
  );
  writeFileSync(
    join(gphome, "greenplum_path.sh"),
    [
      "# test fixture in the shape of GPDB 7's greenplum_path.sh",
      `GPHOME=${JSON.stringify(gphome)}`,
      'PYTHONPATH="$GPHOME/lib/python${PYTHONPATH:+:$PYTHONPATH}"',
      'PATH="$GPHOME/bin:$PATH"',
      "export GPHOME PYTHONPATH PATH",
      'for f in "$GPHOME"/etc/environment.d/*.conf; do [ -r "$f" ] && . "$f"; done',
      "",
    ].join("\n"),
  );
  if (o.gpMgmt) gpMgmtTree(gphome, o.gpMgmt, "python3");
  compileAll(join(venv, "bin", "python3"), join(gphome, "lib", "python"));
  writeFileSync(join(gphome, "bin", "gpsegwork"), "#!/usr/bin/env python3\nimport sys\nfrom gppylib.util import on_host, segment_work\nprint(segment_work(int(sys.argv[1])))\nif len(sys.argv) > 2:\n    on_host(sys.argv[2])\n", { mode: 0o755 });
  return { gphome, python: join(gphome, "bin", "python3") };
}


/**
 * gpMgmt's shape and mechanics in an install (read from GPDB's gpMgmt:
 * gppylib/commands/base.py's WorkerPool and Local/RemoteExecutionContext,
 * bin/gpstart, sbin/gpsegstart.py, the bin, bin/lib and sbin install
 * targets), written for the tests: a gppylib of `modules` generated modules
 * (about 40 statements each, every one imported and partly run by the
 * utilities), and
 * - bin/gpfanout N: GPDB 6's Popen pattern, N `true` commands from a
 *   WorkerPool's threads after loading gppylib (each a fork child that only
 *   execs, on Python 2.7 where subprocess forks in Python);
 * - bin/gpstart: a utility without .py, as GPDB installs them; it runs
 *   `$GPHOME/sbin/gpsegstart.py` for each segment host from a WorkerPool's
 *   threads through `Popen(["bash", "-c", cmd])`: on a host named in
 *   GPSTART_HOSTS through `ssh HOST ". $GPHOME/greenplum_path.sh; cmd"`
 *   (GPSTART_SSH is the ssh command), else locally as `bash -c`;
 * - sbin/gpsegstart.py (what the hosts run), sbin/gpsegstop.py and
 *   sbin/gpconfig_helper.py (never run here);
 * - bin/lib/ (a package: __init__.py, calculate_disk_free.py) and
 *   bin/gpload.py, never run.
 * @param {string} gphome @param {number} modules @param {string} python the interpreter's name in #! lines
 */
export function gpMgmtTree(gphome, modules, python) {
  const w = (rel, text, mode = 0o644) => {
    mkdirSync(join(gphome, rel, ".."), { recursive: true });
    writeFileSync(join(gphome, rel), text, { mode });
  };
  const groups = ["operations", "db", "system", "programs", "utils"];
  for (const g of groups) w(join("lib", "python", "gppylib", g, "__init__.py"), "");
  const names = [];
  for (let k = 0; k < modules; k++) {
    const g = groups[k % groups.length];
    const m = `mod${String(k).padStart(3, "0")}`;
    names.push(`${g}.${m}`);
    w(join("lib", "python", "gppylib", g, `${m}.py`), [
      `"""gppylib.${g}.${m}: generated for covshim's tests, in gppylib's proportions."""`,
      "import os",
      "",
      `LIMIT = ${k % 7 + 3}`,
      // A module's tables of constants, as gppylib's have: lines run once, at import.
      ...Array.from({ length: 24 }, (_, j) => `SETTING_${j} = LIMIT + ${j}`),
      "",
      "",
      "def work(n):",
      "    total = 0",
      "    for i in range(n):",
      "        if i % 3 == 0:",
      "            total += i",
      "        else:",
      "            total -= 1",
      "    return total",
      "",
      "",
      "def describe(host):",
      "    parts = [host]",
      "    if host.startswith('127.'):",
      "        parts.append('loopback')",
      "    else:",
      "        parts.append('remote')",
      "    return '-'.join(parts)",
      "",
      "",
      "class Segment(object):",
      "    def __init__(self, host, port):",
      "        self.host = host",
      "        self.port = port",
      "",
      "    def address(self):",
      "        return '%s:%d' % (self.host, self.port)",
      "",
      "    def is_mirror(self):",
      "        return self.port % 2 == 1",
      "",
      "",
      "def rarely(path):",
      "    if not os.path.exists(path):",
      "        return None",
      "    with open(path) as f:",
      "        return f.read()",
      "",
      "",
      "def run(host):",
      "    s = Segment(host, LIMIT)",
      "    return work(LIMIT) + len(describe(host)) + len(s.address())",
      "",
    ].join("\n"));
  }
  w(join("lib", "python", "gppylib", "gpcatalog.py"), `"""Every module of the generated gppylib, imported as a utility imports what it needs."""\nimport importlib\n\nMODULES = ${JSON.stringify(names)}\n\n\ndef load_all():\n    return [importlib.import_module("gppylib." + m) for m in MODULES]\n`);
  w(join("lib", "python", "gppylib", "commands", "__init__.py"), "");
  w(join("lib", "python", "gppylib", "commands", "base.py"), [
    '"""gppylib.commands.base\'s mechanics: a WorkerPool of threads, each command through bash -c, remote ones through ssh with greenplum_path.sh."""',
    "import os",
    "import subprocess",
    "import threading",
    "",
    "try:",
    "    from shlex import quote",
    "except ImportError:  # Python 2.7 (GPDB 6)",
    "    from pipes import quote",
    "",
    "",
    "class Command(object):",
    "    def __init__(self, name, cmd, remote_host=None):",
    "        self.name = name",
    "        self.cmd = cmd",
    "        self.remote_host = remote_host",
    "        self.results = None",
    "",
    "    def cmd_str(self):",
    "        if self.remote_host is None:",
    "            return self.cmd",
    "        gphome = os.environ['GPHOME']",
    "        inner = '. %s/greenplum_path.sh; %s' % (gphome, self.cmd)",
    "        return '%s %s %s' % (os.environ.get('GPSTART_SSH', 'ssh'), self.remote_host, quote(inner))",
    "",
    "    def run(self):",
    "        proc = subprocess.Popen(['bash', '-c', self.cmd_str()], stdout=subprocess.PIPE, stderr=subprocess.PIPE)",
    "        out, err = proc.communicate()",
    "        self.results = (proc.returncode, out.decode(), err.decode())",
    "",
    "",
    "class WorkerPool(object):",
    "    def __init__(self, numWorkers=4):",
    "        self.numWorkers = numWorkers",
    "        self.completed = []",
    "        self.lock = threading.Lock()",
    "",
    "    def run_all(self, commands):",
    "        todo = list(commands)",
    "",
    "        def worker():",
    "            while True:",
    "                with self.lock:",
    "                    if not todo:",
    "                        return",
    "                    c = todo.pop(0)",
    "                c.run()",
    "                with self.lock:",
    "                    self.completed.append(c)",
    "",
    "        threads = [threading.Thread(target=worker) for _ in range(self.numWorkers)]",
    "        for t in threads:",
    "            t.start()",
    "        for t in threads:",
    "            t.join()",
    "        return self.completed",
    "",
  ].join("\n"));
  w(join("bin", "gpstart"), [
    `#!/usr/bin/env ${python}`,
    '"""gpstart\'s shape: load gppylib, then start every segment host\'s segments with sbin/gpsegstart.py from a WorkerPool."""',
    "import os",
    "import sys",
    "",
    "from gppylib import gpcatalog",
    "from gppylib.commands.base import Command, WorkerPool",
    "",
    "",
    "def main():",
    "    for m in gpcatalog.load_all():",
    "        m.run('coordinator')",
    "    hosts = [h for h in os.environ.get('GPSTART_HOSTS', '').split(',') if h]",
    "    script = os.path.join(os.environ['GPHOME'], 'sbin', 'gpsegstart.py')",
    "    if hosts:",
    "        commands = [Command('start ' + h, '%s %s' % (script, h), remote_host=h) for h in hosts]",
    "    else:",
    "        commands = [Command('start local %d' % i, '%s local%d' % (script, i)) for i in range(int(os.environ.get('GPSTART_LOCAL', '2')))]",
    "    failed = 0",
    "    for c in sorted(WorkerPool().run_all(commands), key=lambda c: c.name):",
    "        code, out, err = c.results",
    "        sys.stdout.write(out)",
    "        sys.stderr.write(err)",
    "        failed += code != 0",
    "    return 1 if failed else 0",
    "",
    "",
    "if __name__ == '__main__':",
    "    sys.exit(main())",
    "",
  ].join("\n"), 0o755);
  w(join("bin", "gpfanout"), [
    `#!/usr/bin/env ${python}`,
    '"""GPDB 6\'s Popen pattern: load gppylib, then N shell commands (`true`) from a WorkerPool\'s threads; each a fork child that only execs."""',
    "import sys",
    "",
    "from gppylib import gpcatalog",
    "from gppylib.commands.base import Command, WorkerPool",
    "",
    "for m in gpcatalog.load_all():",
    "    m.run('coordinator')",
    "done = WorkerPool(int(sys.argv[2]) if len(sys.argv) > 2 else 8).run_all([Command('c%d' % i, 'true') for i in range(int(sys.argv[1]))])",
    "sys.exit(sum(c.results[0] != 0 for c in done))",
    "",
  ].join("\n"), 0o755);
  w(join("sbin", "gpsegstart.py"), [
    `#!/usr/bin/env ${python}`,
    '"""sbin/gpsegstart.py\'s shape: what gpstart runs on each segment host, over ssh."""',
    "import sys",
    "",
    "from gppylib import gpcatalog",
    "",
    "",
    "def start(host):",
    "    total = 0",
    "    for m in gpcatalog.load_all()[:10]:",
    "        total += m.run(host)",
    "    if host.startswith('127.'):",
    "        where = 'over ssh'  # ran on a segment host",
    "    else:",
    "        where = 'locally'  # ran on the coordinator's host",
    "    return 'segment %s started %s (%d)' % (host, where, total)",
    "",
    "",
    "if __name__ == '__main__':",
    "    print(start(sys.argv[1]))",
    "",
  ].join("\n"), 0o755);
  for (const n of ["gpsegstop.py", "gpconfig_helper.py"]) {
    w(join("sbin", n), `#!/usr/bin/env ${python}\n"""sbin/${n}: never run here."""\nimport sys\n\n\ndef main(args):\n    if not args:\n        return 2\n    return 0\n\n\nif __name__ == '__main__':\n    sys.exit(main(sys.argv[1:]))\n`, 0o755);
  }
  w(join("bin", "lib", "__init__.py"), "");
  w(join("bin", "lib", "calculate_disk_free.py"), `#!/usr/bin/env ${python}\nimport os\n\n\ndef free(path):\n    st = os.statvfs(path)\n    return st.f_bavail * st.f_frsize\n`, 0o755);
  w(join("bin", "gpload.py"), `#!/usr/bin/env ${python}\nimport sys\n\n\ndef main():\n    return 0\n\n\nif __name__ == '__main__':\n    sys.exit(main())\n`, 0o755);
}

/** The coverage 5.5 stand-in (test/fixtures/coverage55, what it reproduces is in its __init__.py). */
export const COVERAGE55 = join(ROOT, "test", "fixtures", "coverage55", "coverage");

/**
 * GPDB 6: a bundled Python 2.7 under $GPHOME/ext/python, found through
 * PYTHONHOME as greenplum_path.sh sets it, with a site-packages of its own.
 * The interpreter and the standard library are pyenv's 2.7, linked in;
 * coverage 5.5 cannot be installed here, `coverage` puts the stand-in into
 * $GPHOME/lib/python ("lib") or the bundled site-packages ("site").
 */
/**
 * @param {string} root @param {string} [name] @param {"none" | "lib" | "site"} [coverage]
 * @param {{ gpMgmt?: number }} [o] `gpMgmt`: add gpMgmtTree's utilities and a gppylib of that many modules
 * @returns {{ gphome: string, python: string, site: string }}
 */
export function gpdb6(root, name = "gpdb6", coverage = "none", o = {}) {
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
  if (o.gpMgmt) gpMgmtTree(gphome, o.gpMgmt, "python");
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
  const env = { ...process.env, PYTHONHOME: ext };
  delete env.PYTHONDONTWRITEBYTECODE;
  execFileSync(join(ext, "bin", "python"), ["-m", "compileall", "-q", join(gphome, "lib", "python"), site], { env, stdio: ["ignore", "ignore", "inherit"] });
  return { gphome, python: join(ext, "bin", "python"), site };
}

/** What greenplum_path.sh of gpdb6() sets, for a process started as a GPDB 6 utility is. */
/** @param {string} gphome */
export function gpdb6Env(gphome) {
  const ext = join(gphome, "ext", "python");
  return {
    GPHOME: gphome,
    PYTHONHOME: ext,
    PYTHONPATH: join(gphome, "lib", "python"),
    PATH: `${join(gphome, "bin")}:${join(ext, "bin")}:${process.env.PATH}`,
    LD_LIBRARY_PATH: `${join(gphome, "lib")}:${join(ext, "lib")}`,
  };
}
