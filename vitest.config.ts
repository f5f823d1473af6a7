import { defineConfig } from "vitest/config";

// Users' machines do not set these; this one does. The suite runs as users
// run: Python writes bytecode, and output is buffered.
delete process.env.PYTHONDONTWRITEBYTECODE;
delete process.env.PYTHONUNBUFFERED;

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/helpers/global-setup.ts"],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: "forks",
    // Three on 2 cores: much of the suite waits (shells under tmux, sshd hosts,
    // CPython's tests on their timeouts), so a third file fills the gaps.
    maxWorkers: 3,
    reporters: ["default", "./test/helpers/summary-reporter.ts"],
  },
});
