import { defineConfig } from "vitest/config";

// Unit and interop tests run in parallel; the real-browser tests share one Chromium at a time. Two files at
// once (one browser file beside a unit file, or two unit files): Vitest's default on two cores is one
// (cores − 1), which ran the whole suite file after file.
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
