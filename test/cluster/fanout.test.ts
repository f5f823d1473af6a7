import { describe, expect, it } from "vitest";
import { eachHost, hostsWidth } from "../../src/cluster/fanout.js";

/** A stream that says it is a terminal and keeps what was written. */
function term(isTTY = true) {
  const out: string[] = [];
  return { out, stream: { isTTY, write: (s: string) => out.push(s) } as unknown as NodeJS.WriteStream };
}

const tick = () => new Promise((r) => setTimeout(r, 1));

describe("eachHost: every per-host step, a bounded number at a time", () => {
  it("never more than the width at once; outcomes in the hosts' order, failures among them", async () => {
    const hosts = Array.from({ length: 20 }, (_, i) => `h${i}`);
    let now = 0;
    let most = 0;
    const { stream } = term(false);
    const out = await eachHost(
      "probe",
      hosts,
      async (h, i) => {
        most = Math.max(most, ++now);
        for (let k = 0; k < (i * 7) % 5; k++) await tick();
        now--;
        if (h === "h7") throw new Error("unreachable");
        return h.toUpperCase();
      },
      { width: 4, stream },
    );
    expect(most).toBe(4);
    expect(out.map((o) => o.item)).toEqual(hosts);
    expect(out[7]!.error!.message).toBe("unreachable");
    expect(out[3]!.value).toBe("H3");
  });

  it("on a terminal one line that counts, with what the step adds, ended by a newline; elsewhere nothing", async () => {
    const t = term();
    await eachHost("collect", ["a", "b", "c"], async () => tick(), { width: 2, stream: t.stream, extra: () => ", 1.0 MB" });
    expect(t.out[0]).toBe("\rcovshim: collect 0/3 hosts, 1.0 MB\x1b[K");
    expect(t.out.at(-2)).toBe("\rcovshim: collect 3/3 hosts, 1.0 MB\x1b[K");
    expect(t.out.at(-1)).toBe("\n");
    const quiet = term(false);
    await eachHost("collect", ["a", "b"], async () => tick(), { stream: quiet.stream });
    expect(quiet.out).toEqual([]);
  });

  it("COVSHIM_HOSTS_WIDTH: 8 by default, 1 to 64, anything else one line", () => {
    expect(hostsWidth({})).toBe(8);
    expect(hostsWidth({ COVSHIM_HOSTS_WIDTH: "24" })).toBe(24);
    for (const bad of ["0", "65", "2.5", "eight"]) expect(() => hostsWidth({ COVSHIM_HOSTS_WIDTH: bad })).toThrow(`COVSHIM_HOSTS_WIDTH is '${bad}': a whole number from 1 to 64`);
  });
});
