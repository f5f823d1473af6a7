import { describe, expect, it } from "vitest";
import { groupInfo } from "../../src/install/group.js";

describe("a group from /etc/group", () => {
  it("its id and members", () => {
    expect(groupInfo("root").gid).toBe(0);
    expect(Array.isArray(groupInfo("root").members)).toBe(true);
  });
  it("an unknown group is named with how to look", () => {
    expect(() => groupInfo("no-such-group-covshim")).toThrow("no group named 'no-such-group-covshim' (getent group no-such-group-covshim)");
  });
});
