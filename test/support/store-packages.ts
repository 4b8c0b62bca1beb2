// The store packages as the tests get them: scripts/package.mjs run as `npm run package` runs it (no test
// hook, the commit's own timestamp), and a zip's entries written into a folder.
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { expect } from "vitest";
import type { ZipEntry } from "../../scripts/zip.mjs";

/** Runs scripts/package.mjs of `tree` (in `tree`) with `--out out` and `extra`; fails the test when it fails. */
export function runPackageScript(tree: string, out: string, extra: string[] = []): void {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.KEYSMITH_TEST_HOOKS;
  delete env.SOURCE_DATE_EPOCH;
  const r = spawnSync(process.execPath, [join(tree, "scripts", "package.mjs"), "--out", out, ...extra], { cwd: tree, env, encoding: "utf8" });
  expect(r.status, r.stderr).toBe(0);
}

/** Writes the entries of a zip (scripts/zip.mjs readZip) under `dir`, as unzipping it would. */
export function unzipInto(entries: ZipEntry[], dir: string): void {
  for (const e of entries) {
    mkdirSync(dirname(join(dir, e.name)), { recursive: true });
    writeFileSync(join(dir, e.name), e.data);
  }
}
