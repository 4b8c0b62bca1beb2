// The DV journey in a real Firefox (Debian's firefox-esr, headless, WebDriver BiDi through puppeteer-core, as
// firefox-smoke.test.ts): dist/firefox, installed as a temporary add-on with the emulator's loopback origin
// among its host permissions (the grant a user gives when the options page asks for it; the harness's
// distWithGrants copy), is pointed at the local emulator (emulator/index.ts) with settings.set and
// credentials.set sent from the popup page as the popup sends them. Then, through the popup: a DV CSR →
// "Order a certificate with it" → the order waits for its TXT record → "Add the record through Alidns" →
// issued and paired with the key → a PFX exported from the key card, saved by Firefox's download manager and
// opened by `openssl pkcs12`, its key the certificate's. Firefox's output holds no error from the add-on's
// scripts. Launch and popup: test/e2e/firefox-harness.ts; caveats (the UUID pref,
// --remote-allow-system-access, goto not awaited): docs/extension.md, "Firefox".
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchFirefox, openPopup as openPopupOn, read as readOn, sendRaw, type FirefoxRun } from "./firefox-harness";
import {
  FIREFOX_DIST, distWithGrants, ensureExtensionBuilt, expectEventually, openssl, startTestEmulator, waitFor, type TestEmulator,
} from "./harness";

const UUID = "6d3a9e41-2c7b-4f08-a5d1-93b0e4c8f217";
const DOMAIN = process.env.KEYSMITH_TEST_DOMAIN ?? "example.com";
const CN = `www.${DOMAIN}`;
const PASS = "correct horse 马";

let emulator: TestEmulator;
let firefox: FirefoxRun | undefined;
let page: Page;
let dist = "";
const downloads = mkdtempSync(join(tmpdir(), "keysmith-firefox-downloads-"));

/** One protocol message from the popup page, as the popup sends it; the value, or a thrown error with the code. */
async function send<T>(type: string, payload: unknown): Promise<T> {
  const reply = await sendRaw<T>(page, type, payload);
  if (!reply.ok) throw new Error(`${type}: ${reply.error?.code}: ${reply.error?.message}`);
  return reply.value as T;
}

/** A property of the first element matching `selector` ("" while there is none), for expectEventually. */
function read(selector: string, property: "value" | "textContent"): () => Promise<string> {
  return readOn(page, selector, property);
}

/** The order card's id once the order is in one of `states` (the popup polls; Refresh pressed while waiting). */
async function orderIn(states: string[]): Promise<string> {
  return waitFor(async () => {
    for (const card of await page.$$("#order-list > li[data-order-id]")) {
      const [id, state] = await card.evaluate((el) => [el.getAttribute("data-order-id"), el.getAttribute("data-state")]);
      if (id && state && states.includes(state)) return id;
    }
    const refresh = await page.$("#reload-orders");
    if (refresh && !(await refresh.evaluate((b) => (b as HTMLButtonElement).disabled))) await refresh.click().catch(() => undefined);
    return undefined;
  }, `an order in ${states.join("/")}`, 150, 400);
}

/** The popup in a new tab, the previous one closed, once it has its settings (firefox-harness's openPopup). */
async function openPopup(): Promise<void> {
  page = await openPopupOn(firefox!, { previous: page as Page | undefined, viewport: { width: 400, height: 600 } });
}

beforeAll(async () => {
  ensureExtensionBuilt();
  emulator = await startTestEmulator();
  dist = distWithGrants(FIREFOX_DIST, ["http://127.0.0.1/*"]);
  firefox = await launchFirefox(dist, UUID, {
    // Downloads go straight to `downloads`, without a dialog.
    "browser.download.folderList": 2,
    "browser.download.dir": downloads,
    "browser.download.useDownloadDir": true,
    "browser.download.always_ask_before_handling_new_types": false,
    "browser.download.alwaysOpenPanel": false,
  });
  await openPopup();
}, 90_000);

afterAll(async () => {
  await firefox?.browser.close();
  await emulator?.close();
  if (dist) rmSync(dist, { recursive: true, force: true });
  rmSync(downloads, { recursive: true, force: true });
});

