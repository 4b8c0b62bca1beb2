// `npm run screenshots`: the screenshots in docs/screenshots/ (docs/ui.md shows them) and docs/store/ (the
// Chrome Web Store, Edge Add-ons and addons.mozilla.org listings), made from the real extension in Debian
// Chromium against the local emulator (emulator/index.ts), in English and Simplified Chinese.
//
// What it drives (one browser profile, one emulator; states reached through the worker's own protocol, the
// way the popup asks for them, then shown by the real pages):
//   - credentials and the emulator endpoint stored, a vault passphrase set (so the first-run passphrase note
//     does not cover the form), three keys: www.example.com (EC P-256), api.example.com (RSA 2048),
//     www.例子.cn (SM2);
//   - popup-new-csr: the popup's default screen (New CSR), waited for by its "Create key and CSR" button;
//   - popup-order: a DV order for www.example.com placed against the emulator, its validation card (record
//     type, name, value) on the Orders tab;
//   - popup-keys: after the record is added through Alidns and the certificate issued and paired, the Keys
//     tab with that key's details open;
//   - options: the options page scrolled to its credentials section, with the stored AccessKey (masked).
// Each in en and zh_CN (the page's ?lang= and the extension's language setting). Outputs:
//   docs/screenshots/<shot>-<lang>.png  the popup at its real size (400x600), the options page at 1280x800
//                                       (popup-new-csr, popup-order, options);
//   docs/store/<shot>-<lang>.png        exactly 1280x800: the popup centred on a plain page with a caption,
//                                       the options page as it is (every shot).
// Re-running gives the same pictures where the product shows the same thing: fixed names, a fixed emulator
// port when it is free (8787, the "Local emulator" preset), order ids from a fresh emulator, the order placed
// at a fixed time by the worker's clock; the validation record's value (random in the emulator, as in the
// cloud) is shown as a fixed sample of the same shape. The key's details (store picture only) show its
// creation time and validity dates, which change from run to run. A picture that differs from the one already
// in the folder by no more than rasteriser noise (NOISE_PIXELS) is not rewritten.
// Every screenshot waits for the state it shows (its text visible), never for a fixed time.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Page } from "playwright-core";
import { startEmulator, type RunningEmulator } from "../emulator/index";
import { intlTag } from "../src/ui/dates";
import {
  ROOT, TEST_GRANTS, check, contains, expectAttribute, expectCount, expectText, launchExtension, openExtensionPage, send, waitFor, type ExtensionSession,
} from "../test/e2e/harness";

export const LANGS = ["en", "zh_CN"] as const;
export type Lang = (typeof LANGS)[number];

/** Every state captured; `docs`: also at its real size in docs/screenshots/ (docs/ui.md shows those). */
export const SHOTS = [
  { name: "popup-new-csr", docs: true },
  { name: "popup-order", docs: true },
  { name: "popup-keys", docs: false },
  { name: "options", docs: true },
] as const;
export type ShotName = (typeof SHOTS)[number]["name"];

export const DOCS_DIR = join(ROOT, "docs", "screenshots");
export const STORE_DIR = join(ROOT, "docs", "store");
export const STORE_SIZE = { width: 1280, height: 800 } as const;
export const POPUP_SIZE = { width: 400, height: 600 } as const;

export function docsFile(name: ShotName, lang: Lang): string {
  return `${name}-${lang}.png`;
}
export const storeFile = docsFile;

