// The popup and options pages rendered in real Chromium against a scripted worker (no extension, no
// network): every view and state in English and Chinese, screenshots in test-artifacts/ui/, layout
// checks (nothing wider than the popup), keyboard operation and validation as the user types. Every read
// of the page waits for the state it checks (harness.ts: expectText, expectValue…).
// The flows against the real worker and the emulator are in popup-orders.test.ts and the other e2e files.
import { mkdirSync, readFileSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { tmpdir } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type Browser, type Page } from "playwright-core";
import { build } from "vite";
import { contains, expectAttribute, expectCount, expectEventually, expectFocused, expectText, expectValue, expectVisible } from "./harness";

const ROOT = resolve(import.meta.dirname, "../..");
const OUT = join(tmpdir(), `keysmith-ui-${process.pid}`);
const SHOTS = join(ROOT, "test-artifacts/ui");
const ORIGIN = "http://keysmith.test";

const CSR = `-----BEGIN CERTIFICATE REQUEST-----
MIIBNTCB3AIBADBGMQswCQYDVQQGEwJDTjEQMA4GA1UECgwHRXhhbXBsZTElMCMG
A1UEAwwcd3d3LmV4YW1wbGUuY29tLmxvbmctbmFtZS5jbjBZMBMGByqGSM49AgEG
-----END CERTIFICATE REQUEST-----`;

/**
 * A scripted worker: answers the protocol from canned state, in the page. csr.create answers only once the
 * test calls `__answerCsr()` in the page, so the busy state can be seen however slow the machine is.
 */
function fakeWorker(seed: { keys: unknown[]; orders: unknown[]; settings: unknown; profiles: unknown[] }) {
  const state = JSON.parse(JSON.stringify(seed)) as {
    keys: { id: string }[]; orders: { id: string; state: string }[]; settings: Record<string, unknown>; profiles: Record<string, unknown>[]; selectedId?: string;
  };
  state.selectedId = String(state.profiles[0]!.id);
  const profileList = () => ({ profiles: state.profiles, selectedId: state.selectedId });
  const ok = (value: unknown) => ({ ok: true, value });
  const handlers: Record<string, (p: Record<string, unknown>) => unknown> = {
    "settings.get": () => ok(state.settings),
    "settings.set": (p) => ok(Object.assign(state.settings, p)),
    "ui.takePendingForm": () => ok(null),
    "keys.list": () => ok(state.keys),
    "orders.list": () => ok(state.orders),
    "credentials.status": () => ok({ configured: true, accessKeyIdHint: "LTAI…x9Zq", hasSecurityToken: false }),
    "profile.list": () => ok(profileList()),
    "profile.select": (p) => { state.selectedId = String(p.id); return ok(profileList()); },
    "profile.save": (p) => {
      const found = state.profiles.find((x) => x.id === p.id);
      if (found) return ok(Object.assign(found, p));
      const made = { ...state.profiles[0], id: `p${state.profiles.length + 1}`, kind: "accessKey", accessKeyIdHint: "", configured: false, ...p };
      state.profiles.push(made);
      return ok(made);
    },
    "credentials.test": () => ok({ ok: true, packages: [{ productCode: "symantec-free-1-free", totalCount: 20, usedCount: 3, issuedCount: 2 }] }),
    "orders.packageState": () => ok([{ productCode: "symantec-free-1-free", totalCount: 20, usedCount: 3, issuedCount: 2 }]),
    "csr.create": (p) => {
      const subject = p.subject as Record<string, string>;
      const key = { id: "k-new", label: subject.CN, spec: p.spec, exportable: p.exportable, createdAt: "2026-11-22T21:00:00Z", state: "csr", subject: `CN=${subject.CN}`, commonName: subject.CN, sans: p.sans, csrPem: "CSR", orderIds: [], openOrders: 0 };
      const g = globalThis as unknown as { __answerCsr?: () => void };
      return new Promise((r) => (g.__answerCsr = () => r(ok({
        key, csrPem: (globalThis as unknown as { __csr: string }).__csr,
        inspection: { subject: `CN=${subject.CN}`, sans: p.sans, keySpec: p.spec, signatureAlgorithm: "ecdsa-with-SHA256", signatureValid: true,
          findings: [{ severity: "warning", code: "lint.subject.no_organization", params: {}, message: "O (Organization): missing; OV and EV products need it." }] },
      }))));
    },
    "orders.addDnsRecord": (p) => {
      const o = state.orders.find((x) => x.id === p.id)!;
      Object.assign(o, { dnsRecordId: "r1" });
      return ok(o);
    },
  };
  (globalThis as unknown as { chrome: unknown }).chrome = {
    runtime: {
      sendMessage: async (m: { type: string; payload: Record<string, unknown> }) =>
        handlers[m.type]?.(m.payload) ?? { ok: false, error: { code: "messages.unknown", params: {}, message: m.type } },
    },
  };
}

