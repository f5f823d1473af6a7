import { bash } from "../../src/shells/bash.js";
import { describeShellLines } from "../helpers/quoting.js";

describeShellLines(bash);
