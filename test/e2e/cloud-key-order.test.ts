// A certificate whose key the cloud made, through the real popup against the emulator, to a PFX:
// cas CreateCertificateRequest from the order form → validation record → "Add the record through Alidns" →
// issued → the worker imports the key DescribeCertificateState returned into the vault (exportable, origin
// "cloud", paired with the certificate) → the card links to the key's exports → the Keys tab shows the key
// with its certificate → a PFX that `openssl pkcs12` opens and whose key is the leaf's. What the extension
// stored holds no unencrypted copy of that key. And an issued KMS order (the key stays in KMS) offers its
// certificate as leaf + chain PEM that `openssl verify` accepts against the emulator's CA.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { createClient, staticCredentials } from "../../src/core/aliyun/client";
import { hmacKeysFromSecret } from "../../src/core/aliyun/hmac";
import {
  ROOT, TEST_GRANTS, connectThroughOptions, contains, dumpExtensionStorageParts, expectAttribute, expectCount, expectEventually, expectText, findBytes,
  launchExtension, openNewOrderForm, openPopup, openssl as runOpenssl, send, startTestEmulator, waitFor, check, type ExtensionSession, type TestEmulator,
} from "./harness";

const DOMAIN = process.env.KEYSMITH_TEST_DOMAIN ?? "example.com";
const PASS = "cloud key passphrase 钥";
const work = mkdtempSync(join(tmpdir(), "keysmith-cloud-key-"));
let emulator: TestEmulator;
let session: ExtensionSession;
let popup: Page;

const openssl = (args: string[], input?: string): string => runOpenssl(args, input, work);

function file(name: string, data: string | Buffer): string {
  const p = join(work, name);
  writeFileSync(p, data);
  return p;
}

/** The card of order `id` once it is in one of `states` (the popup polls; Refresh helps it along). */
async function cardInState(page: Page, id: string, states: string[]): Promise<void> {
  await waitFor(async () => {
    // The card may not be listed yet (a child order appears at the popup's next look): no card, no state.
    const card = page.locator(`[data-order-id="${id}"]`);
    const state = (await card.count()) ? await card.getAttribute("data-state", { timeout: 2_000 }).catch(() => null) : null;
    if (states.includes(state ?? "")) return true;
    const refresh = page.locator("#reload-orders");
    if (await refresh.isVisible()) await refresh.click();
    return false;
  }, `order ${id} in ${states.join("/")}`, 150, 400);
}

/**
 * Submit the order form as it is filled and return the id of the order card that appears. The orders that
 * existed before come from the worker, not the page: the page may not have listed them yet.
 */
async function submitNewOrder(page: Page, state: string): Promise<string> {
  const before = new Set((await send(page, "orders.list", {})).map((o) => o.id));
  await page.click("#submit-order");
  await page.waitForSelector("#new-order", { state: "detached" });
  return waitFor(async () => {
    for (const li of await page.locator(`#order-list > li[data-state=${state}]`).all()) {
      const id = await li.getAttribute("data-order-id");
      if (id && !before.has(id)) return id;
    }
    return undefined;
  }, `the new order in ${state}`);
}

/** Save what the card's "Download certificate" button gives. */
async function downloadCertificate(page: Page, id: string, name: string): Promise<string> {
  const [download] = await Promise.all([page.waitForEvent("download"), page.click(`#download-cert-${id}`)]);
  const path = join(work, name);
  await download.saveAs(path);
  return readFileSync(path, "utf8");
}

function pemBlocks(pem: string): string[] {
  return pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/g) ?? [];
}

async function emulatorClient() {
  return createClient({
    credentials: staticCredentials({ accessKeyId: emulator.accessKeyId, hmac: await hmacKeysFromSecret(emulator.accessKeySecret) }),
    endpoint: emulator.url,
  });
}

const caRoots = () => (emulator.control as { caRoots(): { ec: string; sm2: string } }).caRoots();

beforeAll(async () => {
  mkdirSync(join(ROOT, "test-artifacts"), { recursive: true });
  emulator = await startTestEmulator();
  session = await launchExtension({ grantHosts: TEST_GRANTS });
  await (await connectThroughOptions(session, emulator)).close();
  popup = await openPopup(session, { tab: "orders" });
});
afterAll(async () => {
  await session?.dispose();
  await emulator?.close();
});