const SEED = {
  settings: {
    site: "cn", kmsRegion: "cn-hangzhou", endpoint: "http://127.0.0.1:8787", signatureVersion: "v3", language: "auto",
    defaultSubject: { O: "示例科技有限公司", C: "CN", ST: "Zhejiang", L: "Hangzhou" },
    contact: { username: "张三", email: "admin@example.com", phone: "13800000000", validateType: "DNS", productCode: "symantec-free-1-free" },
    followOrders: true, expiryWarningDays: 30,
  },
  profiles: [
    { id: "default", name: "default", kind: "accessKey", accessKeyIdHint: "LTAI…x9Zq", site: "cn", kmsRegion: "cn-hangzhou", endpoint: "http://127.0.0.1:8787", signatureVersion: "v3",
      autoImportEndpoint: "", contact: { username: "张三", email: "admin@example.com", phone: "13800000000", validateType: "DNS" }, defaultProduct: "symantec-free-1-free", configured: true },
    { id: "customer-b", name: "customer-b", kind: "role", accessKeyIdHint: "", roleArn: "acs:ram::1234567890123456:role/keysmith-certs", sourceProfileId: "default",
      roleSessionName: "keysmith", durationSeconds: 3600, site: "intl", kmsRegion: "ap-southeast-1", endpoint: "", signatureVersion: "v3", autoImportEndpoint: "",
      contact: {}, defaultProduct: "symantec-free-1-free", configured: true },
  ],
  keys: [
    { id: "k1", label: "www.example.com", spec: "EC_P256", exportable: true, createdAt: "2026-11-20T08:00:00Z", state: "issued", subject: "CN=www.example.com", commonName: "www.example.com", sans: ["www.example.com"], csrPem: "x", orderIds: ["o1"], openOrders: 0,
      certificate: { pem: "x", subject: "CN=www.example.com", issuer: "CN=Encryption Everywhere DV TLS CA - G2, OU=www.digicert.com, O=DigiCert Inc, C=US", serial: "0a", notBefore: "2026-11-20", notAfter: "2027-02-18", sans: ["www.example.com"], fingerprintSha256: "ab" } },
    { id: "k2", label: "api.example.com", spec: "RSA_4096", exportable: false, createdAt: "2026-11-21T08:00:00Z", state: "ordered", subject: "CN=api.example.com", commonName: "api.example.com", sans: [], csrPem: "x", orderIds: ["o2"], openOrders: 1 },
  ],
  orders: [
    { id: "o2", operation: "CreateCertificateWithCsrRequest", orderId: "20261122000000123", domain: "api.example.com", state: "validation", keyId: "k2",
      validation: { type: "DNS", recordType: "TXT", recordDomain: "_dnsauth.api", recordValue: "20261122000000123abcdefabcdefabcdef", domain: "example.com" }, createdAt: "", updatedAt: "" },
    { id: "o3", operation: "KmsCreateCertificate", cloudId: "12345678-1234", domain: "kms.example.com", state: "pending_csr", createdAt: "", updatedAt: "", csrPem: "x" },
    { id: "o1", operation: "CreateCertificateWithCsrRequest", orderId: "20261120000000001", domain: "www.example.com", state: "issued", keyId: "k1", createdAt: "", updatedAt: "" },
  ],
};

let browser: Browser;

/** What the extension build writes to _locales/<lang>/messages.json (the pages fetch it at run time). */
function mergedMessages(lang: string): string {
  const dir = join(ROOT, "_locales", lang);
  const files = readdirSync(dir).filter((f) => f.endsWith(".json")).sort();
  return JSON.stringify(Object.assign({}, ...files.map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")) as object)));
}

async function open(pageName: "popup" | "options", lang: "en" | "zh_CN", hash = ""): Promise<Page> {
  const context = await browser.newContext({ viewport: pageName === "popup" ? { width: 400, height: 600 } : { width: 900, height: 1000 }, locale: lang === "zh_CN" ? "zh-CN" : "en-US" });
  await context.route(`${ORIGIN}/**`, (route) => {
    const path = new URL(route.request().url()).pathname;
    const messages = /^\/_locales\/(\w+)\/messages\.json$/.exec(path);
    if (messages) return route.fulfill({ body: mergedMessages(messages[1]), contentType: "application/json" });
    const file = join(OUT, path === "/" ? "popup.html" : path);
    const type = file.endsWith(".js") ? "text/javascript" : file.endsWith(".css") ? "text/css" : "text/html";
    return route.fulfill({ body: readFileSync(file), contentType: type });
  });
  await context.addInitScript(`globalThis.__csr = ${JSON.stringify(CSR)}; (${fakeWorker.toString()})(${JSON.stringify(SEED)});`);
  const page = await context.newPage();
  await page.goto(`${ORIGIN}/${pageName}.html?lang=${lang}${hash}`);
  await page.waitForSelector(pageName === "popup" ? "body[data-synced=true]" : "body[data-ready=true]");
  return page;
}

/** Nothing may stick out of the popup's 400 px: that is what breaks first in Chinese. */
async function overflow(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll("body *")]
      .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
      .map((el) => `${el.tagName.toLowerCase()}#${el.id}.${el.className}`),
  );
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  await build({
    configFile: false, logLevel: "warn", root: ROOT, base: "./",
    build: { outDir: OUT, emptyOutDir: true, modulePreload: false, rollupOptions: { input: { popup: join(ROOT, "popup.html"), options: join(ROOT, "options.html") } } },
  });
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", headless: true, args: ["--no-sandbox", "--disable-gpu"] });
});
afterAll(async () => browser?.close());

