import { defineConfig } from "vitest/config";

// Unit and interop tests run two files at once (Vitest's default on two cores is one, cores − 1, which ran
// them file after file); the real-browser tests one at a time, sharing one Chromium. Vitest puts a project
// with one worker and the default sequence.groupOrder in a group of its own that runs after the others, so
// the browser files start once the unit files are done: they do not overlap.
export default defineConfig({
  test: {
    maxWorkers: 2,
    // Registers every message catalogue (both languages) with src/core/i18n.ts, as the CLI and worker entries do.
    setupFiles: ["test/support/i18n-catalogs.ts"],
    projects: [
      {
        extends: true,
        test: { name: "unit", include: ["test/unit/**/*.test.ts", "test/interop/**/*.test.ts"], testTimeout: 60_000 },
      },
      {
        extends: true,
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
