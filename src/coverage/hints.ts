import { realpathSync } from "node:fs";
import { join } from "node:path";
import { interpreterName, whichPython } from "../install/target.js";
import type { InstallRecord } from "../state/state.js";
import { startValue, startVariable } from "../shells/variable.js";

const real = (p: string) => {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
};

/**
 * Why a run produced no data, judged from the environment the tests were
 * most likely started from (this shell): the first cause that fits, or
 * undefined when this shell would measure.
 */
export function likelyCause(rec: InstallRecord, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (rec.scope === "shell" && startValue(env) !== rec.rcfile) {
    return `${startVariable(rec)} is not set in this shell, so what runs from it is not measured: add the hook (eval "$(covshim hook bash)") or run eval "$(covshim env)"`;
  }
  if (rec.kind === "gpdb" || rec.kind === "dir") {
    const dir = rec.kind === "gpdb" ? join(rec.path, "lib", "python") : rec.path;
    const onPath = (env.PYTHONPATH ?? "").split(":").filter(Boolean).map(real);
    if (!onPath.includes(real(dir))) {
      return rec.kind === "gpdb"
        ? `${dir} is not on this shell's PYTHONPATH: source ${join(rec.path, "greenplum_path.sh")} before running the tests`
        : `${dir} is not on this shell's PYTHONPATH, so Python never loads the shim there`;
    }
    const name = interpreterName(rec.kind, rec.path, rec.python);
    const py = whichPython(env, name);
    if (py && real(py) !== real(rec.python)) {
      return `${name} on this shell's PATH is ${py}, not ${rec.python} that covshim enabled: processes of another interpreter (without coverage, or with another) are not measured`;
    }
  }
  if (rec.kind === "venv" && env.VIRTUAL_ENV && real(env.VIRTUAL_ENV) !== real(rec.path)) {
    return `the venv active in this shell is ${env.VIRTUAL_ENV}, not ${rec.path}`;
  }
  return undefined;
}

/** The one line `report` and `status` say when nothing was measured. */
export function noDataLine(rec: InstallRecord, env: NodeJS.ProcessEnv = process.env): string {
  const cause = likelyCause(rec, env);
  return `no data yet for ${rec.name}: ${cause ?? "no measured process has saved data; run your tests with measurement on, then report"}; 'covshim doctor ${rec.name}' checks the install`;
}
