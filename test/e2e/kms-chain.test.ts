// A key KMS holds gets a cas DV certificate, through the real popup against the emulator:
// KMS CreateCertificate (EC_P256) → "Order a DV certificate for this CSR" (the contact asked for on the
// card, none being saved) → validation record → "Add the record through Alidns" → the DV order is issued →
// the worker uploads leaf + chain to KMS → the KMS order shows issued, and the emulator's KMS GetCertificate
// returns a certificate whose public key is the KMS CSR's (OpenSSL compares them). The same for a cas CreateCsr
// order with the contact saved in the options (placed at once, the certificate lands on that order). An SM2
// KMS order shows the action disabled with the reason, and the worker refuses it too.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { createClient, staticCredentials } from "../../src/core/aliyun/client";
import { hmacKeysFromSecret } from "../../src/core/aliyun/hmac";
import {
  ROOT, TEST_GRANTS, check, connectThroughOptions, contains, expectCount, expectDisabled, expectText, expectVisible, launchExtension, openNewOrderForm, openPopup,
  openssl, send, sendRaw, startTestEmulator, waitFor, type ExtensionSession, type TestEmulator,
} from "./harness";

const DOMAIN = process.env.KEYSMITH_TEST_DOMAIN ?? "example.com";
let emulator: TestEmulator;
let session: ExtensionSession;
let popup: Page;

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
 * A KMS CreateCertificate order made through the popup's order form; returns its local id. The orders that
 * existed before come from the worker, not the page: the page may not have listed them yet.
 */
async function kmsOrder(page: Page, spec: "EC_P256" | "EC_SM2", cn: string): Promise<string> {
  const before = new Set((await send(page, "orders.list", {})).map((o) => o.id));
  await openNewOrderForm(page);
  await page.selectOption("#order-operation", "KmsCreateCertificate");
  await page.selectOption("#kms-key-spec", spec);
  await page.fill("#order-subject-CN", cn);
  await page.fill("#order-subject-C", "CN");
  await page.fill("#order-subject-O", "Keysmith");
  await page.fill("#order-subject-OU", "Ops");
  await page.click("#submit-order");
  await page.waitForSelector("#new-order", { state: "detached" });
  return waitFor(async () => {
    for (const li of await page.locator("#order-list > li[data-state=pending_csr]").all()) {
      const id = await li.getAttribute("data-order-id");
      if (id && !before.has(id)) return id;
    }
    return undefined;
  }, `the new ${spec} KMS order`);
}

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

