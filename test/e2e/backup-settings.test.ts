// Key backup and restore, and the options page's signature version / follow orders / expiry warning,
// all through the real extension's pages in Chromium (the test only reads through the worker what the
// user could see or export). Keys are made in the popup (two exportable, one not), backed up from the Keys
// tab, deleted there, then restored in the options page (where the popup's link leads): a wrong
// passphrase and a damaged file restore nothing; the right one brings back the two exportable keys with
// the same public keys. The backup file holds neither key's PKCS#8 nor private value in any encoding.
// Screenshots (en, zh_CN) in test-artifacts/ui/.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import type { KeySpecId } from "../../src/messages";
import { BACKUP_PASSPHRASE_MIN } from "../../src/ui/passphrase-rules";
import {
  ROOT, check, contains, expectAttribute, expectChecked, expectDisabled, expectEventually, expectFocused, expectText, expectValue, expectVisible, findBytes,
  launchExtension, openExtensionPage, send, waitFor, type ExtensionSession,
} from "./harness";

const dir = mkdtempSync(join(tmpdir(), "keysmith-backup-e2e-"));
const SHOTS = join(ROOT, "test-artifacts/ui");
// Made up for this test; never printed.
const PASSPHRASE = "maple lantern quartz 42";
const EXPORT_PASS = "export only for the byte search";
writeFileSync(join(dir, "export-pass"), EXPORT_PASS);

let session: ExtensionSession;
let popup: Page;
const made: { cn: string; spec: KeySpecId; exportable: boolean; csrPem: string; publicKey: string }[] = [];
let backupPath = "";

function publicKeyOfCsr(pem: string): string {
  const file = join(dir, `req-${Math.random().toString(36).slice(2)}.csr`);
  writeFileSync(file, pem);
  return execFileSync("openssl", ["req", "-in", file, "-noout", "-pubkey"], { encoding: "utf8" });
}

/** Nothing may stick out of the popup's 400 px (Chinese is what breaks first). */
async function overflow(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll("body *")]
      .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
      .map((el) => `${el.tagName.toLowerCase()}#${el.id}.${el.className}`),
  );
}

async function openPopup(lang: "en" | "zh_CN", hash = ""): Promise<Page> {
  const page = await openExtensionPage(session, `popup.html?lang=${lang}${hash}`);
  await page.setViewportSize({ width: 400, height: 700 });
  await page.waitForSelector("body[data-synced=true]");
  return page;
}

async function openOptions(lang: "en" | "zh_CN", hash = ""): Promise<Page> {
  const page = await openExtensionPage(session, `options.html?lang=${lang}${hash}`);
  await page.waitForSelector("body[data-ready=true]");
  return page;
}

async function listedKeyIds(page: Page): Promise<string[]> {
  return page.$$eval("#key-list > li", (els) => els.map((el) => el.getAttribute("data-key-id") ?? ""));
}

/** The Keys tab once it lists `n` keys (the list comes from the worker after the tab opens). */
async function expectListed(page: Page, n: number): Promise<string[]> {
  return expectEventually(() => listedKeyIds(page), check(`${n} keys`, (ids) => ids.length === n), `${n} keys in the Keys tab`);
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  session = await launchExtension();
  popup = await openPopup("en");
});
afterAll(async () => session?.dispose());