describe("the DV journey in Firefox ESR against the emulator", () => {
  it("the background script takes the emulator's endpoint and AccessKey", async () => {
    const settings = await send<{ endpoint: string; autoImportEndpoint: string }>("settings.set", { endpoint: emulator.url, autoImportEndpoint: emulator.url });
    expect(settings.endpoint).toBe(emulator.url);
    const status = await send<{ configured: boolean; accessKeyId?: string }>("credentials.set", { accessKeyId: emulator.accessKeyId, accessKeySecret: emulator.accessKeySecret });
    expect(JSON.stringify(status)).not.toContain(emulator.accessKeySecret);
    const test = await send<{ ok: boolean }>("credentials.test", {});
    expect(test.ok, JSON.stringify(test)).toBe(true);
  });

  it("CSR → order → Alidns record → issued → PFX that openssl opens, key matching the certificate", async () => {
    // The popup read its settings before they changed: open it again on them.
    await openPopup();
    await page.waitForSelector("#create-csr");
    await page.select("#csr-profile", "dv");
    await page.select("#key-spec", "EC_P256");
    await page.locator("#subject-cn").fill(CN);
    await page.click("#create-csr");
    await page.waitForSelector("#csr-pem", { timeout: 60_000 });
    await expectEventually(read("#csr-pem", "value"), /^-----BEGIN CERTIFICATE REQUEST-----/, "the CSR in #csr-pem");

    await page.click("#order-this-csr");
    await page.waitForSelector("#new-order");
    await expectEventually(read("#order-key", "value"), /./, "the new key preselected in #order-key");
    await page.locator("#order-username").fill("Test User");
    await page.locator("#order-email").fill(`admin@${DOMAIN}`);
    await page.locator("#order-phone").fill("13800000000");
    await page.select("#order-validate", "DNS");
    await page.click("#submit-order");
    await waitFor(async () => (await page.$("#new-order")) === null, "the order form gone once the order is placed");

    const id = await orderIn(["validation"]);
    await expectEventually(read(`#rec-type-${id}`, "textContent"), "TXT", "the record type");
    await expectEventually(read(`#rec-value-${id}`, "textContent"), /.{9,}/, "the record value");
    await page.click(`#add-dns-${id}`);
    await orderIn(["issued"]);

    await page.click("#tab-keys");
    await page.waitForSelector("#key-list > li[data-key-id]");
    const keyId = await waitFor(async () => {
      for (const card of await page.$$("#key-list > li[data-key-id]")) {
        const [keyId, text] = await card.evaluate((el) => [el.getAttribute("data-key-id"), el.textContent ?? ""]);
        if (keyId && text?.includes(CN)) return keyId;
      }
      return undefined;
    }, `the key card of ${CN}`);
    await page.click(`[data-key-id="${keyId}"] .card-head`);
    await page.waitForSelector(`#export-format-${keyId}`);
    await expectEventually(read(`[data-key-id="${keyId}"]`, "textContent"), /certificate/i, "the key paired with its certificate");
    await page.select(`#export-format-${keyId}`, "pkcs12");
    await page.locator(`#export-passphrase-${keyId}`).fill(PASS);
    await page.locator(`#export-confirm-${keyId}`).fill(PASS);
    await page.click(`#export-${keyId}`);
    // Firefox puts an empty NAME in place, writes NAME.part and moves it over NAME when the download is complete.
    const name = await waitFor(async () => {
      const files = readdirSync(downloads);
      const done = files.find((f) => f.endsWith(".pfx") && statSync(join(downloads, f)).size > 0);
      return done && !files.some((f) => f.endsWith(".part")) ? done : undefined;
    }, "the PFX in the download folder");
    const pfx = join(downloads, name);
    const certs = openssl(["pkcs12", "-in", pfx, "-passin", `pass:${PASS}`, "-nokeys"]);
    expect(certs).toContain(`CN = ${CN}`);
    const key = openssl(["pkcs12", "-in", pfx, "-passin", `pass:${PASS}`, "-nocerts", "-nodes"]);
    expect(openssl(["pkey", "-pubout"], key)).toBe(openssl(["x509", "-pubkey", "-noout"], certs));
  });

  it("Firefox reported no error from the add-on's scripts", () => {
    expect(firefox?.addonErrors()).toEqual([]);
  });
});
