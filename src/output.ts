import pc from "picocolors";

const colour = () => !process.env.NO_COLOR && process.stderr.isTTY;

/** Messages for people go to stderr; stdout is for what scripts consume. */
export const say = (msg: string) => process.stderr.write(`covshim: ${msg}\n`);
export const warn = (msg: string) => process.stderr.write(`${colour() ? pc.yellow("covshim: warning:") : "covshim: warning:"} ${msg}\n`);
export const out = (msg: string) => process.stdout.write(msg.endsWith("\n") ? msg : msg + "\n");
