// dist/firefox as Firefox reads it: `web-ext lint` must report no errors. Also the per-browser manifest
// shapes and the fewest permissions the manifest asks for.
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CHROME_DIST, FIREFOX_DIST, ROOT, ensureExtensionBuilt } from "./harness";

describe("extension builds", () => {
  ensureExtensionBuilt();
  const chrome = JSON.parse(readFileSync(join(CHROME_DIST, "manifest.json"), "utf8"));
  const firefox = JSON.parse(readFileSync(join(FIREFOX_DIST, "manifest.json"), "utf8"));

  it("web-ext lint reports 0 errors for dist/firefox", () => {
    const r = spawnSync(join(ROOT, "node_modules", ".bin", "web-ext"), ["lint", "-s", FIREFOX_DIST, "-o", "json"], { encoding: "utf8", cwd: ROOT });
    const report = JSON.parse(r.stdout) as { summary: { errors: number }; errors: { code: string; message: string }[] };
    expect(report.errors.map((e) => `${e.code}: ${e.message}`)).toEqual([]);
    expect(report.summary.errors).toBe(0);
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
    for (const host of chrome.host_permissions as string[]) expect(host).toMatch(/^https:\/\/(cas|kms|alidns|cdn|dcdn|slb|alb)(\.[a-z0-9-]+)?\.aliyuncs\.com\/\*$/);
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
