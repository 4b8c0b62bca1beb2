// The worker's test hook is a build-time switch (scripts/build-extension.mjs, Vite define
// __KEYSMITH_TEST_HOOKS__): a plain build's background bundle hands the worker to no global, a test build
// (KEYSMITH_TEST_HOOKS=1, as scripts/test.mjs and test/support/fresh-build.ts build) sets
// `globalThis.keysmith`; a store build (KEYSMITH_RELEASE=1) refuses to be a test build. Built here into
// temporary folders (KEYSMITH_DIST), never over dist/.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT, extensionBuildHasTestHooks } from "../support/fresh-build";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function buildExtension(testHooks: string | undefined): string {
  const out = mkdtempSync(join(tmpdir(), "keysmith-build-hooks-"));
  dirs.push(out);
  const env: NodeJS.ProcessEnv = { ...process.env, KEYSMITH_DIST: out };
  delete env.KEYSMITH_TEST_HOOKS;
  if (testHooks !== undefined) env.KEYSMITH_TEST_HOOKS = testHooks;
  const r = spawnSync(process.execPath, [join(ROOT, "scripts/build-extension.mjs")], { cwd: ROOT, env, encoding: "utf8" });
  expect(r.status, r.stderr).toBe(0);
  return out;
}

/** An assignment of the `keysmith` property on the global object, however the minifier spells it. */
const HOOK = /globalThis\.keysmith\s*=|globalThis\[["']keysmith["']\]\s*=/;

describe("the worker's test hook is in test builds only", { timeout: 120_000 }, () => {
  it("a plain build (no KEYSMITH_TEST_HOOKS, or 0) has no global assignment of the worker", () => {
    for (const value of [undefined, "0"]) {
      const out = buildExtension(value);
      for (const browser of ["chrome", "firefox"]) {
        const bundle = readFileSync(join(out, browser, "background.js"), "utf8");
        expect(bundle.length).toBeGreaterThan(1000);
        expect(bundle).not.toMatch(HOOK);
        expect(bundle).not.toContain("__KEYSMITH_TEST_HOOKS__");
      }
      expect(extensionBuildHasTestHooks(join(out, ".extension-build.json"))).toBe(false);
    }
  });

  it("a store build (KEYSMITH_RELEASE=1, as scripts/package.mjs builds) refuses the test hook", () => {
    const out = mkdtempSync(join(tmpdir(), "keysmith-build-hooks-"));
    dirs.push(out);
    const env: NodeJS.ProcessEnv = { ...process.env, KEYSMITH_DIST: out, KEYSMITH_RELEASE: "1", KEYSMITH_TEST_HOOKS: "1" };
    const r = spawnSync(process.execPath, [join(ROOT, "scripts/build-extension.mjs")], { cwd: ROOT, env, encoding: "utf8" });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/a store build never has the test hook/);
    expect(existsSync(join(out, "chrome"))).toBe(false);
  });

  it("a test build (KEYSMITH_TEST_HOOKS=1) sets globalThis.keysmith to the worker", () => {
    const out = buildExtension("1");
    for (const browser of ["chrome", "firefox"]) {
      const bundle = readFileSync(join(out, browser, "background.js"), "utf8");
      expect(bundle).toMatch(HOOK);
      expect(bundle).not.toContain("__KEYSMITH_TEST_HOOKS__");
    }
    expect(extensionBuildHasTestHooks(join(out, ".extension-build.json"))).toBe(true);
  });
});