describe("backup and restore through the pages", () => {
  it("makes two exportable keys and one non-exportable key in the popup", async () => {
    const wanted: { spec: KeySpecId; exportable: boolean }[] = [
      { spec: "EC_P256", exportable: true },
      { spec: "RSA_2048", exportable: true },
      { spec: "EC_P384", exportable: false },
    ];
    for (const w of wanted) {
      // The previous key's result is showing (or, first, the empty form): start from the form.
      await popup.waitForSelector("#another-csr, #create-csr");
      if (await popup.isVisible("#another-csr")) await popup.click("#another-csr");
      await popup.selectOption("#csr-profile", "generic");
      await popup.selectOption("#key-spec", w.spec);
      const cn = `${w.spec.toLowerCase().replace(/_/g, "-")}${w.exportable ? "-x" : ""}.backup.example.com`;
      await popup.fill("#subject-cn", cn);
      // The export choice sits behind "More fields" (its state is remembered: open it when closed).
      if ((await popup.getAttribute("#csr-more-toggle", "aria-expanded")) === "false") await popup.click("#csr-more-toggle");
      await popup.setChecked("#exportable", w.exportable);
      await popup.click("#create-csr");
      await popup.waitForSelector("#csr-pem", { timeout: 120_000 });
      const csrPem = await expectValue(popup, "#csr-pem", /^-----BEGIN CERTIFICATE REQUEST-----/);
      made.push({ cn, ...w, csrPem, publicKey: publicKeyOfCsr(csrPem) });
    }
    await popup.click("#tab-keys");
    await popup.waitForSelector("#backup-section");
    await expectListed(popup, 3);
  });

  it("Keys tab: shows the rule and what is left out, refuses a short or unconfirmed passphrase, then downloads the backup", async () => {
    await expectText(popup, "#backup-scope", contains("Exportable keys in the backup: 2."));
    await expectText(popup, "#backup-non-exportable", "Non-exportable keys cannot be backed up: they never leave this browser.");
    await expectText(popup, "#backup-passphrase-hint", contains(`At least ${BACKUP_PASSPHRASE_MIN} characters`));

    await popup.fill("#backup-passphrase", "too short");
    await expectText(popup, "#backup-passphrase-error", `Backup passphrase: at least ${BACKUP_PASSPHRASE_MIN} characters, not only spaces.`);
    await popup.fill("#backup-passphrase", PASSPHRASE);
    await expectVisible(popup, "#backup-passphrase-error", false);
    await popup.fill("#backup-confirm", `${PASSPHRASE}!`);
    await expectText(popup, "#backup-confirm-error", "Passphrase again: does not match the backup passphrase.");
    // Enter in the field submits the form; with the mismatch nothing is asked of the worker.
    await popup.press("#backup-confirm", "Enter");
    expect(await popup.isVisible("#backup-done")).toBe(false);
    await popup.screenshot({ path: join(SHOTS, "popup-backup-en.png"), fullPage: true });
    expect(await overflow(popup)).toEqual([]);

    await popup.fill("#backup-confirm", PASSPHRASE);
    const [download] = await Promise.all([popup.waitForEvent("download", { timeout: 60_000 }), popup.click("#backup-keys")]);
    backupPath = join(dir, download.suggestedFilename());
    await download.saveAs(backupPath);
    await expectText(popup, "#backup-done", contains(download.suggestedFilename()));
    // The fields are emptied once the file is made.
    await expectValue(popup, "#backup-passphrase", "");
    await expectValue(popup, "#backup-confirm", "");
  });

  it("the backup file holds no unencrypted private key of either exportable key", async () => {
    const file = readFileSync(backupPath);
    const text = file.toString("latin1");
    const envelope = JSON.parse(file.toString("utf8")) as { format: string; kdf: { iterations: number } };
    expect(envelope.format).toBe("keysmith-backup");
    expect(envelope.kdf.iterations).toBeGreaterThanOrEqual(600_000);
    expect(text).not.toMatch(/PRIVATE KEY/);
    const keys = await send(popup, "keys.list", {});
    for (const m of made.filter((x) => x.exportable)) {
      const key = keys.find((k) => k.commonName === m.cn)!;
      // The key's own PKCS#8, learnt the way a user could: a passphrase export, opened with OpenSSL.
      const p8 = await send(popup, "keys.export", { keyId: key.id, format: "pkcs8-encrypted", passphrase: EXPORT_PASS });
      writeFileSync(join(dir, "k.p8"), p8.data);
      const der = new Uint8Array(execFileSync("openssl", ["pkey", "-in", join(dir, "k.p8"), "-passin", `file:${join(dir, "export-pass")}`, "-outform", "DER"]));
      // The search itself works: the same bytes are found when they are there.
      expect(findBytes(`${text}${Buffer.from(der).toString("base64")}`, der)).toContain("base64");
      expect(findBytes(text, der), `${m.spec}: PKCS#8 in the backup`).toEqual([]);
      const pkeyText = execFileSync("openssl", ["pkey", "-in", join(dir, "k.p8"), "-passin", `file:${join(dir, "export-pass")}`, "-noout", "-text"], { encoding: "utf8" });
      const priv = /priv(?:ate)?(?:Exponent)?:\s*\n((?:\s+[0-9a-f:]+\n)+)/i.exec(pkeyText)?.[1];
      expect(priv, `${m.spec}: private value read back`).toBeTruthy();
      const bytes = Buffer.from(priv!.replace(/[\s:]/g, ""), "hex");
      const scalar = new Uint8Array(bytes[0] === 0 ? bytes.subarray(1) : bytes);
      expect(findBytes(text, scalar, 16, { windows: true }), `${m.spec}: private value in the backup`).toEqual([]);
    }
  });

  it("Keys tab in Chinese fits the popup", async () => {
    const page = await openPopup("zh_CN", "#keys");
    await page.waitForSelector("#backup-section");
    await expectText(page, "#backup-title", "备份可导出的密钥");
    await expectText(page, "#backup-non-exportable", "不可导出的密钥无法备份：它们从不离开此浏览器。");
    await page.fill("#backup-passphrase", "短口令");
    await expectText(page, "#backup-passphrase-error", `备份口令：至少 ${BACKUP_PASSPHRASE_MIN} 个字符，且不能只有空格。`);
    await page.screenshot({ path: join(SHOTS, "popup-backup-zh_CN.png"), fullPage: true });
    expect(await overflow(page)).toEqual([]);
    await page.close();
  });

  it("deletes the three keys in the Keys tab", async () => {
    for (const id of await expectListed(popup, 3)) {
      await popup.click(`[data-key-id="${id}"] .card-head`);
      await popup.click(`#delete-${id}`);
      await popup.click(`#confirm-delete-${id}`);
      await waitFor(async () => !(await listedKeyIds(popup)).includes(id), `key ${id} gone from the list`);
    }
    expect(await send(popup, "keys.list", {})).toEqual([]);
    await expectText(popup, "#backup-scope", contains("No exportable key to back up yet."));
    await expectDisabled(popup, "#backup-keys", true);
  });

  it("restores in the options page: a wrong passphrase and a damaged file restore nothing, the right passphrase brings back the two exportable keys", async () => {
    const [options] = await Promise.all([session.context.waitForEvent("page"), popup.click("#open-restore")]);
    await options.waitForSelector("body[data-ready=true]");
    expect(new URL(options.url()).hash).toBe("#restore");
    await waitFor(() => options.evaluate(() => document.activeElement?.id === "restore-file-button"), "the file button focused");

    await options.setInputFiles("#restore-file", backupPath);
    await options.fill("#restore-passphrase", `${PASSPHRASE} (not it)`);
    await options.click("#restore-keys");
    await expectAttribute(options, "#restore-error", "data-code", "export.passphrase.wrong");
    // The worker's typed error, with the field named as the page labels it.
    await expectText(options, "#restore-error", "Passphrase of the backup: wrong passphrase, or the file is damaged (decryption failed).");
    await expectValue(options, "#restore-passphrase", "");
    await expectFocused(options, "restore-passphrase");
    expect(await send(options, "keys.list", {})).toEqual([]);
    await options.locator("#restore").screenshot({ path: join(SHOTS, "options-restore-error-en.png") });

    // One byte of the ciphertext changed: GCM refuses it, nothing is restored.
    const envelope = JSON.parse(readFileSync(backupPath, "utf8")) as { data: string };
    const cipher = Buffer.from(envelope.data, "base64");
    cipher[cipher.length >> 1] ^= 1;
    const damaged = join(dir, "damaged.ksb");
    writeFileSync(damaged, JSON.stringify({ ...envelope, data: cipher.toString("base64") }));
    await options.setInputFiles("#restore-file", damaged);
    await options.fill("#restore-passphrase", PASSPHRASE);
    await options.click("#restore-keys");
    await options.waitForSelector("#restore-error");
    await expectAttribute(options, "#restore-error", "data-code", "export.passphrase.wrong");
    // Not a backup at all.
    const notBackup = join(dir, "notes.txt");
    writeFileSync(notBackup, "not a backup\n");
    await options.setInputFiles("#restore-file", notBackup);
    await options.fill("#restore-passphrase", PASSPHRASE);
    await options.click("#restore-keys");
    await options.waitForSelector("#restore-error[data-code='vault.backup.invalid']");
    await expectText(options, "#restore-error", contains("not a Keysmith backup file"));
    expect(await send(options, "keys.list", {})).toEqual([]);

    await options.setInputFiles("#restore-file", backupPath);
    await options.fill("#restore-passphrase", PASSPHRASE);
    await options.click("#restore-keys");
    await options.waitForSelector("#restore-done", { timeout: 60_000 });
    const exportable = made.filter((m) => m.exportable);
    const done = await expectText(options, "#restore-done", contains("Keys restored: 2"));
    for (const m of exportable) expect(done).toContain(m.cn);
    await options.locator("#restore").screenshot({ path: join(SHOTS, "options-restore-done-en.png") });

    const keys = await send(options, "keys.list", {});
    expect(keys.map((k) => k.commonName).sort()).toEqual(exportable.map((m) => m.cn).sort());
    for (const m of exportable) {
      const k = keys.find((x) => x.commonName === m.cn)!;
      expect(k.exportable).toBe(true);
      expect(k.spec).toBe(m.spec);
      expect(publicKeyOfCsr(k.csrPem!)).toBe(m.publicKey);
    }
    // The non-exportable key was never in the file: it is gone with its deletion.
    const lost = made.find((m) => !m.exportable)!;
    expect(keys.map((k) => publicKeyOfCsr(k.csrPem!))).not.toContain(lost.publicKey);

    // Restoring the same file again adds nothing.
    await options.setInputFiles("#restore-file", backupPath);
    await options.fill("#restore-passphrase", PASSPHRASE);
    await options.click("#restore-keys");
    await options.waitForSelector("#restore-done", { timeout: 60_000 });
    await expectText(options, "#restore-done", contains("Nothing restored"));
    expect(await send(options, "keys.list", {})).toHaveLength(2);
    await options.close();

    // The popup's Keys tab lists them again, and each still signs: a new CSR for it keeps the public key.
    const page = await openPopup("en", "#keys");
    await expectListed(page, 2);
    for (const k of keys) {
      const again = await send(page, "csr.create", { spec: k.spec, subject: { CN: k.commonName }, sans: [], exportable: true, keyId: k.id });
      expect(again.inspection.signatureValid).toBe(true);
      expect(publicKeyOfCsr(again.csrPem)).toBe(made.find((m) => m.cn === k.commonName)!.publicKey);
    }
    await page.close();
  });

  it("restore in Chinese: the worker's error in the page's language", async () => {
    const page = await openOptions("zh_CN", "#restore");
    await expectText(page, "#restore-title", "从备份恢复密钥");
    await page.setInputFiles("#restore-file", backupPath);
    await page.fill("#restore-passphrase", "错误的口令");
    await page.click("#restore-keys");
    await expectText(page, "#restore-error", "备份口令：口令错误或文件已损坏（解密失败）。", undefined, { timeoutMs: 60_000 });
    await page.locator("#restore").screenshot({ path: join(SHOTS, "options-restore-error-zh_CN.png") });
    expect(await send(page, "keys.list", {})).toHaveLength(2);
    await page.close();
  });
});