/** The store captions beside the popup. */
const CAPTIONS: Record<Exclude<ShotName, "options">, Record<Lang, { title: string; text: string }>> = {
  "popup-new-csr": {
    en: { title: "Keys and CSRs made in your browser", text: "RSA, ECDSA and SM2 (国密) keys with PKCS#10 CSRs, made locally and offline. The private key never leaves the browser unless you export it." },
    zh_CN: { title: "在浏览器里生成密钥和 CSR", text: "RSA、ECDSA 与 SM2（国密）密钥及 PKCS#10 CSR，在本地离线生成。除非您自己导出，私钥不会离开浏览器。" },
  },
  "popup-order": {
    en: { title: "Order from Alibaba Cloud", text: "Order a DV certificate from Alibaba Cloud's Certificate Service with your own CSR, and add the validation record through Alidns in one click." },
    zh_CN: { title: "向阿里云申请证书", text: "用自己的 CSR 向阿里云数字证书管理服务申请 DV 证书，一键通过云解析 DNS 添加验证记录。" },
  },
  "popup-keys": {
    en: { title: "Certificates paired with their keys", text: "The issued certificate is paired with its key and exported as PFX, PKCS#8 or PEM, protected by a passphrase you choose." },
    zh_CN: { title: "证书自动与密钥配对", text: "签发的证书自动与其密钥配对，可导出为 PFX、PKCS#8 或 PEM，并用您设置的口令保护。" },
  },
};

/** A sample validation value of the emulator's shape (a UTC time stamp and 40 letters and digits). */
const SAMPLE_RECORD_VALUE = "20261202090000q7n2k0x4c9m1v8rz5d3hw6jt0ya2pe4fg9ls1ub7";
/** When the screenshots' DV order was placed, as the worker records it (see pinWorkerClock). */
const PLACED_AT = Date.UTC(2026, 11, 2, 9, 0, 0);
const DOMAIN = "example.com";
const CONTACT = { username: "Li Lei", email: `admin@${DOMAIN}`, phone: "13800000000", validateType: "DNS" as const };
const VAULT_PASSPHRASE = "screenshots: correct horse battery staple";

function catalogue(lang: Lang): Record<string, { message: string }> {
  return JSON.parse(readFileSync(join(ROOT, "_locales", lang, "ui.json"), "utf8")) as Record<string, { message: string }>;
}

/** A page text in `lang`, from the catalogue the pages use (so a reworded text does not break the script). */
function text(lang: Lang, key: string): string {
  const entry = catalogue(lang)[key];
  if (!entry) throw new Error(`_locales/${lang}/ui.json has no ${key}`);
  return entry.message;
}

async function startOnPreferredPort(): Promise<RunningEmulator> {
  try {
    return await startEmulator({ port: 8787, host: "127.0.0.1" });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EADDRINUSE") throw err;
    process.stderr.write("port 8787 is taken: the emulator uses another, and the options screenshot shows that port\n");
    return startEmulator({ port: 0, host: "127.0.0.1" });
  }
}

/**
 * The order card says when the order was placed: the worker's clock is set to PLACED_AT just before the order
 * is placed (the test build's keysmithClock, src/background/main.ts), so the card shows the same time on every
 * run. Only the worker's own clock moves; signatures, the emulator and the vault keep real time.
 */
async function pinWorkerClock(session: ExtensionSession): Promise<void> {
  const worker = await session.worker();
  const moved = await worker.evaluate(`globalThis.keysmithClock ? (globalThis.keysmithClock.advance(${PLACED_AT} - Date.now() - globalThis.keysmithClock.advance(0)), true) : false`);
  if (!moved) process.stderr.write("the worker has no test clock (not a test build): the order card shows the real time\n");
}

/** Credentials, endpoint, contact, a vault passphrase and the keys the screenshots show; the DV order placed and its key. */
async function seed(session: ExtensionSession, emu: RunningEmulator): Promise<{ orderId: string; keyId: string }> {
  const page = await openExtensionPage(session, "options.html?lang=en");
  try {
    await send(page, "vault.setPassphrase", { passphrase: VAULT_PASSPHRASE });
    await send(page, "settings.set", { endpoint: emu.url, autoImportEndpoint: emu.url, contact: { ...CONTACT }, language: "en" });
    await send(page, "credentials.set", { accessKeyId: emu.accessKeyId, accessKeySecret: emu.accessKeySecret });
    const made = await send(page, "csr.create", {
      spec: "EC_P256", subject: { CN: `www.${DOMAIN}`, O: "Example Ltd", C: "CN" }, sans: [`www.${DOMAIN}`], exportable: true,
      operation: "CreateCertificateWithCsrRequest",
    });
    await send(page, "csr.create", { spec: "RSA_2048", subject: { CN: `api.${DOMAIN}`, O: "Example Ltd", C: "CN" }, sans: [`api.${DOMAIN}`], exportable: false });
    await send(page, "csr.create", { spec: "EC_SM2", subject: { CN: "www.例子.cn", O: "示例科技有限公司", C: "CN" }, sans: ["www.例子.cn"], exportable: true });
    await pinWorkerClock(session);
    const order = await send(page, "orders.submitCsr", { csrPem: made.csrPem, keyId: made.key.id, ...CONTACT });
    return { orderId: order.id, keyId: made.key.id };
  } finally {
    await page.close();
  }
}

