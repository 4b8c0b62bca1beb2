// Orders through the real popup against the local emulator (emulator/index.ts), as a user does it:
// - options: credentials (secret write-only) and the endpoint override pointed at the emulator;
// - DV: CSR made in the popup → "Order a certificate with it" → validation record shown → "Add the record
//   through Alidns" → issued certificate paired with the key → PFX exported that `openssl pkcs12` opens
//   and whose key matches the certificate;
// - cas CreateCertificateRequest, cas CreateCsr and KMS CreateCertificate from the order form.
// Every read of the page waits for the state it checks (harness.ts: expectText, expectValue…); each order-form
// test starts from an empty form (openNewOrderForm), so one failure does not take the next tests with it.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import {
  ROOT, TEST_GRANTS, check, connectThroughOptions, contains, expectCount, expectText, expectValue, expectVisible, launchExtension, openNewOrderForm, openPopup, openssl, startTestEmulator,
  textNow, waitFor, type ExtensionSession, type TestEmulator,
} from "./harness";

const DOMAIN = process.env.KEYSMITH_TEST_DOMAIN ?? "example.com";
const work = mkdtempSync(join(tmpdir(), "keysmith-orders-"));
let emulator: TestEmulator;
let session: ExtensionSession;
let popup: Page;

function file(name: string, data: string | Buffer): string {
  const p = join(work, name);
  writeFileSync(p, data);
  return p;
}

async function fillContact(page: Page): Promise<void> {
  await page.fill("#order-username", "Test User");
  await page.fill("#order-email", `admin@${DOMAIN}`);
  await page.fill("#order-phone", "13800000000");
  await page.selectOption("#order-validate", "DNS");
}

/** The newest order card once the worker has it in `state` (the popup polls; a click on Refresh helps). */
async function orderInState(page: Page, operation: string, states: string[]): Promise<string> {
  return waitFor(async () => {
    for (const card of await page.locator("#order-list > li").all()) {
      const state = await card.getAttribute("data-state");
      const text = (await card.textContent()) ?? "";
      if (states.includes(state ?? "") && text.includes(operation)) return (await card.getAttribute("data-order-id")) ?? undefined;
    }
    const refresh = page.locator("#reload-orders");
    if (await refresh.isVisible()) await refresh.click();
    return undefined;
  }, `an order of ${operation} in ${states.join("/")}`, 150, 400);
}

beforeAll(async () => {
  mkdirSync(join(ROOT, "test-artifacts"), { recursive: true });
  emulator = await startTestEmulator();
  // The loopback origin is an optional permission; the harness grants it as the user would when asked.
  session = await launchExtension({ grantHosts: TEST_GRANTS });
  const options = await connectThroughOptions(session, emulator);
  // The secret is gone from the page once saved, and never comes back.
  await expectValue(options, "#access-key-secret", "");
  expect(await options.textContent("body")).not.toContain(emulator.accessKeySecret);
  await options.click("#test-credentials");
  await options.waitForSelector("#test-ok, #test-error");
  expect(await options.isVisible("#test-ok"), await textNow(options, "#test-error")).toBe(true);
  await options.close();
  popup = await openPopup(session);
});
afterAll(async () => {
  await session?.dispose();
  await emulator?.close();
});

