import { readFileSync } from "node:fs";
import { CovshimError } from "../errors.js";

/** A group's id and members from /etc/group (what `enable --group` shares the data with). */
export function groupInfo(name: string): { gid: number; members: string[] } {
  let text = "";
  try {
    text = readFileSync("/etc/group", "utf8");
  } catch {
    throw new CovshimError("cannot read /etc/group to look up --group");
  }
  for (const line of text.split("\n")) {
    const [n, , gid, members] = line.split(":");
    if (n === name && gid !== undefined) return { gid: Number(gid), members: (members ?? "").split(",").filter(Boolean) };
  }
  throw new CovshimError(`no group named '${name}' (getent group ${name})`);
}
