// The vault passphrase through the pages, in real Chromium (what docs/vault.md "Vault passphrase" describes):
// 1. first run: the popup offers a passphrase (a link to options.html#vault); "Not now" hides the offer for
//    good; the options page says what protects the keys without one;
// 2. a passphrase set in the options page: too short and mismatched refused in the page (nothing sent; the
//    worker refuses a short one too), then a good one: vault.status says set and unlocked;
// 3. Lock now: the popup shows its unlock prompt instead of the tabs, key use answers vault.locked, a wrong
//    passphrase shows a localized error naming the field by its label, the right one brings back the tabs
//    and the key (also after the worker was stopped);
// 4. change (the old passphrase no longer unlocks, the new one does) and remove (the key still listed, signs
//    and exports);
// 5. the options vault section and the popup prompt in Chinese (texts read from _locales/*/*.json);
// 6. a relaunched browser with the default policy ("when the browser closes") is locked until unlocked.
// Screenshots: test-artifacts/ui/popup-vault-unlock-en.png, popup-vault-unlock-zh.png, options-vault-en.png.
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { PASSPHRASE_MIN_LENGTH } from "../../src/messages";
import {
  ROOT, contains, expectAttribute, expectCount, expectEventually, expectText, expectValue, expectVisible, launchExtension,
  openExtensionPage, openPopup, send, sendRaw, stopWorker, type ExtensionSession,
} from "./harness";

const SHOTS = join(ROOT, "test-artifacts", "ui");
const [PASS1, PASS2, PASS3] = ["first vault passphrase", "second vault passphrase", "第三个密钥库口令 zh"];
const CN = "vault-ui.example.com";

/** Every message of a locale, as the extension ships them. */
function catalog(locale: "en" | "zh_CN"): Record<string, string> {
  const dir = join(ROOT, "_locales", locale);
  const files = readdirSync(dir).filter((n) => n.endsWith(".json")).map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")) as Record<string, { message: string }>);
  return Object.fromEntries(files.flatMap((entries) => Object.entries(entries).map(([k, v]) => [k, v.message])));
}
const CATALOGS = { en: catalog("en"), zh_CN: catalog("zh_CN") };
/** A message with its parameters filled in. */
function msg(locale: "en" | "zh_CN", key: string, params: Record<string, string | number> = {}): string {
  const text = CATALOGS[locale][key];
  if (text === undefined) throw new Error(`no message ${key} in _locales/${locale}`);
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

// The popup asks vault.status once, when it opens: to see that an absent offer is absent *after* the answer,
// popup pages count the answers on <html data-vault-status-answers> (through `browser.runtime`, which
// src/messages.ts prefers to `chrome.runtime`; nothing else in the pages reads `browser`).
const COUNT_STATUS_ANSWERS = `(() => {
  if (!location.href.startsWith("chrome-extension://") || !location.pathname.endsWith("/popup.html")) return;
  const runtime = chrome.runtime;
  globalThis.browser = { runtime: { sendMessage: (m) => runtime.sendMessage(m).then((reply) => {
    if (m && m.type === "vault.status") {
      const html = document.documentElement;
      html.dataset.vaultStatusAnswers = String(Number(html.dataset.vaultStatusAnswers || "0") + 1);
    }
    return reply;
  }) } };
})()`;

let session: ExtensionSession;
let probe: Page; // sends protocol messages exactly as the pages do
let keyId = "";

async function start(s: ExtensionSession): Promise<void> {
  session = s;
  await session.context.addInitScript(COUNT_STATUS_ANSWERS);
  probe = await openExtensionPage(session, "options.html?lang=en");
}
const status = () => send(probe, "vault.status", {});
async function openOptions(locale: "en" | "zh_CN" = "en"): Promise<Page> {
  const page = await openExtensionPage(session, `options.html?lang=${locale}#vault`);
  await page.waitForSelector("body[data-ready=true]");
  await expectVisible(page, "#vault-no-passphrase, #vault-state");
  return page;
}
/** The popup (already open) asks for the passphrase instead of showing the tabs. */
async function expectPrompt(popup: Page, locale: "en" | "zh_CN"): Promise<void> {
  await expectText(popup, "#unlock-title", msg(locale, "ui_vault_unlock_title"));
  await expectText(popup, "#vault-unlock .hint", msg(locale, "ui_vault_unlock_hint"));
  await expectCount(popup, "[role=tab]", 0, "no tabs while locked");
}
async function unlockInPopup(popup: Page, passphrase: string): Promise<void> {
  await popup.fill("#unlock-passphrase", passphrase);
  await popup.click("#unlock-vault");
}
/** Unlocked: the tabs are back and the Keys tab lists the key. */
async function expectKeyListed(popup: Page): Promise<void> {
  await expectCount(popup, "#vault-unlock", 0, "the unlock prompt gone");
  await popup.click("#tab-keys");
  await expectCount(popup, `#key-list li[data-key-id="${keyId}"]`, 1, "the key in the Keys tab");
  await expectText(popup, `#key-list li[data-key-id="${keyId}"] .card-title`, CN);
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  await start(await launchExtension());
});
afterAll(async () => session?.dispose());

