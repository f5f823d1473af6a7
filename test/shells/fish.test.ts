import { fish } from "../../src/shells/fish.js";
import { describeShellLines } from "../helpers/quoting.js";

describeShellLines(fish);