describe.each(["en", "zh_CN"] as const)("popup in %s", (lang) => {
  const zh = lang === "zh_CN";

  it("New CSR: rules shown and enforced as you type, then the result", async () => {
    const page = await open("popup", lang);
    await expectAttribute(page, "html", "lang", zh ? "zh-CN" : "en");
    await expectText(page, "[role=tablist]", zh ? /新建 CSR/ : /New CSR/);
    await expectValue(page, "#subject-o", "示例科技有限公司");
    await page.fill("#subject-cn", "not a domain");
    await expectText(page, "#subject-cn-error", zh ? /不是域名/ : /is not a domain name/);
    // C and the export choice sit behind "More fields".
    await page.click("#csr-more-toggle");
    await expectAttribute(page, "#csr-more-toggle", "aria-expanded", "true");
    await page.fill("#subject-c", "chn");
    await expectText(page, "#subject-c-error", zh ? /最多 2 个字符/ : /at most 2 characters/);
    await page.fill("#subject-c", "cn");
    await expectValue(page, "#subject-c", "CN");
    await page.selectOption("#key-spec", "EC_SM2");
    await expectText(page, ".field-invalid #key-spec ~ .error-text, #key-spec-error", zh ? /不接受/ : /does not accept/);
    await page.selectOption("#key-spec", "EC_P256");
    await page.fill("#subject-cn", "www.example.com");
    await page.click("#exportable");
    await expectText(page, "#exportable-hint", zh ? /无法部署到 Web 服务器/ : /cannot be moved to a web server/);
    // The errors shown above are gone once the fields are valid again (what the screenshot shows).
    await expectVisible(page, "#subject-cn-error", false);
    await expectVisible(page, "#subject-c-error", false);
    await page.screenshot({ path: join(SHOTS, `popup-new-csr-${lang}.png`), fullPage: true });
    expect(await overflow(page)).toEqual([]);
    await page.click("#create-csr");
    await page.waitForSelector("[role=status].notice-busy");
    // csr.create reached the scripted worker (a page may take a few steps before it sends): let it answer.
    await page.waitForFunction("typeof globalThis.__answerCsr === 'function'");
    await page.evaluate("globalThis.__answerCsr()");
    await page.waitForSelector("#csr-pem");
    await expectValue(page, "#csr-pem", contains("BEGIN CERTIFICATE REQUEST"));
    await expectText(page, "#lint-findings", contains("Organization"));
    await page.click("details summary");
    await expectText(page, "#openssl-command", contains("ec_paramgen_curve:P-256"));
    await page.waitForSelector("details[open]");
    await page.screenshot({ path: join(SHOTS, `popup-csr-result-${lang}.png`), fullPage: true });
    expect(await overflow(page)).toEqual([]);
  });

  it("Keys: list, details with export choices, delete confirmation naming open orders", async () => {
    const page = await open("popup", lang, "#keys");
    await page.click("[data-key-id=k1] .card-head");
    await expectEventually(
      () => page.$$eval("#export-format-k1 option", (o) => o.map((x) => (x as HTMLOptionElement).value)),
      ["pkcs12", "pkcs12-legacy", "pem-bundle", "pkcs8-encrypted", "pkcs8", "sec1", "certificate"],
      "the export formats of k1",
    );
    await expectVisible(page, "#export-passphrase-k1");
    await page.click("[data-key-id=k2] .card-head");
    await page.click("#delete-k2");
    await expectText(page, "[role=alertdialog]", zh ? /1 个未完成的订单/ : /1 open order/);
    await page.screenshot({ path: join(SHOTS, `popup-keys-${lang}.png`), fullPage: true });
    expect(await overflow(page)).toEqual([]);
  });

  it("Orders: quota, validation record with copy buttons, add through Alidns, new-order form", async () => {
    const page = await open("popup", lang, "#orders");
    await page.click("#check-quota");
    await expectText(page, "#quota-result", zh ? /剩余 17 个/ : /17 left/);
    const card = page.locator("[data-order-id=o2]");
    await expectText(card.locator("[data-testid=order-state]"), zh ? "等待域名验证" : "Waiting for domain validation");
    await expectText(card.locator("#rec-value-o2"), "20261122000000123abcdefabcdefabcdef");
    await expectCount(card.locator("button", { hasText: zh ? "复制" : "Copy" }), 3);
    await page.screenshot({ path: join(SHOTS, `popup-orders-${lang}.png`), fullPage: true });
    expect(await overflow(page)).toEqual([]);
    await page.click("#add-dns-o2");
    await card.locator(".hint", { hasText: zh ? "云解析" : "Alidns" }).first().waitFor();
    await page.click("#show-new-order");
    // The form's key list comes from keys.list: k2 (a CSR not yet certified) is the one offered.
    await expectValue(page, "#order-key", "k2");
    // What each operation's submit shows: its own field errors, or the (scripted) worker's refusal.
    const shown: Record<string, string> = {
      CreateCertificateWithCsrRequest: "#order-error",
      CreateCertificateRequest: "#order-domain-error",
      CreateCsr: "#cloud-csr-name-error",
      KmsCreateCertificate: "#order-subject-OU-error",
    };
    for (const [op, after] of Object.entries(shown)) {
      await page.selectOption("#order-operation", op);
      await page.click("#submit-order");
      await expectVisible(page, after, true, `${after} after submitting ${op}`);
      await page.screenshot({ path: join(SHOTS, `popup-order-${op}-${lang}.png`), fullPage: true });
      expect(await overflow(page), op).toEqual([]);
    }
    await expectText(page, "#order-subject-OU-error", zh ? /必须填写/ : /required/);
  });

  it("is keyboard operable: arrow keys switch tabs, every control has a label", async () => {
    const page = await open("popup", lang);
    await page.focus("#tab-new-csr");
    await page.keyboard.press("ArrowRight");
    await expectAttribute(page, "#tab-keys", "aria-selected", "true");
    await page.keyboard.press("ArrowRight");
    await expectFocused(page, "tab-orders");
    await page.keyboard.press("Home");
    await expectAttribute(page, "#tab-new-csr", "aria-selected", "true");
    await page.waitForSelector("#subject-cn");
    const unlabelled = await page.$$eval("input, select, textarea", (els) =>
      els.filter((el) => !(el as HTMLInputElement).labels?.length && !el.getAttribute("aria-label")).map((el) => el.id));
    expect(unlabelled).toEqual([]);
  });
});

