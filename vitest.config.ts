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
    maxWorkers: 2,
    reporters: ["default", "./test/helpers/summary-reporter.ts"],
  },
});