describe("a certificate whose key the cloud made", () => {
  let orderId = "";
  let keyId = "";
  let casOrderId = "";

  it("CreateCertificateRequest → validation record → Alidns → issued → the key is in the Keys tab with its certificate → PFX", async () => {
    const cn = `cloudkey.${DOMAIN}`;
    await openNewOrderForm(popup);
    await popup.selectOption("#order-operation", "CreateCertificateRequest");
    await popup.fill("#order-domain", cn);
    await popup.fill("#order-username", "Test User");
    await popup.fill("#order-email", `admin@${DOMAIN}`);
    await popup.fill("#order-phone", "13800000000");
    await popup.selectOption("#order-validate", "DNS");
    orderId = await submitNewOrder(popup, "validation");
    const card = popup.locator(`[data-order-id="${orderId}"]`);
    await expectText(card.locator(`#rec-type-${orderId}`), "TXT");
    await expectText(card.locator(`#rec-value-${orderId}`), check("longer than 8 characters", (v) => v.length > 8));
    await card.locator(`#add-dns-${orderId}`).click();
    await cardInState(popup, orderId, ["issued"]);

    const order = await send(popup, "orders.get", { id: orderId });
    expect(order.error).toBeUndefined();
    expect(order.keyId).toBeTruthy();
    keyId = order.keyId!;
    casOrderId = order.orderId!;
    await expectText(card.locator(`#issued-${orderId}`), contains("Alibaba Cloud made"));
    await card.locator(`#download-cert-${orderId}`).waitFor();
    await popup.screenshot({ path: join(ROOT, "test-artifacts", "popup-cloud-key-issued-en.png"), fullPage: true });

    // The card's link opens the Keys tab with that key's details and exports.
    await card.locator(`#key-exports-${orderId}`).click();
    const details = popup.locator(`#key-${keyId}`);
    await details.waitFor();
    await expectAttribute(popup, "#tab-keys", "aria-selected", "true");
    await expectAttribute(details.locator(`#key-origin-${keyId}`), "data-origin", "cloud");
    await expectText(details, contains(`CN=${cn}`));
    const key = (await send(popup, "keys.list", {})).find((k) => k.id === keyId)!;
    expect(key).toMatchObject({ spec: "RSA_2048", exportable: true, origin: "cloud", state: "issued", orderIds: [orderId], commonName: cn });
    expect(key.certificate?.subject).toContain(cn);
    const wantedFormats = ["pkcs12", "pkcs12-legacy", "pem-bundle", "pkcs8-encrypted", "pkcs8", "pkcs1", "certificate"];
    await expectEventually(
      () => popup.locator(`#export-format-${keyId} option`).evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value)),
      check(`including ${wantedFormats.join(", ")}`, (formats) => wantedFormats.every((f) => formats.includes(f))),
      "the export formats of the cloud's key",
    );
    await popup.screenshot({ path: join(ROOT, "test-artifacts", "popup-cloud-key-details-en.png"), fullPage: true });

    await popup.selectOption(`#export-format-${keyId}`, "pkcs12");
    await popup.fill(`#export-passphrase-${keyId}`, PASS);
    await popup.fill(`#export-confirm-${keyId}`, PASS);
    const [download] = await Promise.all([popup.waitForEvent("download"), popup.click(`#export-${keyId}`)]);
    const pfx = join(work, "cloud.pfx");
    await download.saveAs(pfx);
    const certs = openssl(["pkcs12", "-in", pfx, "-passin", `pass:${PASS}`, "-nokeys"]);
    expect(certs).toContain(`CN = ${cn}`);
    const leaf = pemBlocks(certs)[0]!;
    const keyPem = openssl(["pkcs12", "-in", pfx, "-passin", `pass:${PASS}`, "-nocerts", "-nodes"]);
    expect(openssl(["pkey", "-pubout"], keyPem)).toBe(openssl(["x509", "-pubkey", "-noout"], leaf));
  });

  it("no unencrypted copy of that private key is in what the extension stored", async () => {
    // The key as the cloud returned it (asked again here, as the worker did).
    const state = await (await emulatorClient()).call("cas", "DescribeCertificateState", { OrderId: casOrderId });
    const pem = String(state.PrivateKey);
    expect(pem).toContain("PRIVATE KEY");
    const derFile = join(work, "cloud-key.der");
    openssl(["pkey", "-outform", "DER", "-out", derFile], pem);
    const pkcs8 = new Uint8Array(readFileSync(derFile));
    expect(pkcs8.length).toBeGreaterThan(1000);
    // It is the key of the certificate the vault holds.
    const key = await send(popup, "keys.get", { keyId });
    expect(openssl(["pkey", "-pubout"], pem)).toBe(openssl(["x509", "-pubkey", "-noout"], pemBlocks(key.certificate!.pem)[0]!));
    const text = openssl(["pkey", "-noout", "-text"], pem);
    const priv = /privateExponent:\s*\n((?:\s+[0-9a-f:]+\n)+)/i.exec(text)?.[1];
    expect(priv).toBeTruthy();
    const exponent = Buffer.from(priv!.replace(/[\s:]/g, ""), "hex");

    const parts = await dumpExtensionStorageParts(session);
    const all = `${parts.logical}\n${parts.raw}`;
    expect(all).not.toMatch(/-----BEGIN (RSA |EC )?PRIVATE KEY-----/);
    // A PEM (base64) copy anywhere, chrome.storage's and IndexedDB's files included: the PEM's text from the
    // private exponent on (what comes before it is the public modulus, also in the certificate).
    const scalar = exponent[0] === 0 ? exponent.subarray(1) : exponent;
    const from = Math.ceil(Buffer.from(pkcs8).indexOf(scalar) / 3) * 3;
    expect(from).toBeGreaterThan(0);
    const privatePart = Buffer.from(pkcs8.subarray(from)).toString("base64");
    for (let i = 0; i + 64 <= privatePart.length; i += 64) expect(all.includes(privatePart.slice(i, i + 64)), `PEM text at ${from}+${i}`).toBe(false);
    // The key's bytes in anything the extension stored. (Chromium's own files also hold the non-extractable
    // signing CryptoKey with its bytes, as for every exportable RSA/EC key: see harness.ts.)
    expect(findBytes(parts.logical, pkcs8)).toEqual([]);
    expect(findBytes(parts.logical, new Uint8Array(scalar), 16, { windows: true })).toEqual([]);
    expect(parts.logical).not.toMatch(/"extractable":true[^}]*"type":"private"|"type":"private","extractable":true/);
    // The order kept in chrome.storage has the certificate, never the key.
    const orders = parts.logical.slice(parts.logical.indexOf("== chrome.storage.local"));
    expect(orders).toContain(casOrderId);
    expect(orders).not.toContain("PRIVATE KEY");
  });

  it("an issued KMS order (the key stays in KMS) gives leaf + chain that openssl verify accepts against the emulator's CA", async () => {
    await send(popup, "settings.set", { contact: { username: "Test User", email: `admin@${DOMAIN}`, phone: "13800000000", validateType: "DNS" } });
    await openNewOrderForm(popup);
    await popup.selectOption("#order-operation", "KmsCreateCertificate");
    await popup.selectOption("#kms-key-spec", "EC_P256");
    await popup.fill("#order-subject-CN", `kmsdl.${DOMAIN}`);
    await popup.fill("#order-subject-C", "CN");
    await popup.fill("#order-subject-O", "Keysmith");
    await popup.fill("#order-subject-OU", "Ops");
    const id = await submitNewOrder(popup, "pending_csr");
    const action = popup.locator(`#order-dv-${id}`);
    await waitFor(async () => action.isEnabled(), "the DV action enabled once the CSR is inspected");
    await action.click();
    await popup.locator(`#cloud-csr-ordered-${id}`).waitFor({ timeout: 30_000 });
    const childId = (await send(popup, "orders.get", { id })).childId!;
    await cardInState(popup, childId, ["validation"]);
    await popup.locator(`#add-dns-${childId}`).click();
    await cardInState(popup, id, ["issued"]);

    const card = popup.locator(`[data-order-id="${id}"]`);
    await expectCount(card.locator(`#key-exports-${id}`), 0, "no link to a vault key (the key is in KMS)");
    const bundle = await downloadCertificate(popup, id, "kms.crt.pem");
    const [leaf, ...chain] = pemBlocks(bundle);
    expect(chain.length).toBeGreaterThan(0);
    expect(bundle).not.toMatch(/\r|\n\n/);
    const done = await send(popup, "orders.get", { id });
    expect(openssl(["x509", "-noout", "-pubkey"], leaf)).toBe(openssl(["req", "-noout", "-pubkey"], done.csrPem!));
    const out = openssl(["verify", "-CAfile", file("root.pem", caRoots().ec), "-untrusted", file("chain.pem", chain.join("")), file("leaf.pem", leaf!)]);
    expect(out).toContain("leaf.pem: OK");
    await popup.screenshot({ path: join(ROOT, "test-artifacts", "popup-kms-issued-download-en.png"), fullPage: true });
  });
});