/** An extension page whose uncaught errors are reported on stderr (a page that never gets ready says why). */
async function openPage(session: ExtensionSession, path: string): Promise<Page> {
  const page = await session.context.newPage();
  page.on("pageerror", (err) => process.stderr.write(`${path}: ${err.message}\n`));
  await page.goto(`chrome-extension://${session.extensionId}/${path}`);
  return page;
}

/** The popup at its real size in `lang` on `hash`, once the worker's settings are applied. */
async function openPopupIn(session: ExtensionSession, lang: Lang, hash = ""): Promise<Page> {
  const page = await openPage(session, `popup.html?lang=${lang}${hash}`);
  await page.setViewportSize(POPUP_SIZE);
  await page.waitForSelector("body[data-synced=true]");
  await expectAttribute(page, "html", "lang", intlTag(lang));
  return page;
}

/** Nothing animating or blinking in the picture: no caret, no transitions, no focus ring from a click. */
async function settle(page: Page): Promise<void> {
  await page.addStyleTag({ content: "html { scroll-behavior: auto !important; } *, *::before, *::after { transition: none !important; animation: none !important; caret-color: transparent !important; }" });
  await page.evaluate("document.activeElement && document.activeElement.blur && document.activeElement.blur()");
}

async function popupNewCsr(session: ExtensionSession, lang: Lang): Promise<Buffer> {
  const page = await openPopupIn(session, lang);
  try {
    await expectText(page, "#create-csr", text(lang, "ui_create_csr"));
    await settle(page);
    return await page.screenshot();
  } finally {
    await page.close();
  }
}

async function popupOrder(session: ExtensionSession, lang: Lang, orderId: string): Promise<Buffer> {
  const page = await openPopupIn(session, lang, "#orders");
  try {
    const card = page.locator(`[data-order-id="${orderId}"]`);
    await expectAttribute(card, "data-state", "validation", "the DV order's card in validation");
    await expectText(card.locator(`#rec-type-${orderId}`), "TXT");
    await expectText(card.locator(`#rec-name-${orderId}`), contains("_dnsauth"));
    const value = card.locator(`#rec-value-${orderId}`);
    await expectText(value, check("the emulator's validation value", (v) => v.length > 20));
    // The emulator's value is random (as the cloud's is): a fixed sample of the same shape keeps the picture stable.
    await value.evaluate((el, sample) => {
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) if ((n.textContent ?? "").length > 20) n.textContent = sample;
    }, SAMPLE_RECORD_VALUE);
    await expectText(value, contains(SAMPLE_RECORD_VALUE));
    // The popup's header stays in the picture unless the record is below the fold.
    await value.scrollIntoViewIfNeeded();
    await settle(page);
    return await page.screenshot();
  } finally {
    await page.close();
  }
}

/** The DV order's record added through Alidns, then followed until the certificate is issued and paired. */
async function issue(session: ExtensionSession, orderId: string, keyId: string): Promise<void> {
  const page = await openExtensionPage(session, "options.html?lang=en");
  try {
    await send(page, "orders.addDnsRecord", { id: orderId });
    await waitFor(async () => (await send(page, "orders.refresh", { id: orderId })).state === "issued", "the DV order issued", 150, 400);
    await waitFor(async () => (await send(page, "keys.get", { keyId })).certificate !== undefined, "the certificate paired with its key", 150, 400);
  } finally {
    await page.close();
  }
}

