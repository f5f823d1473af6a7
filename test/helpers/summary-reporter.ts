import type { Reporter, TestModule } from "vitest/node";
import { leftovers } from "./leftovers.js";

/**
 * Ends the run with the plain "N passed, N failed" line that CI reads, after
 * checking that the suite left nothing behind (a leftover counts as a failure).
 */
export default class SummaryReporter implements Reporter {
  private before = new Set<string>();

  onInit(): void {
    this.before = new Set(leftovers());
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>, errors: ReadonlyArray<unknown>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const m of modules) {
      for (const t of m.children.allTests()) {
        const s = t.result().state;
        if (s === "passed") passed++;
        else if (s === "failed") failed++;
        else skipped++;
      }
      if (m.state() === "failed" && ![...m.children.allTests()].length) failed++;
    }
    failed += errors.length;
    const left = leftovers().filter((l) => !this.before.has(l));
    if (left.length) {
      process.stdout.write(`\nthe suite left these behind:\n${left.map((l) => `  ${l}`).join("\n")}\n`);
      failed++;
      process.exitCode = 1;
    }
    process.stdout.write(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}\n`);
  }
}