describe("a KMS key certified by a cas DV order", () => {
  it("KMS CreateCertificate → DV order for its CSR → Alidns → issued → uploaded to KMS with the KMS key", async () => {
    const id = await kmsOrder(popup, "EC_P256", `kmschain.${DOMAIN}`);
    const card = popup.locator(`[data-order-id="${id}"]`);
    const action = card.locator(`#order-dv-${id}`);
    await waitFor(async () => action.isEnabled(), "the DV action enabled once the CSR is inspected");
    await expectText(card.locator(`#order-dv-why-${id}`), contains("stores the certificate and its chain in KMS"));

    // No contact is saved in the options: the card asks for it.
    await action.click();
    await card.locator(`#cloud-csr-form-${id}`).waitFor();
    await card.locator(`#cloud-csr-submit-${id}`).click();
    await expectText(card.locator(`#cloud-csr-${id}-email-error`), check("not empty", (v) => v !== ""));
    await card.locator(`#cloud-csr-${id}-username`).fill("Test User");
    await card.locator(`#cloud-csr-${id}-email`).fill(`admin@${DOMAIN}`);
    await card.locator(`#cloud-csr-${id}-phone`).fill("13800000000");
    await card.locator(`#cloud-csr-${id}-validate`).selectOption("DNS");
    await card.locator(`#cloud-csr-submit-${id}`).click();
    const placed = await expectText(card.locator(`#cloud-csr-ordered-${id}`), /\d{17}/, "the DV order placed, with its cas order id");
    const casOrderId = /\d{17}/.exec(placed)?.[0];
    expect(casOrderId, placed).toBeTruthy();

    // While that DV order is open, a second one is not offered.
    await waitFor(async () => action.isDisabled(), "the DV action disabled while the DV order is open");
    await expectCount(card.locator(`#cloud-csr-under-way-${id}`), 0); // the "placed" notice stands in for it

    const parent = await send(popup, "orders.get", { id });
    expect(parent.childId).toBeTruthy();
    const childId = parent.childId!;
    await cardInState(popup, childId, ["validation"]);
    const child = popup.locator(`[data-order-id="${childId}"]`);
    await expectVisible(child.locator(`#cloud-csr-child-${childId}`));
    await expectText(child.locator(`#rec-type-${childId}`), "TXT");
    await popup.screenshot({ path: join(ROOT, "test-artifacts", "popup-kms-chain-validation-en.png"), fullPage: true });
    await child.locator(`#add-dns-${childId}`).click();
    await cardInState(popup, childId, ["issued"]);

    await cardInState(popup, id, ["issued"]);
    await expectText(card.locator(`#issued-${id}`), contains("stored in KMS"));
    await expectCount(popup.locator(`#order-dv-${id}`), 0, "no DV action on the issued KMS order");
    await popup.screenshot({ path: join(ROOT, "test-artifacts", "popup-kms-chain-issued-en.png"), fullPage: true });

    const done = await send(popup, "orders.get", { id });
    expect(done).toMatchObject({ state: "issued", operation: "KmsCreateCertificate" });
    expect(done.error).toBeUndefined();
    const childView = await send(popup, "orders.get", { id: childId });
    expect(childView).toMatchObject({ orderId: casOrderId, parentId: id, state: "issued" });

    // What KMS now holds for the certificate: the cas leaf for the KMS key, and the chain.
    const client = createClient({
      credentials: staticCredentials({ accessKeyId: emulator.accessKeyId, hmac: await hmacKeysFromSecret(emulator.accessKeySecret) }),
      endpoint: emulator.url,
    });
    const kms = await client.call("kms", "GetCertificate", { CertificateId: done.cloudId! });
    const leaf = String(kms.Certificate);
    expect(leaf).toContain("BEGIN CERTIFICATE");
    expect(String(kms.CertificateChain)).toContain("BEGIN CERTIFICATE");
    expect(openssl(["x509", "-noout", "-pubkey"], leaf)).toBe(openssl(["req", "-noout", "-pubkey"], done.csrPem!));
    expect(openssl(["x509", "-noout", "-subject"], leaf)).toContain(`kmschain.${DOMAIN}`);
    expect(done.certificatePem!.startsWith(leaf.trim())).toBe(true);
    expect((await client.call("kms", "DescribeCertificate", { CertificateId: done.cloudId! })).Status).toBe("ACTIVE");
  });

  it("cas CreateCsr: with the contact saved in the options the DV order is placed at once; the certificate lands on the CreateCsr order", async () => {
    await send(popup, "settings.set", { contact: { username: "Test User", email: `admin@${DOMAIN}`, phone: "13800000000", validateType: "DNS" } });
    const before = new Set((await send(popup, "orders.list", {})).map((o) => o.id));
    await openNewOrderForm(popup);
    await popup.selectOption("#order-operation", "CreateCsr");
    await popup.selectOption("#cloud-algorithm", "ECC");
    await popup.fill("#cloud-csr-name", "keysmith_chain");
    await popup.fill("#order-subject-CN", `cascsr.${DOMAIN}`);
    await popup.fill("#order-subject-C", "CN");
    await popup.fill("#order-subject-ST", "Zhejiang");
    await popup.fill("#order-subject-L", "Hangzhou");
    await popup.fill("#order-subject-O", "Keysmith");
    await popup.click("#submit-order");
    await popup.waitForSelector("#new-order", { state: "detached" });
    const id = await waitFor(async () => {
      for (const li of await popup.locator("#order-list > li[data-state=csr_ready]").all()) {
        const found = await li.getAttribute("data-order-id");
        if (found && !before.has(found)) return found;
      }
      return undefined;
    }, "the CreateCsr order");
    const card = popup.locator(`[data-order-id="${id}"]`);
    const action = card.locator(`#order-dv-${id}`);
    await waitFor(async () => action.isEnabled(), "the DV action enabled");
    await action.click();
    await card.locator(`#cloud-csr-ordered-${id}`).waitFor({ timeout: 30_000 });
    await expectCount(card.locator(`#cloud-csr-form-${id}`), 0, "the contact form closed (the contact was saved)");

    const childId = (await send(popup, "orders.get", { id })).childId!;
    expect(await send(popup, "orders.get", { id: childId })).toMatchObject({ parentId: id });
    await cardInState(popup, childId, ["validation"]);
    await popup.locator(`#add-dns-${childId}`).click();
    await cardInState(popup, id, ["issued"]);
    const done = await send(popup, "orders.get", { id });
    expect(openssl(["x509", "-noout", "-pubkey"], done.certificatePem!)).toBe(openssl(["req", "-noout", "-pubkey"], done.csrPem!));
    await expectText(card.locator(`#issued-${id}`), contains("held by Alibaba Cloud"));
  });

  it("an SM2 KMS order shows the action disabled with the reason; the worker refuses it as well", async () => {
    const id = await kmsOrder(popup, "EC_SM2", `kmssm2.${DOMAIN}`);
    const card = popup.locator(`[data-order-id="${id}"]`);
    await waitFor(async () => (await card.locator(`#order-dv-why-${id}`).textContent())?.includes("SM2"), "the SM2 reason");
    await expectDisabled(card.locator(`#order-dv-${id}`), true);
    await expectText(card.locator(`#order-dv-why-${id}`), contains("RSA keys of at least 2048 bits or ECC"));
    const reply = await sendRaw(popup, "orders.orderForCloudCsr", { id, username: "Test User", email: `admin@${DOMAIN}`, phone: "13800000000", validateType: "DNS" });
    expect(reply).toMatchObject({ ok: false, error: { code: "api.param.csr_sm2", field: "csrPem" } });
    expect((await send(popup, "orders.get", { id })).childId).toBeUndefined();
  });
});