describe("orders through the popup", () => {
  it("package quota", async () => {
    await popup.click("#tab-orders");
    await popup.click("#check-quota");
    await popup.waitForSelector("#quota-result, #quota-error");
    expect(await popup.isVisible("#quota-result"), await textNow(popup, "#quota-error")).toBe(true);
    await expectText(popup, "#quota-result", /\d+ left: \d+ in total/);
  });

  it("DV: CSR → order → validation record → Alidns → issued and paired → PFX opens in openssl", async () => {
    await popup.click("#tab-new-csr");
    await popup.selectOption("#csr-profile", "dv");
    await popup.selectOption("#key-spec", "EC_P256");
    await popup.fill("#subject-cn", `www.${DOMAIN}`);
    await popup.click("#create-csr");
    await popup.waitForSelector("#csr-pem", { timeout: 60_000 });
    await popup.click("#order-this-csr");
    await popup.waitForSelector("#new-order");
    // The form lists the keys once the worker answers keys.list; until then the preselected key has no option.
    await expectValue(popup, "#order-key", check("a key (not the paste-a-CSR choice)", (v) => v !== ""), "the new key preselected in #order-key");
    await fillContact(popup);
    await popup.click("#submit-order");
    await popup.waitForSelector("#new-order", { state: "detached" });

    const id = await orderInState(popup, "DV certificate with my CSR", ["validation"]);
    const card = popup.locator(`[data-order-id="${id}"]`);
    await expectText(card.locator(`#rec-type-${id}`), "TXT");
    await expectText(card.locator(`#rec-value-${id}`), check("longer than 8 characters", (v) => v.length > 8));
    await popup.screenshot({ path: join(ROOT, "test-artifacts", "popup-dv-validation-en.png"), fullPage: true });
    await card.locator(`#add-dns-${id}`).click();
    await orderInState(popup, "DV certificate with my CSR", ["issued"]);

    await popup.click("#tab-keys");
    const keyCard = popup.locator("#key-list > li", { hasText: `www.${DOMAIN}` });
    await keyCard.locator(".card-head").click();
    const keyId = (await keyCard.getAttribute("data-key-id"))!;
    await waitFor(async () => (await keyCard.textContent())?.includes("certificate"), "the key paired with its certificate");

    for (const format of ["pkcs12", "pkcs12-legacy"]) {
      await popup.selectOption(`#export-format-${keyId}`, format);
      await popup.fill(`#export-passphrase-${keyId}`, "correct horse 马");
      await popup.fill(`#export-confirm-${keyId}`, "correct horse 马");
      const [download] = await Promise.all([popup.waitForEvent("download"), popup.click(`#export-${keyId}`)]);
      const pfx = file(`${format}.pfx`, "");
      await download.saveAs(pfx);
      // The passphrase field is emptied once the file is made: the next round types into an empty field.
      await expectValue(popup, `#export-passphrase-${keyId}`, "");
      const pass = "pass:correct horse 马";
      const certs = openssl(["pkcs12", "-in", pfx, "-passin", pass, "-nokeys", ...(format === "pkcs12-legacy" ? ["-legacy"] : [])]);
      expect(certs).toContain(`CN = www.${DOMAIN}`);
      const key = openssl(["pkcs12", "-in", pfx, "-passin", pass, "-nocerts", "-nodes", ...(format === "pkcs12-legacy" ? ["-legacy"] : [])]);
      const keyPub = openssl(["pkey", "-pubout"], key);
      const certPub = openssl(["x509", "-pubkey", "-noout"], certs);
      expect(keyPub).toBe(certPub);
    }
  });

  it("cas CreateCertificateRequest: the cloud makes the key", async () => {
    await openNewOrderForm(popup);
    await popup.selectOption("#order-operation", "CreateCertificateRequest");
    await popup.fill("#order-domain", `shop.${DOMAIN}`);
    await fillContact(popup);
    await popup.click("#submit-order");
    await popup.waitForSelector("#new-order", { state: "detached" });
    await orderInState(popup, "key made by Alibaba Cloud", ["submitted", "validation", "review", "issued"]);
  });

  it("cas CreateCsr: the cloud's CSR is shown and verifies", async () => {
    await openNewOrderForm(popup);
    await popup.selectOption("#order-operation", "CreateCsr");
    await popup.selectOption("#cloud-algorithm", "RSA");
    await popup.selectOption("#cloud-key-size", "2048");
    await popup.fill("#cloud-csr-name", "keysmith_e2e");
    await popup.fill("#order-subject-CN", `api.${DOMAIN}`);
    await popup.fill("#order-subject-C", "CN");
    await popup.fill("#order-subject-ST", "Zhejiang");
    await popup.fill("#order-subject-L", "Hangzhou");
    await popup.fill("#order-subject-O", "Keysmith");
    await popup.click("#submit-order");
    await popup.waitForSelector("#new-order", { state: "detached" });
    const id = await orderInState(popup, "Key and CSR made and kept by Alibaba Cloud", ["csr_ready"]);
    const pem = await expectText(popup.locator(`[data-order-id="${id}"] pre.pem`), contains("BEGIN CERTIFICATE REQUEST"));
    expect(openssl(["req", "-noout", "-verify", "-subject"], pem)).toContain(`api.${DOMAIN}`);
  });

  it("KMS CreateCertificate: CN, C, O, OU enforced; the KMS CSR is shown and verifies", async () => {
    await openNewOrderForm(popup);
    await popup.selectOption("#order-operation", "KmsCreateCertificate");
    await popup.selectOption("#kms-key-spec", "EC_P256");
    await popup.fill("#order-subject-CN", `kms.${DOMAIN}`);
    await popup.fill("#order-subject-OU", "");
    await popup.click("#submit-order");
    await expectText(popup, "#order-subject-OU-error", contains("required"));
    await popup.fill("#order-subject-C", "CN");
    await popup.fill("#order-subject-O", "Keysmith");
    await popup.fill("#order-subject-OU", "Ops");
    // The SAN box: the CN has its own place, so 9 more at most; the count is what was typed (the CN typed again
    // not counted twice), and every bad name is named, on the SAN field only.
    await expectText(popup, "#order-sans-hint", contains("at most 9 more"));
    const ten = Array.from({ length: 10 }, (_, i) => `h${i}.${DOMAIN}`);
    await popup.fill("#order-sans", [`kms.${DOMAIN}`, ...ten].join("\n"));
    await expectText(popup, "#order-sans-error", `Other domain names (SANs): 10 names; at most 9 here besides the Common Name.`);
    await popup.fill("#order-sans", [`kms2.${DOMAIN}`, `a_b.${DOMAIN}`, "localhost"].join(", "));
    await expectText(popup, "#order-sans-error", `Other domain names (SANs): 2 names are not valid domain names, IP addresses or e-mail addresses: a_b.${DOMAIN}, localhost.`);
    await expectCount(popup, "#new-order .error-text", 1, "the SAN box's one error");
    await popup.fill("#order-sans", `kms2.${DOMAIN}`);
    await expectVisible(popup, "#order-sans-error", false);
    await popup.click("#submit-order");
    await popup.waitForSelector("#new-order", { state: "detached" });
    const id = await orderInState(popup, "Certificate whose key stays in Alibaba Cloud KMS", ["pending_csr"]);
    const pem = await expectText(popup.locator(`[data-order-id="${id}"] pre.pem`), contains("BEGIN CERTIFICATE REQUEST"));
    const text = openssl(["req", "-noout", "-verify", "-text"], pem);
    expect(text).toContain(`DNS:kms2.${DOMAIN}`);
  });
});