describe.each(["en", "zh_CN"] as const)("options in %s", (lang) => {
  it("shows profiles, credentials write-only, cloud, language, defaults; test credentials; unsaved marks", async () => {
    const page = await open("options", lang);
    await expectText(page, "#cred-status", contains("LTAI…x9Zq"));
    await expectValue(page, "#profile-switcher", "default");
    await expectText(page, "#profile-kind-customer-b", lang === "zh_CN" ? /RAM 角色/ : /RAM role/);
    await expectValue(page, "#access-key-secret", "");
    await expectAttribute(page, "#access-key-secret", "type", "password");
    await page.click("#test-credentials");
    await expectText(page, "#test-ok", lang === "zh_CN" ? /凭证可用/ : /credentials work/);
    await page.click("#endpoint-clear");
    await expectValue(page, "#endpoint", "");
    await expectVisible(page, "#cloud-unsaved", true, "the cloud section marked unsaved");
    await page.click("#endpoint-emulator");
    await expectValue(page, "#endpoint", "http://127.0.0.1:8787");
    await expectVisible(page, "#cloud-unsaved", false, "back to what is saved: no mark");
    await page.screenshot({ path: join(SHOTS, `options-${lang}.png`), fullPage: true });
    await page.selectOption("#signature-version", "v1");
    await expectVisible(page, "#cloud-unsaved", true, "the cloud section marked unsaved");
    await page.click("#save-cloud");
    await page.waitForSelector("#cloud-saved");
    await expectVisible(page, "#cloud-unsaved", false, "saved: no mark");
    // The other profile: its role is shown in the credentials section, which names the profile it edits.
    await page.selectOption("#profile-switcher", "customer-b");
    await expectValue(page, "#role-arn", "acs:ram::1234567890123456:role/keysmith-certs");
    await expectText(page, "#cred-profile", contains("customer-b"));
    await page.screenshot({ path: join(SHOTS, `options-role-${lang}.png`), fullPage: true });
  });
});
