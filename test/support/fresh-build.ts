// Tests run the built outputs (dist/cli, dist/chrome). When a source is newer than the output, rebuild it
// first, so `npx vitest run <file>` after an edit never tests yesterday's build. `npm test` builds anyway;
// KEYSMITH_SKIP_BUILD=1 skips the check. Builds made here are test builds (KEYSMITH_TEST_HOOKS=1, see
// scripts/build-extension.mjs), and an extension build that is not one (`npm run build`, `npm start`) counts
// as stale, so the end-to-end tests always find the worker's test hook.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";

export const ROOT = resolve(import.meta.dirname, "../..");

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** What scripts/build-extension.mjs records about the build in dist/. */
export const EXTENSION_BUILD_RECORD = "dist/.extension-build.json";

/** True when the extension in dist/ was built with the worker's test hook. */
export function extensionBuildHasTestHooks(record = join(ROOT, EXTENSION_BUILD_RECORD)): boolean {
  try {
    return (JSON.parse(readFileSync(record, "utf8")) as { testHooks?: unknown }).testHooks === true;
  } catch {
    return false;
  }
}

/** Run `script` (relative to the root), as a test build, when `output` is older than any of `sources`. */
export function rebuildIfStale(output: string, sources: string[], script: string): void {
  if (process.env.KEYSMITH_SKIP_BUILD === "1") return;
  const built = newestMtime(join(ROOT, output));
  const newest = Math.max(...sources.map((s) => newestMtime(join(ROOT, s))));
  const plainExtension = script.endsWith("build-extension.mjs") && !extensionBuildHasTestHooks();
  if (built >= newest && !plainExtension) return;
  const r = spawnSync(process.execPath, [join(ROOT, script)], { cwd: ROOT, encoding: "utf8", env: { ...process.env, KEYSMITH_TEST_HOOKS: "1" } });
  if (r.status !== 0) throw new Error(`${script} failed: ${r.stderr}`);
}

/** dist/cli/keysmith.js, rebuilt when src/, cli/ or the catalogues changed. */
export function ensureCliBuilt(): void {
  rebuildIfStale("dist/cli/keysmith.js", ["src", "cli", "_locales", "scripts/build-cli.mjs", "package.json"], "scripts/build-cli.mjs");
}
