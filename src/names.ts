import { usageError } from "./errors.js";

/** Names of installs and saved reports: safe in file names, prompts and the shells' file. */
export const validName = (n: string, what = "report name") => {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(n)) throw usageError(`invalid ${what} '${n}': letters, digits, . _ - (up to 64)`);
  return n;
};
