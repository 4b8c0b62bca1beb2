// The Firefox store package as addons.mozilla.org reads it: `npm run package` (scripts/package.mjs, from the
// commit at HEAD, into a temporary folder), the Firefox zip unpacked, and `web-ext lint` on it must report
// 0 errors and 0 warnings. Also the per-browser manifest shapes of the development build in dist/ and the
// fewest permissions the manifest asks for.
import { afterAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readZip } from "../../scripts/zip.mjs";
import { runPackageScript, unzipInto } from "../support/store-packages";
import { CHROME_DIST, FIREFOX_DIST, ROOT, ensureExtensionBuilt } from "./harness";

interface LintMessage {
  code: string;
  message: string;
  file?: string;
}
interface LintReport {
  summary: { errors: number; warnings: number; notices: number };
  errors: LintMessage[];
  warnings: LintMessage[];
}

const work = mkdtempSync(join(tmpdir(), "keysmith-lint-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The Firefox zip `npm run package` writes, unpacked into a folder of its own. */
function unpackedFirefoxPackage(): string {
  const out = join(work, "packages");
  runPackageScript(ROOT, out);
  const zip = readdirSync(out).find((f) => /^keysmith-firefox-.+\.zip$/.test(f));
  expect(zip).toBeDefined();
  const dir = join(work, "firefox");
  unzipInto(readZip(readFileSync(join(out, zip!))), dir);
  return dir;
}

describe("extension builds", () => {
  ensureExtensionBuilt();
  const chrome = JSON.parse(readFileSync(join(CHROME_DIST, "manifest.json"), "utf8"));
  const firefox = JSON.parse(readFileSync(join(FIREFOX_DIST, "manifest.json"), "utf8"));

  it("web-ext lint reports 0 errors and 0 warnings for the unpacked Firefox package", () => {
    const dir = unpackedFirefoxPackage();
    const r = spawnSync(join(ROOT, "node_modules", ".bin", "web-ext"), ["lint", "-s", dir, "-o", "json", "--no-config-discovery"], { encoding: "utf8", cwd: work });
    const report = JSON.parse(r.stdout) as LintReport;
    const show = (m: LintMessage) => `${m.code} ${m.file ?? ""}: ${m.message}`;
    expect(report.errors.map(show)).toEqual([]);
    expect(report.warnings.map(show)).toEqual([]);
    expect(report.summary).toMatchObject({ errors: 0, warnings: 0 });
  });

  it("Chrome gets an MV3 service worker and the pinned key; Firefox background scripts and a gecko id", () => {
    expect(chrome.manifest_version).toBe(3);
    expect(chrome.background).toEqual({ service_worker: "background.js", type: "module" });
    expect(chrome.key).toMatch(/^MII/);
    expect(chrome.browser_specific_settings).toBeUndefined();
    expect(firefox.background).toEqual({ scripts: ["background.js"], type: "module" });
    expect(firefox.browser_specific_settings.gecko.id).toBe("keysmith@keysmith.dev");
    expect(firefox.browser_specific_settings.gecko.data_collection_permissions).toEqual({ required: ["none"] });
    expect(firefox.key).toBeUndefined();
  });

  it("asks for the fewest permissions: no broad hosts, loopback only as optional, strict CSP", () => {
    expect([...chrome.permissions].sort()).toEqual(["activeTab", "alarms", "contextMenus", "notifications", "scripting", "storage", "unlimitedStorage"]);
    for (const host of chrome.host_permissions as string[]) expect(host).toMatch(/^https:\/\/(cas|kms|alidns|cdn|dcdn|slb|alb|sts)(\.[a-z0-9-]+)?\.aliyuncs\.com\/\*$/);
    expect(chrome.optional_host_permissions).toContain("http://127.0.0.1/*");
    expect(chrome.content_security_policy.extension_pages).toMatch(/^script-src 'self';/);
    expect(chrome.content_security_policy.extension_pages).not.toMatch(/unsafe|https?:/);
  });

  it("_locales hold the same keys in en and zh_CN", () => {
    const en = Object.keys(JSON.parse(readFileSync(join(CHROME_DIST, "_locales", "en", "messages.json"), "utf8"))).sort();
    const zh = Object.keys(JSON.parse(readFileSync(join(CHROME_DIST, "_locales", "zh_CN", "messages.json"), "utf8"))).sort();
    expect(zh).toEqual(en);
    expect(en).toContain("extension_name");
  });

  it("no remote code: the bundles load nothing from the network", () => {
    const bg = readFileSync(join(CHROME_DIST, "background.js"), "utf8");
    expect(bg).not.toMatch(/importScripts\(|<script[^>]+src=["']https?:/);
    for (const page of ["popup.html", "options.html"]) {
      expect(readFileSync(join(CHROME_DIST, page), "utf8")).not.toMatch(/src=["']https?:|href=["']https?:/);
    }
  });
});