describe("vault passphrase through the popup and options pages", () => {
  it("first run: the popup offers a passphrase until 'Not now'; options says what protects the keys", async () => {
    const popup = await openPopup(session);
    await expectText(popup, "#vault-offer", contains(msg("en", "ui_vault_offer")));
    await expectAttribute(popup, "#vault-offer-set", "href", "options.html#vault");
    const [opened] = await Promise.all([session.context.waitForEvent("page"), popup.click("#vault-offer-set")]);
    await expectEventually(async () => new URL(opened.url()).pathname + new URL(opened.url()).hash, "/options.html#vault", "the page the offer opens");
    await expectVisible(opened, "#vault-new");
    await opened.close();
    await popup.click("#vault-offer-dismiss");
    await expectCount(popup, "#vault-offer", 0, "the offer gone once dismissed");
    await popup.close();

    const again = await openPopup(session);
    await expectAttribute(again, "html", "data-vault-status-answers", /^[1-9]\d*$/, "the reopened popup has its vault status");
    await expectCount(again, "#vault-offer", 0, "the dismissed offer, after reopening");
    await expectVisible(again, "#tab-new-csr");
    await again.close();

    const options = await openOptions();
    await expectText(options, "#vault-title", msg("en", "ui_vault_title"));
    await expectText(options, "#vault-no-passphrase", msg("en", "ui_vault_without"));
    await options.close();
  });

  it("sets a passphrase in the options page: too short and mismatched are refused there, a good one seals the key", async () => {
    const made = await send(probe, "csr.create", { spec: "EC_P256", subject: { CN }, sans: [CN], exportable: true, label: CN });
    keyId = made.key.id;
    const options = await openOptions();
    await options.fill("#vault-new", "too short");
    await options.fill("#vault-confirm", "too short");
    await options.click("#vault-set");
    await expectText(options, "#vault-new-error", msg("en", "error_ui_vault_passphrase_short", { min: PASSPHRASE_MIN_LENGTH }));
    await expectText(options, "#vault-new-error", contains("10"));
    await expectAttribute(options, "#vault-new", "aria-invalid", "true");
    expect(await status()).toMatchObject({ hasPassphrase: false, locked: false });
    const refused = await sendRaw(probe, "vault.setPassphrase", { passphrase: "too short" });
    expect(refused.ok ? "set" : refused.error.code, "the worker's own floor").toBe("passphrase.too_short");

    await options.fill("#vault-new", PASS1);
    await options.fill("#vault-confirm", `${PASS1}!`);
    await options.click("#vault-set");
    await expectText(options, "#vault-confirm-error", msg("en", "error_ui_vault_passphrase_mismatch"));
    await expectCount(options, "#vault-new-error", 0);
    expect(await status()).toMatchObject({ hasPassphrase: false });

    await options.fill("#vault-confirm", PASS1);
    await options.click("#vault-set");
    await expectText(options, "#vault-done", msg("en", "ui_vault_set_done"));
    await expectText(options, "#vault-state", msg("en", "ui_vault_state_unlocked"));
    await expectValue(options, "#vault-policy", "browser-close");
    await expectCount(options, "#vault-unprotected", 0, "an exportable key made before is sealed too");
    expect(await status()).toMatchObject({ hasPassphrase: true, locked: false, lockPolicy: { kind: "browser-close" }, unprotectedKeys: 0 });
    await options.locator("#vault").screenshot({ path: join(SHOTS, "options-vault-en.png") });
    await options.close();
  });

  it("Lock now: the popup asks instead of showing the tabs, key use is refused, a wrong passphrase is told", async () => {
    const options = await openOptions();
    await options.click("#vault-lock");
    await expectText(options, "#vault-done", msg("en", "ui_vault_locked_now"));
    await expectText(options, "#vault-state", msg("en", "ui_vault_state_locked"));
    await options.close();
    expect(await status()).toMatchObject({ hasPassphrase: true, locked: true });
    for (const r of [
      await sendRaw(probe, "keys.export", { keyId, format: "pkcs8", unencrypted: true }),
      await sendRaw(probe, "csr.create", { spec: "EC_P256", subject: { CN }, sans: [], exportable: false, keyId }),
    ]) expect(r.ok ? "done" : r.error.code).toBe("vault.locked");

    const popup = await openPopup(session);
    await expectPrompt(popup, "en");
    await popup.screenshot({ path: join(SHOTS, "popup-vault-unlock-en.png"), fullPage: true });
    await unlockInPopup(popup, "not the vault passphrase");
    await expectAttribute(popup, "#unlock-error", "data-code", "vault.passphrase.wrong");
    await expectText(popup, "#unlock-error", msg("en", "error_vault_passphrase_wrong", { field: msg("en", "ui_vault_passphrase"), attempts: 1, free: 3, seconds: 0 }));
    await expectValue(popup, "#unlock-passphrase", "", "the field emptied after a try");
    await expectCount(popup, "[role=tab]", 0, "still no tabs");
    await unlockInPopup(popup, PASS1);
    await expectKeyListed(popup);
    await popup.close();

    await stopWorker(session); // storage.session keeps a restarted worker unlocked
    expect(await status()).toMatchObject({ locked: false });
    expect((await send(probe, "keys.export", { keyId, format: "pkcs8", unencrypted: true })).data).toContain("BEGIN PRIVATE KEY");
  });

  it("changes the passphrase (the old one no longer unlocks) and removes it (the key still listed and usable)", async () => {
    let options = await openOptions();
    await options.fill("#vault-current", PASS1);
    await options.fill("#vault-new", PASS2);
    await options.fill("#vault-confirm", PASS2);
    await options.click("#vault-change");
    await expectText(options, "#vault-done", msg("en", "ui_vault_changed"));
    await options.click("#vault-lock");
    await expectText(options, "#vault-state", msg("en", "ui_vault_state_locked"));
    await options.fill("#vault-current", PASS1);
    await options.click("#vault-unlock");
    await expectAttribute(options, "#vault-error", "data-code", "vault.passphrase.wrong");
    await expectText(options, "#vault-error", msg("en", "error_vault_passphrase_wrong", { field: msg("en", "ui_vault_current"), attempts: 1, free: 3, seconds: 0 }));
    await options.close();

    const popup = await openPopup(session);
    await expectPrompt(popup, "en");
    await unlockInPopup(popup, PASS2);
    await expectKeyListed(popup);
    await popup.close();

    options = await openOptions();
    await expectText(options, "#vault-state", msg("en", "ui_vault_state_unlocked"));
    await options.fill("#vault-remove-current", PASS2);
    await options.click("#vault-remove");
    await expectText(options, "#vault-done", msg("en", "ui_vault_removed"));
    await expectText(options, "#vault-no-passphrase", msg("en", "ui_vault_without"));
    await options.close();
    expect(await status()).toMatchObject({ hasPassphrase: false, locked: false });
    const listed = await openPopup(session);
    await expectKeyListed(listed);
    await listed.close();
    const again = await send(probe, "csr.create", { spec: "EC_P256", subject: { CN }, sans: [CN], exportable: true, keyId });
    expect(again.key.id).toBe(keyId);
    expect(again.inspection.signatureValid).toBe(true);
    expect((await send(probe, "keys.export", { keyId, format: "pkcs8", unencrypted: true })).data).toContain("BEGIN PRIVATE KEY");
  });

  it("reads in Chinese: the options vault section and the popup's unlock prompt", async () => {
    const options = await openOptions("zh_CN");
    await expectText(options, "#vault-title", msg("zh_CN", "ui_vault_title"));
    await expectText(options, "#vault-no-passphrase", msg("zh_CN", "ui_vault_without"));
    await options.fill("#vault-new", "短口令");
    await options.click("#vault-set");
    await expectText(options, "#vault-new-error", msg("zh_CN", "error_ui_vault_passphrase_short", { min: PASSPHRASE_MIN_LENGTH }));
    await options.fill("#vault-new", PASS3);
    await options.fill("#vault-confirm", PASS3);
    await options.click("#vault-set");
    await expectText(options, "#vault-done", msg("zh_CN", "ui_vault_set_done"));
    await expectText(options, "#vault-lock", msg("zh_CN", "ui_vault_lock_now"));
    await options.click("#vault-lock");
    await expectText(options, "#vault-state", msg("zh_CN", "ui_vault_state_locked"));
    await options.close();

    const popup = await openExtensionPage(session, "popup.html?lang=zh_CN");
    await popup.setViewportSize({ width: 400, height: 600 });
    await expectAttribute(popup, "html", "lang", "zh-CN");
    await expectPrompt(popup, "zh_CN");
    await expectText(popup, "#unlock-vault", msg("zh_CN", "ui_vault_unlock"));
    await unlockInPopup(popup, "不是这个口令，肯定不是");
    await expectText(popup, "#unlock-error", msg("zh_CN", "error_vault_passphrase_wrong", { field: msg("zh_CN", "ui_vault_passphrase"), attempts: 1, free: 3, seconds: 0 }));
    await popup.screenshot({ path: join(SHOTS, "popup-vault-unlock-zh.png"), fullPage: true });
    await unlockInPopup(popup, PASS3);
    await expectText(popup, "#tab-keys", msg("zh_CN", "ui_tab_keys"));
    await expectKeyListed(popup);
    await popup.close();
  });

  it("relaunched with the default policy (when the browser closes), the vault is locked and the popup asks", async () => {
    expect(await status()).toMatchObject({ hasPassphrase: true, locked: false, lockPolicy: { kind: "browser-close" } });
    await start(await session.relaunch());
    expect(await status()).toMatchObject({ hasPassphrase: true, locked: true });
    const popup = await openPopup(session);
    await expectPrompt(popup, "en");
    await unlockInPopup(popup, PASS3);
    await expectKeyListed(popup);
    await popup.close();
    expect(await status()).toMatchObject({ locked: false });
  });
});
