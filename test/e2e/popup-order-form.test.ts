// The order form, the order card and the key export speaking plainly, through the real popup against the local
// emulator (emulator/index.ts):
// - the summary above "Submit order": the domain, the product in words (its code only in the tooltip), that one
//   certificate of the package is used, and the quota the worker reads (orders.packageState), checked unasked;
// - a CSR field left empty, then a pasted CSR that is not one: the error once, on the field (no box above the
//   button), and the field focused and in view;
// - the validation card: the host record with the zone it belongs to, when the order was placed in local time,
//   and one Refresh on the tab;
// - "Cancel order…" asks first and says the certificate goes back to the package; "Keep the order" leaves it
//   open; confirming cancels it and the package's used count drops by one;
// - export: the passphrase rule of the backup (12 characters) and a confirmation, both refused on their field
//   with nothing downloaded, the worker's own floor, then an encrypted PKCS#8 that openssl opens; the backup
//   form's refused submit focuses its first invalid field;
// - the key's dates in local time; the summary in Chinese.
// Every read waits for the state it checks (harness.ts).
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import {
  ROOT, TEST_GRANTS, connectThroughOptions, contains, expectAttribute, expectCount, expectFocused, expectText, expectValue, expectVisible, launchExtension,
  openExtensionPage, openssl, send, sendRaw, startTestEmulator, waitFor, type ExtensionSession, type TestEmulator,
} from "./harness";
import { productName } from "../../src/ui/product-names";
import { EXPORT_PASSPHRASE_MIN } from "../../src/ui/passphrase-rules";

const DOMAIN = process.env.KEYSMITH_TEST_DOMAIN ?? "example.com";
const CN = `www.${DOMAIN}`;
const work = mkdtempSync(join(tmpdir(), "keysmith-order-form-"));
const SHOTS = join(ROOT, "test-artifacts", "ui");
let emulator: TestEmulator;
let session: ExtensionSession;
let page: Page;
let keyId = "";
let csrPem = "";
let orderId = "";
let productCode = "";
let downloads = 0;

/** The popup at popup size on `hash`, once it has its settings from the worker. */
async function popupAt(hash: string, lang: "en" | "zh_CN" = "en"): Promise<Page> {
  const p = await openExtensionPage(session, `popup.html?lang=${lang}${hash}`);
  await p.setViewportSize({ width: 400, height: 600 });
  await p.waitForSelector("body[data-synced=true]");
  return p;
}

/** What the browser itself makes of a moment with Intl in the page's language (the user's time zone). */
function intl(p: Page, iso: string, lang: string, withTime: boolean): Promise<string> {
  return p.evaluate(
    ([iso, lang, withTime]) => new Intl.DateTimeFormat(lang, { dateStyle: "medium", ...(withTime ? { timeStyle: "short" } : {}) }).format(new Date(iso)),
    [iso, lang, withTime] as const,
  );
}

async function left(): Promise<{ left: number; total: number; used: number }> {
  const [s] = await send(page, "orders.packageState", { productCode });
  return { left: s!.totalCount - s!.usedCount, total: s!.totalCount, used: s!.usedCount };
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  emulator = await startTestEmulator();
  session = await launchExtension({ grantHosts: TEST_GRANTS });
  const options = await connectThroughOptions(session, emulator);
  await options.close();
  page = await popupAt("");
  // The key and CSR come from the worker directly: this file is about the order form, not the New CSR form.
  const made = await send(page, "csr.create", { spec: "EC_P256", subject: { CN }, sans: [CN], exportable: true, operation: "CreateCertificateWithCsrRequest" });
  keyId = made.key.id;
  csrPem = made.csrPem;
  await page.close();
  page = await popupAt(`#orders?key=${encodeURIComponent(keyId)}`);
  page.on("download", () => downloads++);
});
afterAll(async () => {
  await session?.dispose();
  await emulator?.close();
});

