// Key usages and renewal through the real popup against the emulator, as a user does it:
// - New CSR with "TLS server and client": the choice's keyUsage/extKeyUsage are spelled out before submitting,
//   the decoded view and the openssl command show them, and `openssl req -text` finds them in the CSR;
// - that CSR ordered to issuance (Alidns record added from the card), the key shows its certificate;
// - Renew on the key: a form filled from the last CSR (same names, same usages), a new CSR for the same key
//   (same public key per `openssl req -pubkey`), the order form with the key preselected; while it is ordered
//   the key keeps the old certificate; once issued the key shows the new one;
// - the "expires in" badge follows expiryWarningDays (set above the certificate's remaining days: it appears);
// - screenshots in en and zh_CN in test-artifacts/ui/.
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import {
  ROOT, TEST_GRANTS, contains, expectCount, expectText, expectValue, launchExtension, openExtensionPage, send, startTestEmulator, waitFor,
  type ExtensionSession, type TestEmulator,
} from "./harness";

const DOMAIN = "renew.example.com";
const SHOTS = join(ROOT, "test-artifacts/ui");
let emulator: TestEmulator;
let session: ExtensionSession;
let popup: Page;

function openssl(args: string[], input: string): string {
  const r = spawnSync("openssl", args, { encoding: "utf8", input });
  expect(r.status, `openssl ${args.join(" ")}: ${r.stderr}`).toBe(0);
  return r.stdout;
}

async function fillContact(page: Page): Promise<void> {
  await page.fill("#order-username", "Test User");
  await page.fill("#order-email", "admin@example.com");
  await page.fill("#order-phone", "13800000000");
  await page.selectOption("#order-validate", "DNS");
}

/** The order form open with `keyId` preselected: its option is there once the worker has listed the keys. */
async function orderFormWithKey(page: Page, keyId: string): Promise<void> {
  await page.waitForSelector("#new-order", { timeout: 60_000 });
  await expectValue(page, "#order-key", keyId, `key ${keyId} preselected in #order-key`);
}

/** Submit the order form (its key preselected), add the validation record through Alidns, wait for issuance. */
async function orderToIssuance(page: Page, keyId: string): Promise<string> {
  await orderFormWithKey(page, keyId);
  await fillContact(page);
  await page.click("#submit-order");
  await page.waitForSelector("#new-order", { state: "detached" });
  const order = await waitFor(async () => (await send(page, "orders.list", {})).find((o) => o.keyId === keyId && o.state === "validation" && !o.dnsRecordId), "an order in validation");
  await page.locator(`#add-dns-${order.id}`).click();
  await waitFor(async () => (await send(page, "orders.refresh", { id: order.id })).state === "issued", "the order issued", 150, 400);
  return order.id;
}

async function keyCard(page: Page, keyId: string) {
  await page.click("#tab-keys");
  const card = page.locator(`#key-list > li[data-key-id="${keyId}"]`);
  await card.waitFor();
  return card;
}

function noWiderThan400(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth <= 400);
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  emulator = await startTestEmulator();
  session = await launchExtension({ grantHosts: TEST_GRANTS });
  popup = await openExtensionPage(session, "popup.html?lang=en");
  await popup.setViewportSize({ width: 400, height: 700 });
  await popup.waitForSelector("body[data-ready=true]");
  await send(popup, "credentials.set", { accessKeyId: emulator.accessKeyId, accessKeySecret: emulator.accessKeySecret });
  // The emulator is trusted here as the options page would with "import without asking" ticked.
  await send(popup, "settings.set", { endpoint: emulator.url, autoImportEndpoint: emulator.url });
  await popup.reload();
  await popup.waitForSelector("body[data-synced=true]");
});
afterAll(async () => {
  await session?.dispose();
  await emulator?.close();
});