async function popupKeys(session: ExtensionSession, lang: Lang, keyId: string): Promise<Buffer> {
  const page = await openPopupIn(session, lang, `#keys?open=${keyId}`);
  try {
    const card = page.locator(`[data-key-id="${keyId}"]`);
    await expectText(card.locator(`.key-state-issued`), text(lang, "ui_key_state_issued"));
    await expectAttribute(card.locator(".card-head"), "aria-expanded", "true", "the key's details open");
    await page.locator(`#key-${keyId}`).waitFor();
    await expectCount(page, "#key-list > li", 3, "the three keys listed");
    await settle(page);
    return await page.screenshot();
  } finally {
    await page.close();
  }
}

async function optionsPage(session: ExtensionSession, lang: Lang): Promise<Buffer> {
  const page = await openPage(session, `options.html?lang=${lang}`);
  try {
    await page.setViewportSize(STORE_SIZE);
    await page.waitForSelector("body[data-ready=true]");
    await expectAttribute(page, "html", "lang", intlTag(lang));
    // The stored AccessKey shows masked once the worker answered credentials.status.
    await expectText(page, "#cred-status", contains("LTAI"));
    await settle(page);
    // The page opens on the vault section; the picture shows the account part: the section with the
    // credentials' status at the top of the window.
    await page.locator("#cred-status").evaluate((el) => (el.closest("section, fieldset") ?? el).scrollIntoView({ block: "start" }));
    await waitFor(async () => (await page.evaluate("window.scrollY")) as number > 0, "the options page scrolled to the credentials");
    return await page.screenshot();
  } finally {
    await page.close();
  }
}

/** The popup picture centred on a plain 1280x800 page with its caption. */
async function storeComposite(session: ExtensionSession, popupPng: Buffer, caption: { title: string; text: string }, lang: Lang): Promise<Buffer> {
  const page = await session.context.newPage();
  try {
    await page.setViewportSize(STORE_SIZE);
    const font = lang === "zh_CN" ? `"WenQuanYi Micro Hei", "Noto Sans CJK SC", sans-serif` : `"DejaVu Sans", "Liberation Sans", Arial, sans-serif`;
    const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");
    await page.setContent(`<!doctype html><html lang="${intlTag(lang)}"><head><meta charset="utf-8"><style>
      html, body { margin: 0; width: ${STORE_SIZE.width}px; height: ${STORE_SIZE.height}px; overflow: hidden; }
      body { background: #f3f5f8; font-family: ${font}; color: #1b2430; display: flex; align-items: center; justify-content: center; gap: 72px; }
      .caption { width: 420px; }
      .brand { font-size: 18px; font-weight: 700; letter-spacing: .04em; color: #1f5fbf; margin: 0 0 18px; }
      h1 { font-size: 38px; line-height: 1.2; margin: 0 0 20px; }
      p.text { font-size: 20px; line-height: 1.55; margin: 0; color: #3a4656; }
      img { width: ${POPUP_SIZE.width}px; height: ${POPUP_SIZE.height}px; border-radius: 10px; box-shadow: 0 12px 40px rgba(20, 40, 80, .22), 0 0 0 1px rgba(20, 40, 80, .12); background: #fff; }
    </style></head><body>
      <div class="caption"><p class="brand">Keysmith</p><h1>${esc(caption.title)}</h1><p class="text">${esc(caption.text)}</p></div>
      <img alt="" src="data:image/png;base64,${popupPng.toString("base64")}">
    </body></html>`);
    await page.locator("img").evaluate((img: HTMLImageElement) => img.decode());
    return await page.screenshot({ clip: { x: 0, y: 0, ...STORE_SIZE } });
  } finally {
    await page.close();
  }
}