describe("order form, order card and export, in plain words", () => {
  it("sums the order up before Submit: domain, product in words, one certificate of the package, the quota checked", async () => {
    await page.waitForSelector("#new-order");
    await expectValue(page, "#order-key", keyId, "the key preselected");
    productCode = await page.inputValue("#order-product");
    expect(productCode).toMatch(/^[a-z]+-[a-z]+-[1w]-[a-z]+$/);
    await expectText(page, "#order-summary-domain", `Domain: ${CN}`);
    await expectText(page, "#order-summary-product", `Product: ${productName(productCode, "en")}. The order uses one certificate of this package.`);
    await expectAttribute(page, "#order-summary-product", "title", `Product code: ${productCode}`);
    const q = await left();
    expect(q.left).toBeGreaterThan(0);
    await expectText(page, "#order-summary-quota", `${q.left} of ${q.total} certificates are left in the package.`);
    // The product choice speaks in words too; the code is the hint's detail.
    await expectText(page, `#order-product option[value="${productCode}"]`, productName(productCode, "en"));
    await expectText(page, "#order-product-hint", `Product code: ${productCode}`);
    expect(await page.textContent("#order-summary")).not.toContain(productCode);
    // The summary stands right above the button.
    const order = await page.$$eval("#new-order > *", (els) => els.map((e) => e.id || e.className));
    expect(order.indexOf("order-summary")).toBeLessThan(order.indexOf("actions"));
    await page.locator("#order-summary").scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, "popup-order-summary-en.png") });
  });

  it("reports an empty, then a garbage CSR once, on the field, and focuses it", async () => {
    await page.fill("#order-username", "Test User");
    await page.fill("#order-email", `admin@${DOMAIN}`);
    await page.fill("#order-phone", "13800000000");
    await page.selectOption("#order-key", "");
    await page.click("#submit-order");
    await expectText(page, "#order-csr-error", contains("Paste a CSR beginning with -----BEGIN CERTIFICATE REQUEST-----"));
    await expectFocused(page, "order-csr", "the empty CSR field focused after the refused submit");
    await expectText(page, "#order-summary-domain", contains("not known yet"));

    await page.fill("#order-csr", "-----BEGIN CERTIFICATE REQUEST-----\nTm90IGEgQ1NSIGF0IGFsbCwganVzdCB0ZXh0Lg==\n-----END CERTIFICATE REQUEST-----\n");
    // Read by the worker as pasted: the error is on the field before any submit, naming the field.
    const said = await expectText(page, "#order-csr-error", contains("CSR (PEM)"));
    await page.click("#submit-order");
    await expectFocused(page, "order-csr", "the garbage CSR field focused after the refused submit");
    await expectText(page, "#order-csr-error", said);
    await expectVisible(page, "#order-error", false, "no box above the button");
    await expectCount(page, "#new-order .error-text, #new-order .notice-error", 1, "one error in the form");
    const inView = await page.$eval("#order-csr", (el) => {
      const r = el.getBoundingClientRect();
      return r.top >= 0 && r.bottom <= window.innerHeight;
    });
    expect(inView, "the CSR field in view").toBe(true);
    await page.screenshot({ path: join(SHOTS, "popup-order-bad-csr-en.png") });
    expect(downloads).toBe(0);
  });

  it("takes a good pasted CSR: the error goes, the summary names its domain, the order is placed", async () => {
    await page.fill("#order-csr", csrPem);
    await expectVisible(page, "#order-csr-error", false);
    await expectText(page, "#order-summary-domain", `Domain: ${CN}`);
    await page.click("#submit-order");
    await page.waitForSelector("#new-order", { state: "detached" });
    orderId = await waitFor(async () => {
      const card = page.locator('#order-list > li[data-state="validation"]').first();
      return (await card.count()) ? ((await card.getAttribute("data-order-id")) ?? undefined) : undefined;
    }, "the order waiting for validation", 150, 400);
  });

  it("the validation card: host record in its zone, placed date in local time, one Refresh", async () => {
    const card = page.locator(`[data-order-id="${orderId}"]`);
    await expectText(card.locator(`#rec-name-${orderId}`), "_dnsauth.www");
    await expectText(card.locator(`#rec-zone-${orderId}`), `_dnsauth.www in ${DOMAIN}`);
    const order = await send(page, "orders.get", { id: orderId });
    await expectText(card.locator(`#order-placed-${orderId}`), `Placed ${await intl(page, order.createdAt, "en", true)}`);
    expect(await card.textContent()).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:/);
    await expectCount(page.getByRole("button", { name: "Refresh", exact: true }), 1, "one Refresh on the Orders tab");
    await card.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, "popup-order-validation-en.png") });
  });

  it("Cancel order asks first, says the certificate goes back to the package; dismissing keeps the order", async () => {
    const card = page.locator(`[data-order-id="${orderId}"]`);
    const before = await left();
    // A quiet row of its own: under a rule, at the end of the card, the button's text muted and unfilled.
    const look = await card.locator(`#cancel-${orderId}`).evaluate((button) => {
      const row = getComputedStyle(button.parentElement!);
      const probe = document.createElement("span");
      probe.style.color = "var(--muted)";
      document.body.append(probe);
      const muted = getComputedStyle(probe).color;
      probe.remove();
      const b = getComputedStyle(button);
      return { rule: row.borderTopStyle, justify: row.justifyContent, color: b.color, muted, fill: b.backgroundColor };
    });
    expect(look).toMatchObject({ rule: "solid", justify: "flex-end", fill: "rgba(0, 0, 0, 0)" });
    expect(look.color, "the cancel button's text in the muted colour").toBe(look.muted);
    await card.screenshot({ path: join(SHOTS, "popup-order-card-cancel-row-en.png") });
    await card.locator(`#cancel-${orderId}`).click();
    await expectText(page, `#cancel-q-${orderId}`, contains("the certificate it took goes back to your package"));
    await expectText(page, `#cancel-q-${orderId}`, contains(CN));
    await expectFocused(page, `keep-order-${orderId}`, "the safe answer focused");
    await page.screenshot({ path: join(SHOTS, "popup-order-cancel-confirm-en.png") });
    await page.click(`#keep-order-${orderId}`);
    await expectVisible(page, `#cancel-confirm-${orderId}`, false);
    await expectVisible(page, `#cancel-${orderId}`, true);
    expect((await send(page, "orders.get", { id: orderId })).state).toBe("validation");
    expect((await left()).used).toBe(before.used);

    await card.locator(`#cancel-${orderId}`).click();
    await page.click(`#confirm-cancel-order-${orderId}`);
    await expectAttribute(card, "data-state", "cancelled");
    expect((await left()).used, "the certificate back in the package").toBe(before.used - 1);
  });

  it("export: the backup's rule and a confirmation, refused on the field; the worker's floor; then a file openssl opens", async () => {
    await page.click("#tab-keys");
    const keyCard = page.locator(`#key-list > li[data-key-id="${keyId}"]`);
    await keyCard.locator(".card-head").click();
    const key = await send(page, "keys.get", { keyId });
    await expectText(page, `#key-created-${keyId}`, await intl(page, key.createdAt, "en", true));
    expect(await keyCard.textContent()).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:/);

    await page.selectOption(`#export-format-${keyId}`, "pkcs8-encrypted");
    await page.fill(`#export-passphrase-${keyId}`, "eleven char");
    await page.fill(`#export-confirm-${keyId}`, "eleven char");
    await page.click(`#export-${keyId}`);
    await expectText(page, `#export-passphrase-${keyId}-error`, `Export passphrase: at least ${EXPORT_PASSPHRASE_MIN} characters, not only spaces.`);
    await expectFocused(page, `export-passphrase-${keyId}`);

    const pass = "correct horse battery 马";
    await page.fill(`#export-passphrase-${keyId}`, pass);
    await page.fill(`#export-confirm-${keyId}`, "correct horse battery ma");
    await page.click(`#export-${keyId}`);
    await expectText(page, `#export-confirm-${keyId}-error`, "Passphrase again: does not match the export passphrase.");
    await expectFocused(page, `export-confirm-${keyId}`);
    await expectVisible(page, `#export-passphrase-${keyId}-error`, false);
    expect(downloads, "nothing saved while the passphrase is refused").toBe(0);

    // The worker refuses a passphrase the vault would take (10 characters) for a file, whatever a page sends.
    const refused = await sendRaw(page, "keys.export", { keyId, format: "pkcs8-encrypted", passphrase: "ten chars!" });
    expect(refused.ok ? "accepted" : refused.error.code).toBe("passphrase.too_short");

    await page.fill(`#export-confirm-${keyId}`, pass);
    await expectVisible(page, `#export-confirm-${keyId}-error`, false);
    const [download] = await Promise.all([page.waitForEvent("download"), page.click(`#export-${keyId}`)]);
    const file = join(work, "key.p8.pem");
    await download.saveAs(file);
    await expectValue(page, `#export-confirm-${keyId}`, "");
    expect(openssl(["pkey", "-in", file, "-passin", `pass:${pass}`, "-pubout"])).toContain("BEGIN PUBLIC KEY");
  });

  it("the backup form focuses its first invalid field on a refused submit", async () => {
    const before = downloads;
    await page.fill("#backup-passphrase", "short");
    await page.fill("#backup-confirm", "other");
    await page.focus("#backup-keys");
    await page.keyboard.press("Enter");
    await expectText(page, "#backup-passphrase-error", contains(`at least ${EXPORT_PASSPHRASE_MIN} characters`));
    await expectFocused(page, "backup-passphrase");
    await page.fill("#backup-passphrase", "correct horse battery staple");
    await page.click("#backup-keys");
    await expectText(page, "#backup-confirm-error", contains("does not match"));
    await expectFocused(page, "backup-confirm");
    expect(downloads).toBe(before);
  });

  it("speaks Chinese in the summary and the cancelled card", async () => {
    const zh = await popupAt(`#orders?key=${encodeURIComponent(keyId)}`, "zh_CN");
    await zh.waitForSelector("#new-order");
    await expectText(zh, "#order-summary-domain", `域名：${CN}`);
    await expectText(zh, "#order-summary-product", `证书产品：${productName(productCode, "zh_CN")}。此订单将占用该资源包中的 1 个证书额度。`);
    const q = await left();
    await expectText(zh, "#order-summary-quota", `资源包中还剩 ${q.left} 个证书额度（共 ${q.total} 个）。`);
    const order = await send(zh, "orders.get", { id: orderId });
    await expectText(zh.locator(`#order-placed-${orderId}`), `下单时间：${await intl(zh, order.createdAt, "zh-CN", true)}`);
    await zh.locator("#order-summary").scrollIntoViewIfNeeded();
    await zh.screenshot({ path: join(SHOTS, "popup-order-summary-zh_CN.png") });
    await zh.close();
  });
});