describe("options: signature version, follow orders, expiry warning", () => {
  it("changes the three settings; a reload shows them kept", async () => {
    const page = await openOptions("en");
    await expectValue(page, "#signature-version", "v3");
    await expectChecked(page, "#follow-orders", true);
    await expectValue(page, "#expiry-warning-days", "30");
    await page.selectOption("#signature-version", "v1");
    await page.setChecked("#follow-orders", false);
    await page.fill("#expiry-warning-days", "45");
    // Each section saves on its own: the signature version with the cloud settings, the other two with the orders.
    await expectVisible(page, "#cloud-unsaved", true, "the cloud section marked unsaved");
    await expectVisible(page, "#follow-unsaved", true, "the orders section marked unsaved");
    await page.click("#save-cloud");
    await page.waitForSelector("#cloud-saved");
    await expectVisible(page, "#cloud-unsaved", false, "the cloud section saved");
    await expectVisible(page, "#follow-unsaved", true, "the orders section still unsaved");
    await page.click("#save-orders");
    await page.waitForSelector("#orders-saved");
    await expectVisible(page, "#follow-unsaved", false, "the orders section saved");

    await page.reload();
    await page.waitForSelector("body[data-ready=true]");
    await expectValue(page, "#signature-version", "v1");
    await expectChecked(page, "#follow-orders", false);
    await expectValue(page, "#expiry-warning-days", "45");
    const stored = await send(page, "settings.get", {});
    expect({ signatureVersion: stored.signatureVersion, followOrders: stored.followOrders, expiryWarningDays: stored.expiryWarningDays })
      .toEqual({ signatureVersion: "v1", followOrders: false, expiryWarningDays: 45 });
    await page.locator("#follow").screenshot({ path: join(SHOTS, "options-settings-en.png") });
    await page.close();
  });

  it("an invalid expiry warning shows the error, naming the field and the rule, and saves nothing", async () => {
    const page = await openOptions("en");
    await page.selectOption("#signature-version", "v3");
    await page.setChecked("#follow-orders", true);
    for (const bad of ["0", "366", "2.5", "soon"]) {
      await page.fill("#expiry-warning-days", bad);
      await expectText(page, "#expiry-warning-days-error", `Expiry warning (days): "${bad}" is not a whole number from 1 to 365.`);
      await expectAttribute(page, "#expiry-warning-days", "aria-invalid", "true");
    }
    await page.click("#save-orders");
    // The refused save moves the focus to the invalid field; only then is "nothing saved" worth checking.
    await expectFocused(page, "expiry-warning-days");
    expect(await page.isVisible("#orders-saved")).toBe(false);
    await page.locator("#follow").screenshot({ path: join(SHOTS, "options-settings-invalid-en.png") });

    await page.reload();
    await page.waitForSelector("body[data-ready=true]");
    await expectValue(page, "#signature-version", "v1");
    await expectChecked(page, "#follow-orders", false);
    await expectValue(page, "#expiry-warning-days", "45");
    const stored = await send(page, "settings.get", {});
    expect([stored.signatureVersion, stored.followOrders, stored.expiryWarningDays]).toEqual(["v1", false, 45]);
    await page.close();
  });

  it("in Chinese: labels, the error, keyboard", async () => {
    const page = await openOptions("zh_CN");
    await expectText(page, "label[for=signature-version]", "签名版本");
    await expectText(page, "label[for=follow-orders]", "在后台跟踪订单");
    await page.fill("#expiry-warning-days", "400");
    await expectText(page, "#expiry-warning-days-error", "到期提醒（天）：「400」不是 1 到 365 之间的整数。");
    // Keyboard: Space toggles the checkbox (off, as saved above), Tab reaches the days field next.
    await expectChecked(page, "#follow-orders", false);
    await page.focus("#follow-orders");
    await page.keyboard.press("Space");
    await expectChecked(page, "#follow-orders", true);
    await page.keyboard.press("Tab");
    await expectFocused(page, "expiry-warning-days");
    const unlabelled = await page.$$eval("input, select, textarea", (els) =>
      els.filter((el) => !(el as HTMLInputElement).labels?.length && !el.getAttribute("aria-label")).map((el) => el.id));
    expect(unlabelled).toEqual([]);
    await page.setViewportSize({ width: 400, height: 900 });
    expect(await overflow(page)).toEqual([]);
    await page.locator("#follow").screenshot({ path: join(SHOTS, "options-settings-zh_CN.png") });
    await page.close();
  });
});
