import { zsh } from "../../src/shells/zsh.js";
import { describeShellLines } from "../helpers/quoting.js";

describeShellLines(zsh);
