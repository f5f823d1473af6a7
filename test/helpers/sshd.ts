import { afterEach } from "vitest";
import { Cluster as Hosts } from "./cluster.mjs";

export type { Host } from "./cluster.mjs";

const running: Cluster[] = [];
afterEach(() => {
  while (running.length) running.pop()!.stopAll();
});

/** test/helpers/cluster.mjs, stopped after every test also when it fails. */
export class Cluster extends Hosts {
  constructor(...args: ConstructorParameters<typeof Hosts>) {
    super(...args);
    running.push(this);
  }
}