describe("key usages and renewal", () => {
  let keyId = "";
  let firstFingerprint = "";
  let firstCsr = "";
  let firstOrderId = "";

  it("makes a CSR with serverAuth and clientAuth through the popup; openssl finds the usages in it", async () => {
    await popup.click("#tab-new-csr");
    await popup.selectOption("#csr-profile", "dv");
    await popup.selectOption("#key-spec", "RSA_2048");
    // The usage choice sits behind "More fields" (its state is remembered: open it when closed).
    if ((await popup.getAttribute("#csr-more-toggle", "aria-expanded")) === "false") await popup.click("#csr-more-toggle");
    // The default is the TLS-server choice, and what it requests is said before submitting: in words, and the
    // extensions on the detail line.
    await expectValue(popup, "#csr-usage", "server");
    await expectText(popup, "#csr-usage-hint", contains("web server"));
    await expectText(popup, "#csr-usage-detail", contains("digitalSignature, keyEncipherment"));
    await expectText(popup, "#csr-usage-detail", contains("serverAuth"));
    await popup.selectOption("#csr-usage", "server-client");
    await expectText(popup, "#csr-usage-hint", contains("mutual TLS"));
    await expectText(popup, "#csr-usage-detail", contains("serverAuth, clientAuth"));
    await popup.fill("#subject-cn", DOMAIN);
    await popup.fill("#subject-o", "Example");
    await popup.fill("#subject-c", "CN");
    await popup.screenshot({ path: join(SHOTS, "popup-usage-en.png"), fullPage: true });
    expect(await noWiderThan400(popup)).toBe(true);
    await popup.click("#create-csr");
    await popup.waitForSelector("#csr-pem", { timeout: 60_000 });

    await expectText(popup, "#csr-key-usage", "digitalSignature, keyEncipherment");
    await expectText(popup, "#csr-ext-key-usage", "serverAuth, clientAuth");
    await expectText(popup, "#openssl-command", contains("-addext keyUsage=critical,digitalSignature,keyEncipherment"));
    await expectText(popup, "#openssl-command", contains("-addext extendedKeyUsage=serverAuth,clientAuth"));
    firstCsr = await expectValue(popup, "#csr-pem", /^-----BEGIN CERTIFICATE REQUEST-----/);
    const text = openssl(["req", "-noout", "-text", "-verify"], firstCsr);
    expect(text).toMatch(/X509v3 Key Usage: critical\s+Digital Signature, Key Encipherment/);
    expect(text).toMatch(/X509v3 Extended Key Usage:\s+TLS Web Server Authentication, TLS Web Client Authentication/);
    keyId = (await send(popup, "keys.list", {})).find((k) => k.commonName === DOMAIN)!.id;
  });

  it("orders it to issuance; the key shows its certificate", async () => {
    await popup.click("#order-this-csr");
    firstOrderId = await orderToIssuance(popup, keyId);
    const key = await send(popup, "keys.get", { keyId });
    expect(key.state).toBe("issued");
    firstFingerprint = key.certificate!.fingerprintSha256;
    const card = await keyCard(popup, keyId);
    await card.locator(".card-head").click();
    await card.locator(`#renew-${keyId}`).waitFor();
  });

  it("the expiry badge follows expiryWarningDays", async () => {
    const key = await send(popup, "keys.get", { keyId });
    const daysLeft = Math.floor((Date.parse(key.notAfter!) - Date.now()) / 86_400_000);
    expect(daysLeft).toBeLessThan(365);
    await send(popup, "settings.set", { expiryWarningDays: Math.max(1, daysLeft - 10) });
    await popup.reload();
    await popup.waitForSelector("body[data-synced=true]");
    let card = await keyCard(popup, keyId);
    // The card is drawn from the key as listed, with the badge decided by the synced setting: none.
    expect(await card.locator(".expiry-badge").count()).toBe(0);
    await send(popup, "settings.set", { expiryWarningDays: Math.min(365, daysLeft + 10) });
    await popup.reload();
    await popup.waitForSelector("body[data-synced=true]");
    card = await keyCard(popup, keyId);
    await card.locator(".expiry-badge").waitFor();
    await expectText(card.locator(".expiry-badge"), contains(String(daysLeft)));
  });

  it("renews: same names and usages, a new CSR for the same public key, ordered; the old certificate stays until the new one is paired", async () => {
    const card = await keyCard(popup, keyId);
    await card.locator(".card-head").click();
    await popup.click(`#renew-${keyId}`);
    await popup.waitForSelector("#renew #create-csr");
    await expectValue(popup, "#subject-cn", DOMAIN);
    await expectValue(popup, "#subject-o", "Example");
    await expectCount(popup, "#sans", 0); // a DV order takes one name, the CN: no SAN box
    await expectValue(popup, "#csr-usage", "server-client");
    await expectText(popup, "#renew-same-key", contains("RSA"));
    await popup.screenshot({ path: join(SHOTS, "popup-renew-en.png"), fullPage: true });
    expect(await noWiderThan400(popup)).toBe(true);
    await popup.click("#create-csr");

    // Straight to the order form with the key preselected; meanwhile the key keeps its certificate.
    await orderFormWithKey(popup, keyId);
    const renewing = await send(popup, "keys.get", { keyId });
    expect(renewing.state).toBe("csr");
    expect(renewing.certificate?.fingerprintSha256).toBe(firstFingerprint);
    // (RSA PKCS#1 v1.5 signatures are deterministic: with the same names and usages the bytes may be the same.)
    const pub = (pem: string) => openssl(["req", "-noout", "-pubkey"], pem);
    expect(pub(renewing.csrPem!)).toBe(pub(firstCsr));
    const text = openssl(["req", "-noout", "-text", "-verify"], renewing.csrPem!);
    expect(text).toContain(`DNS:${DOMAIN}`);
    expect(text).toMatch(new RegExp(`Subject: .*O ?= ?Example.*CN ?= ?${DOMAIN.replace(/\./g, "\\.")}`));
    expect(text).toMatch(/TLS Web Server Authentication, TLS Web Client Authentication/);

    await fillContact(popup);
    await popup.click("#submit-order");
    await popup.waitForSelector("#new-order", { state: "detached" });
    const order = await waitFor(async () => (await send(popup, "orders.list", {})).find((o) => o.keyId === keyId && o.id !== firstOrderId), "the renewal order");
    const ordered = await send(popup, "keys.get", { keyId });
    expect(ordered.state).toBe("ordered");
    expect(ordered.certificate?.fingerprintSha256).toBe(firstFingerprint);

    await popup.locator(`#add-dns-${order.id}`).click();
    await waitFor(async () => (await send(popup, "orders.refresh", { id: order.id })).state === "issued", "the renewal issued", 150, 400);
    const renewed = await send(popup, "keys.get", { keyId });
    expect(renewed.state).toBe("issued");
    expect(renewed.certificate!.fingerprintSha256).not.toBe(firstFingerprint);
    // The new certificate is for the same key: its public key is the CSRs'.
    expect(openssl(["x509", "-noout", "-pubkey"], renewed.certificate!.pem)).toBe(pub(firstCsr));
    // Looking at the first order again does not bring the old certificate back.
    await send(popup, "orders.refresh", { id: firstOrderId });
    expect((await send(popup, "keys.get", { keyId })).certificate!.fingerprintSha256).toBe(renewed.certificate!.fingerprintSha256);

    const card2 = await keyCard(popup, keyId);
    await card2.locator(".card-head").click();
    // The card shows dates in the page's locale: the new certificate's start as the page formats it.
    const from = (await popup.evaluate(`new Intl.DateTimeFormat("en", { dateStyle: "medium" }).format(new Date(${JSON.stringify(renewed.certificate!.notBefore)}))`)) as string;
    await expectText(popup, `#key-valid-${keyId}`, contains(from), "the key showing the new certificate");
    await popup.screenshot({ path: join(SHOTS, "popup-renewed-en.png"), fullPage: true });
  });

  it("in Chinese: the usage choice, the expiry badge and the Renew form read in Chinese at 400 px", async () => {
    const page = await openExtensionPage(session, "popup.html?lang=zh_CN");
    await page.setViewportSize({ width: 400, height: 700 });
    await page.waitForSelector("body[data-synced=true]");
    if ((await page.getAttribute("#csr-more-toggle", "aria-expanded")) === "false") await page.click("#csr-more-toggle");
    await expectText(page, "label[for=csr-usage]", contains("密钥用途"));
    await expectText(page, "#csr-usage-hint", contains("Web 服务器"));
    await expectText(page, "#csr-usage-detail", contains("请求的扩展"));
    await page.screenshot({ path: join(SHOTS, "popup-usage-zh_CN.png"), fullPage: true });
    expect(await noWiderThan400(page)).toBe(true);
    const card = await keyCard(page, keyId);
    await card.locator(".card-head").click();
    await expectText(page, `#renew-${keyId}`, "续期");
    await card.locator(".expiry-badge").waitFor();
    await page.screenshot({ path: join(SHOTS, "popup-renew-key-zh_CN.png"), fullPage: true });
    await page.click(`#renew-${keyId}`);
    await page.waitForSelector("#renew #create-csr");
    await expectText(page, "#renew-title", contains("续期"));
    await page.screenshot({ path: join(SHOTS, "popup-renew-zh_CN.png"), fullPage: true });
    expect(await noWiderThan400(page)).toBe(true);
    await page.close();
  });
});
