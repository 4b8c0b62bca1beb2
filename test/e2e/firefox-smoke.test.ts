// dist/firefox in a real Firefox: Debian's firefox-esr, headless, driven over WebDriver BiDi by puppeteer-core
// (Playwright's Firefox is a patched build that cannot be downloaded here). The add-on is installed as a
// temporary add-on (BiDi webExtension.install) with its moz-extension UUID pinned by the
// `extensions.webextensions.uuids` pref, so the popup's address is known (launch and popup:
// test/e2e/firefox-harness.ts). The popup makes an EC_P256 and an EC_SM2 CSR (the background script makes the
// key, keeps it in IndexedDB and signs), OpenSSL verifies both, and the background script answers
// `settings.get` and lists both keys. Firefox's own output is searched for errors from the add-on's scripts.
// Recipe and caveats: docs/extension.md, "Firefox".
import type { Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchFirefox, openPopup, read as readOn, sendRaw as sendRawOn, type FirefoxRun, type RawReply } from "./firefox-harness";
import { FIREFOX_DIST, ensureExtensionBuilt, expectEventually, opensslVerifyCsr, waitFor } from "./harness";

const UUID = "4b0f6c2e-8d1a-4f3b-9c57-2e6a1d0b7f35";

let firefox: FirefoxRun | undefined;
let page: Page;

/** One protocol message from the popup page, as the popup sends it (the raw `{ ok, value | error }` reply). */
async function sendRaw(type: string, payload: unknown): Promise<RawReply> {
  return sendRawOn(page, type, payload);
}

async function fill(selector: string, value: string): Promise<void> {
  await page.locator(selector).fill(value);
}

/** A property of the first element matching `selector` ("" while there is none), for expectEventually. */
function read(selector: string, property: "value" | "textContent"): () => Promise<string> {
  return readOn(page, selector, property);
}

beforeAll(async () => {
  ensureExtensionBuilt();
  firefox = await launchFirefox(FIREFOX_DIST, UUID);
  page = await openPopup(firefox);
}, 60_000);

afterAll(async () => {
  await firefox?.browser.close();
});

describe("dist/firefox in Firefox ESR (headless, WebDriver BiDi)", () => {
  it("the background script answers settings.get", async () => {
    const reply = await sendRaw("settings.get", {});
    expect(reply.error).toBeUndefined();
    expect(reply.ok).toBe(true);
    expect(reply.value).toMatchObject({ site: "cn", signatureVersion: "v3", followOrders: true });
  });

  it.each(["EC_P256", "EC_SM2"] as const)("%s CSR through the popup, verified by openssl", async (spec) => {
    // The previous spec's result is showing (or, first, the empty form): start from the form. puppeteer's
    // select() does not wait for its element, so wait for the form first.
    await page.waitForSelector("#another-csr, #create-csr");
    if (await page.$("#another-csr")) await page.click("#another-csr");
    await page.waitForSelector("#csr-profile");
    await page.select("#csr-profile", "generic");
    await page.select("#key-spec", spec);
    const cn = `${spec.toLowerCase().replace(/_/g, "-")}.firefox.example.com`;
    await fill("#subject-cn", cn);
    // O and C sit behind "More fields" (its state is remembered: open it when closed).
    if ((await page.$eval("#csr-more-toggle", (b) => b.getAttribute("aria-expanded"))) !== "true") await page.click("#csr-more-toggle");
    await fill("#subject-o", "示例 Keysmith Test");
    await fill("#subject-c", "CN");
    await fill("#sans", `www.${cn}`);
    await page.click("#create-csr");
    await page.waitForSelector("#csr-pem", { timeout: 30_000 });
    const pem = await expectEventually(read("#csr-pem", "value"), /^-----BEGIN CERTIFICATE REQUEST-----/, "the CSR in #csr-pem");
    const text = opensslVerifyCsr(pem, spec === "EC_SM2");
    expect(text).toMatch(/verify OK/);
    expect(text).toContain(`CN = ${cn}`);
    expect(text).toContain(`DNS:www.${cn}`);
    expect(text).toMatch(spec === "EC_SM2" ? /SM2/ : /NIST CURVE|prime256v1/);
    await expectEventually(read("#csr-signature-status", "textContent"), "valid", "#csr-signature-status");
  });

  it("both keys are kept by the background script (IndexedDB) and listed", async () => {
    const reply = await sendRaw("keys.list", {});
    expect(reply.error).toBeUndefined();
    const specs = (reply.value as { spec: string }[]).map((k) => k.spec).sort();
    expect(specs).toEqual(["EC_P256", "EC_SM2"]);
    await page.click("#tab-keys");
    await waitFor(async () => (await page.$$("#key-list > li")).length === 2, "two keys in the Keys tab", 100, 100);
  });

  it("Firefox reported no error from the add-on's scripts", () => {
    expect(firefox?.addonErrors()).toEqual([]);
  });
});
