import { join } from "node:path";
import { expect, it } from "vitest";
import { dirs } from "../src/paths.js";

it("every place from one module: COVSHIM_HOME puts all under it; on macOS the state is not in ~/Library/Logs", () => {
  expect(dirs({ COVSHIM_HOME: "/h" })).toEqual({ config: "/h/config", data: "/h/data", state: "/h/state" });
  const linux = dirs({}, "linux");
  expect(linux.state).not.toBe(join(linux.data, "state"));
  const mac = dirs({}, "darwin");
  expect(mac.state).toBe(join(mac.data, "state"));
  expect(mac.state).not.toMatch(/Logs/);
});
