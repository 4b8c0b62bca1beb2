// Offline CSR through the real popup: Chromium with the built extension, every network request blocked,
// no credentials. For every key spec the user picks it, types the subject, presses Create, and the PEM
// shown is verified by OpenSSL (SM2 over the default id 1234567812345678).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { blockNetwork, contains, expectCount, expectText, expectValue, launchExtension, openExtensionPage, opensslVerifyCsr, type ExtensionSession } from "./harness";
import { KEY_SPEC_IDS } from "../../src/messages";

let session: ExtensionSession;
let page: Page;
let tried: string[];

beforeAll(async () => {
  session = await launchExtension();
  tried = await blockNetwork(session);
  page = await openExtensionPage(session, "popup.html?lang=en");
  await page.waitForSelector("body[data-synced=true]");
});
afterAll(async () => session?.dispose());

describe("offline CSR through the popup", () => {
  it.each(KEY_SPEC_IDS)("%s: made in the worker, verified by openssl", async (spec) => {
    // The previous spec's result is showing (or, first, the empty form): start from the form.
    await page.waitForSelector("#another-csr, #create-csr");
    if (await page.isVisible("#another-csr")) await page.click("#another-csr");
    await page.selectOption("#csr-profile", "generic");
    await page.selectOption("#key-spec", spec);
    const cn = `${spec.toLowerCase().replace(/_/g, "-")}.example.com`;
    await page.fill("#subject-cn", cn);
    // O and C sit behind "More fields" (its state is remembered: open it once, or again after a reset).
    if ((await page.getAttribute("#csr-more-toggle", "aria-expanded")) === "false") await page.click("#csr-more-toggle");
    await page.fill("#subject-o", "示例 Keysmith Test");
    await page.fill("#subject-c", "CN");
    await page.fill("#sans", `www.${cn}`);
    await page.click("#create-csr");
    await page.waitForSelector("#csr-pem", { timeout: 120_000 });
    const pem = await expectValue(page, "#csr-pem", /^-----BEGIN CERTIFICATE REQUEST-----/);
    const text = opensslVerifyCsr(pem, spec === "EC_SM2");
    expect(text).toMatch(/verify OK/);
    expect(text).toContain(`CN = ${cn}`);
    expect(text).toContain(`DNS:www.${cn}`);
    expect(text).toMatch(spec.startsWith("RSA") ? new RegExp(`Public-Key: \\(${spec.slice(4)} bit\\)`) : spec === "EC_SM2" ? /SM2/ : /NIST CURVE|prime256v1|secp384r1/);
    await expectText(page, "#csr-signature-status", "valid");
    await expectText(page, "#openssl-command", contains("openssl req -new"));
  });

  it("touched no network", () => {
    expect(tried).toEqual([]);
  });

  it("lists every key made, with its spec", async () => {
    await page.click("#tab-keys");
    await expectCount(page, "#key-list > li", KEY_SPEC_IDS.length);
  });
});
