// What the test suite, the benchmarks and scripts/ share: where things are,
// the interpreters, and installs built the way users have them. Plain
// JavaScript so that bench/ and scripts/ import it without a TypeScript step.
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const ROOT = join(import.meta.dirname, "..", "..");
export const CLI = join(ROOT, "dist", "covshim.cjs");
export const CACHE = join(ROOT, ".cache", "test");
export const SETUP = "bash scripts/test-setup.sh";
export const PY311 = "3.11.7";

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
/** @param {string} root @param {string} [name] @returns {{ gphome: string, python: string }} */
export function gpdb7(root, name = "gpdb7") {
  const gphome = join(root, name);
  mkdirSync(join(gphome, "lib", "python", "gppylib"), { recursive: true });
  mkdirSync(join(gphome, "bin"), { recursive: true });
  mkdirSync(join(gphome, "etc", "environment.d"), { recursive: true });
  // GPDB 7 / Cloudberry: python3 comes from PATH; here a venv with real coverage.
  const venv = makeVenv(join(root, `${name}-python`));
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
  compileAll(join(venv, "bin", "python3"), join(gphome, "lib", "python"));
  writeFileSync(join(gphome, "bin", "gpsegwork"), "#!/usr/bin/env python3\nimport sys\nfrom gppylib.util import on_host, segment_work\nprint(segment_work(int(sys.argv[1])))\nif len(sys.argv) > 2:\n    on_host(sys.argv[2])\n", { mode: 0o755 });
  return { gphome, python: join(gphome, "bin", "python3") };
}