/** The extension's language setting (the worker's texts follow it; the pages also get ?lang=). */
async function useLanguage(session: ExtensionSession, lang: Lang): Promise<void> {
  const page = await openExtensionPage(session, `options.html?lang=${lang}`);
  try {
    await send(page, "settings.set", { language: lang });
  } finally {
    await page.close();
  }
}

/**
 * Pixels two pictures of the same state may differ by: Chromium's software rasteriser draws a few pixels of
 * a rounded corner differently from run to run (seen on the Chinese pages: 3 to 7 pixels).
 */
export const NOISE_PIXELS = 32;

const COMPARE_SCRIPT = `(async (a, b) => {
  const decode = async (b64) => {
    const bitmap = await createImageBitmap(await (await fetch("data:image/png;base64," + b64)).blob());
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext("2d");
    ctx.drawImage(bitmap, 0, 0);
    return ctx.getImageData(0, 0, bitmap.width, bitmap.height);
  };
  const x = await decode(a), y = await decode(b);
  if (x.width !== y.width || x.height !== y.height) return -1;
  let n = 0;
  for (let i = 0; i < x.data.length; i += 4) {
    if (x.data[i] !== y.data[i] || x.data[i + 1] !== y.data[i + 1] || x.data[i + 2] !== y.data[i + 2] || x.data[i + 3] !== y.data[i + 3]) n++;
  }
  return n;
})`;

/** How many pixels of `a` and `b` differ (decoded in the browser); -1 when their sizes differ. */
async function differingPixels(session: ExtensionSession, a: Buffer, b: Buffer): Promise<number> {
  const page = await session.context.newPage();
  try {
    // A string, not a function: tsx names inner functions with a helper (__name) the page does not have.
    return (await page.evaluate(`${COMPARE_SCRIPT}(${JSON.stringify(a.toString("base64"))}, ${JSON.stringify(b.toString("base64"))})`)) as number;
  } finally {
    await page.close();
  }
}

/** Writes the picture unless the committed one shows the same (up to NOISE_PIXELS), so a re-run does not churn. */
async function write(session: ExtensionSession, dir: string, file: string, png: Buffer): Promise<void> {
  const path = join(dir, file);
  const shown = path.slice(ROOT.length + 1);
  if (existsSync(path)) {
    const old = readFileSync(path);
    const differing = old.equals(png) ? 0 : await differingPixels(session, old, png);
    if (differing >= 0 && differing <= NOISE_PIXELS) {
      process.stdout.write(`${shown} (unchanged${differing ? `: ${differing} pixels of rasteriser noise` : ""})\n`);
      return;
    }
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(path, png);
  process.stdout.write(`${shown}\n`);
}

export async function main(): Promise<void> {
  const emu = await startOnPreferredPort();
  emu.control.addZone(DOMAIN);
  // The emulator's loopback origin granted as the options page asks for it (the harness's manifest copy).
  const session = await launchExtension({ grantHosts: TEST_GRANTS });
  try {
    const { orderId, keyId } = await seed(session, emu);
    const shots = new Map<string, Buffer>();
    for (const lang of LANGS) {
      await useLanguage(session, lang);
      shots.set(`popup-new-csr/${lang}`, await popupNewCsr(session, lang));
      shots.set(`popup-order/${lang}`, await popupOrder(session, lang, orderId));
      shots.set(`options/${lang}`, await optionsPage(session, lang));
    }
    await issue(session, orderId, keyId);
    for (const lang of LANGS) {
      await useLanguage(session, lang);
      shots.set(`popup-keys/${lang}`, await popupKeys(session, lang, keyId));
    }
    for (const shot of SHOTS) {
      for (const lang of LANGS) {
        const png = shots.get(`${shot.name}/${lang}`)!;
        if (shot.docs) await write(session, DOCS_DIR, docsFile(shot.name, lang), png);
        const store = shot.name === "options" ? png : await storeComposite(session, png, CAPTIONS[shot.name][lang], lang);
        await write(session, STORE_DIR, storeFile(shot.name, lang), store);
      }
    }
  } finally {
    await session.dispose();
    await emu.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
