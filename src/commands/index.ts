import type { CommandSpec } from "./spec.js";
import { enable } from "./enable.js";
import { off } from "./off.js";
import { status } from "./status.js";
import { env } from "./env.js";
import { hook } from "./hook.js";
import { doctor } from "./doctor.js";
import { report } from "./report.js";
import { diff } from "./diff.js";
import { tests } from "./tests.js";
import { run } from "./run.js";
import { collect } from "./collect.js";
import { demo } from "./demo.js";
import { data } from "./data.js";

/** The one list of commands, in the order help shows them. */
export const COMMANDS: CommandSpec[] = [enable, off, status, env, hook, doctor, report, diff, tests, run, collect, data, demo];
