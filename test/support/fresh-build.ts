// Tests run the built outputs (dist/cli, dist/chrome). When a source is newer than the output, rebuild it
// first, so `npx vitest run <file>` after an edit never tests yesterday's build. `npm test` builds anyway;
// KEYSMITH_SKIP_BUILD=1 skips the check.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
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

/** Run `script` (relative to the root) when `output` is older than any of `sources`. */
export function rebuildIfStale(output: string, sources: string[], script: string): void {
  if (process.env.KEYSMITH_SKIP_BUILD === "1") return;
  const built = newestMtime(join(ROOT, output));
  const newest = Math.max(...sources.map((s) => newestMtime(join(ROOT, s))));
  if (built >= newest) return;
  const r = spawnSync(process.execPath, [join(ROOT, script)], { cwd: ROOT, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${script} failed: ${r.stderr}`);
}

/** dist/cli/keysmith.js, rebuilt when src/, cli/ or the catalogues changed. */
export function ensureCliBuilt(): void {
  rebuildIfStale("dist/cli/keysmith.js", ["src", "cli", "_locales", "scripts/build-cli.mjs", "package.json"], "scripts/build-cli.mjs");
}
