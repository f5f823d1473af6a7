import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { compileAll, venvWithCoverage } from "./fixtures.js";
import { PY27, pyenvPython } from "./tools.js";

/**
 * GPDB layouts, built from nothing of GPDB itself: what covshim relies on is
 * greenplum_path.sh, lib/python on PYTHONPATH and where the interpreter is.
 */
export function gpdb7(root: string, name = "gpdb7"): { gphome: string; python: string } {
  const gphome = join(root, name);
  mkdirSync(join(gphome, "lib", "python", "gppylib"), { recursive: true });
  mkdirSync(join(gphome, "bin"), { recursive: true });
  mkdirSync(join(gphome, "etc", "environment.d"), { recursive: true });
  // GPDB 7 / Cloudberry: python3 comes from PATH; here a venv with real coverage.
  const venv = venvWithCoverage(join(root, `${name}-python`));
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

/** GPDB 6: ext/python/bin/python is Python 2.7, whose coverage 5.5 cannot be installed here. */
export function gpdb6(root: string, name = "gpdb6"): { gphome: string; python: string } {
  const gphome = join(root, name);
  mkdirSync(join(gphome, "lib", "python"), { recursive: true });
  mkdirSync(join(gphome, "ext", "python", "bin"), { recursive: true });
  symlinkSync(pyenvPython(PY27), join(gphome, "ext", "python", "bin", "python"));
  writeFileSync(
    join(gphome, "greenplum_path.sh"),
    [
      "# test fixture in the shape of GPDB 6's greenplum_path.sh",
      `GPHOME=${JSON.stringify(gphome)}`,
      "# (the real one also sets PYTHONHOME to its bundled Python; this one links pyenv's 2.7)",
      'PYTHONPATH="$GPHOME/lib/python${PYTHONPATH:+:$PYTHONPATH}"',
      'PATH="$GPHOME/ext/python/bin:$PATH"',
      "export GPHOME PYTHONPATH PATH",
      "",
    ].join("\n"),
  );
  return { gphome, python: join(gphome, "ext", "python", "bin", "python") };
}
