// The popup and options pages rendered in real Chromium against a scripted worker (no extension, no
// network): every view and state in English and Chinese, screenshots in test-artifacts/ui/, layout
// checks (nothing wider than the popup), keyboard operation and validation as the user types.
// The flows against the real worker and the emulator are in popup-flows.test.ts.
import { mkdirSync, readFileSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { tmpdir } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type Browser, type Page } from "playwright-core";
import { build } from "vite";

const ROOT = resolve(import.meta.dirname, "../..");
const OUT = join(tmpdir(), `keysmith-ui-${process.pid}`);
const SHOTS = join(ROOT, "test-artifacts/ui");
const ORIGIN = "http://keysmith.test";

const CSR = `-----BEGIN CERTIFICATE REQUEST-----
MIIBNTCB3AIBADBGMQswCQYDVQQGEwJDTjEQMA4GA1UECgwHRXhhbXBsZTElMCMG
A1UEAwwcd3d3LmV4YW1wbGUuY29tLmxvbmctbmFtZS5jbjBZMBMGByqGSM49AgEG
-----END CERTIFICATE REQUEST-----`;

/** A scripted worker: answers the protocol from canned state, in the page. */
function fakeWorker(seed: { keys: unknown[]; orders: unknown[]; settings: unknown }) {
  const state = JSON.parse(JSON.stringify(seed)) as { keys: { id: string }[]; orders: { id: string; state: string }[]; settings: Record<string, unknown> };
  const ok = (value: unknown) => ({ ok: true, value });
  const handlers: Record<string, (p: Record<string, unknown>) => unknown> = {
    "settings.get": () => ok(state.settings),
    "settings.set": (p) => ok(Object.assign(state.settings, p)),
    "ui.takePendingForm": () => ok(null),
    "keys.list": () => ok(state.keys),
    "orders.list": () => ok(state.orders),
    "credentials.status": () => ok({ configured: true, accessKeyIdHint: "LTAI…x9Zq", hasSecurityToken: false }),
    "credentials.test": () => ok({ ok: true, packages: [{ productCode: "symantec-free-1-free", totalCount: 20, usedCount: 3, issuedCount: 2 }] }),
    "orders.packageState": () => ok([{ productCode: "symantec-free-1-free", totalCount: 20, usedCount: 3, issuedCount: 2 }]),
    "csr.create": (p) => {
      const subject = p.subject as Record<string, string>;
      const key = { id: "k-new", label: subject.CN, spec: p.spec, exportable: p.exportable, createdAt: "2026-11-22T21:00:00Z", state: "csr", subject: `CN=${subject.CN}`, commonName: subject.CN, sans: p.sans, csrPem: "CSR", orderIds: [], openOrders: 0 };
      return new Promise((r) => setTimeout(() => r(ok({
        key, csrPem: (globalThis as unknown as { __csr: string }).__csr,
        inspection: { subject: `CN=${subject.CN}`, sans: p.sans, keySpec: p.spec, signatureAlgorithm: "ecdsa-with-SHA256", signatureValid: true,
          findings: [{ severity: "warning", code: "lint.subject.no_organization", params: {}, message: "O (Organization): missing; OV and EV products need it." }] },
      })), 300));
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
    expect(await page.getAttribute("html", "lang")).toBe(zh ? "zh-CN" : "en");
    expect(await page.textContent("[role=tablist]")).toMatch(zh ? /新建 CSR/ : /New CSR/);
    expect(await page.inputValue("#subject-o")).toBe("示例科技有限公司");
    await page.fill("#subject-cn", "not a domain");
    expect(await page.textContent("#subject-cn-error")).toMatch(zh ? /不是域名/ : /is not a domain name/);
    await page.fill("#subject-c", "chn");
    expect(await page.textContent("#subject-c-error")).toMatch(zh ? /最多 2 个字符/ : /at most 2 characters/);
    await page.fill("#subject-c", "cn");
    expect(await page.inputValue("#subject-c")).toBe("CN");
    await page.selectOption("#key-spec", "EC_SM2");
    expect(await page.textContent(".field-invalid #key-spec ~ .error-text, #key-spec-error")).toMatch(zh ? /不接受/ : /does not accept/);
    await page.selectOption("#key-spec", "EC_P256");
    await page.fill("#subject-cn", "www.example.com");
    await page.click("#exportable");
    expect(await page.textContent("#exportable-hint")).toMatch(zh ? /无法部署到 Web 服务器/ : /cannot be moved to a web server/);
    await page.screenshot({ path: join(SHOTS, `popup-new-csr-${lang}.png`), fullPage: true });
    expect(await overflow(page)).toEqual([]);
    await page.click("#create-csr");
    await page.waitForSelector("[role=status].notice-busy");
    await page.waitForSelector("#csr-pem");
    expect(await page.inputValue("#csr-pem")).toContain("BEGIN CERTIFICATE REQUEST");
    expect(await page.textContent("#lint-findings")).toContain("Organization");
    await page.click("details summary");
    expect(await page.textContent("#openssl-command")).toContain("ec_paramgen_curve:P-256");
    await page.screenshot({ path: join(SHOTS, `popup-csr-result-${lang}.png`), fullPage: true });
    expect(await overflow(page)).toEqual([]);
  });

  it("Keys: list, details with export choices, delete confirmation naming open orders", async () => {
    const page = await open("popup", lang, "#keys");
    await page.click("[data-key-id=k1] .card-head");
    const formats = await page.$$eval("#export-format-k1 option", (o) => o.map((x) => (x as HTMLOptionElement).value));
    expect(formats).toEqual(["pkcs12", "pkcs12-legacy", "pem-bundle", "pkcs8-encrypted", "pkcs8", "sec1", "certificate"]);
    expect(await page.isVisible("#export-passphrase-k1")).toBe(true);
    await page.click("[data-key-id=k2] .card-head");
    await page.click("#delete-k2");
    expect(await page.textContent("[role=alertdialog]")).toMatch(zh ? /1 个未完成的订单/ : /1 open order/);
    await page.screenshot({ path: join(SHOTS, `popup-keys-${lang}.png`), fullPage: true });
    expect(await overflow(page)).toEqual([]);
  });

  it("Orders: quota, validation record with copy buttons, add through Alidns, new-order form", async () => {
    const page = await open("popup", lang, "#orders");
    await page.click("#check-quota");
    expect(await page.textContent("#quota-result")).toMatch(zh ? /剩余 17 个/ : /17 left/);
    const card = page.locator("[data-order-id=o2]");
    expect(await card.locator("[data-testid=order-state]").textContent()).toBe(zh ? "等待域名验证" : "Waiting for domain validation");
    expect(await card.locator("#rec-value-o2").textContent()).toBe("20261122000000123abcdefabcdefabcdef");
    expect(await card.locator("button", { hasText: zh ? "复制" : "Copy" }).count()).toBe(3);
    await page.screenshot({ path: join(SHOTS, `popup-orders-${lang}.png`), fullPage: true });
    expect(await overflow(page)).toEqual([]);
    await page.click("#add-dns-o2");
    await card.locator(".hint", { hasText: zh ? "云解析" : "Alidns" }).first().waitFor();
    await page.click("#show-new-order");
    for (const op of ["CreateCertificateWithCsrRequest", "CreateCertificateRequest", "CreateCsr", "KmsCreateCertificate"]) {
      await page.selectOption("#order-operation", op);
      await page.click("#submit-order");
      await page.screenshot({ path: join(SHOTS, `popup-order-${op}-${lang}.png`), fullPage: true });
      expect(await overflow(page), op).toEqual([]);
    }
    expect(await page.textContent("#order-subject-OU-error")).toMatch(zh ? /必须填写/ : /required/);
  });

  it("is keyboard operable: arrow keys switch tabs, every control has a label", async () => {
    const page = await open("popup", lang);
    await page.focus("#tab-new-csr");
    await page.keyboard.press("ArrowRight");
    expect(await page.getAttribute("#tab-keys", "aria-selected")).toBe("true");
    await page.keyboard.press("ArrowRight");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("tab-orders");
    await page.keyboard.press("Home");
    const unlabelled = await page.$$eval("input, select, textarea", (els) =>
      els.filter((el) => !(el as HTMLInputElement).labels?.length && !el.getAttribute("aria-label")).map((el) => el.id));
    expect(unlabelled).toEqual([]);
  });
});

describe.each(["en", "zh_CN"] as const)("options in %s", (lang) => {
  it("shows credentials write-only, cloud, language, defaults; test credentials", async () => {
    const page = await open("options", lang);
    expect(await page.textContent("#cred-status")).toContain("LTAI…x9Zq");
    expect(await page.inputValue("#access-key-secret")).toBe("");
    expect(await page.getAttribute("#access-key-secret", "type")).toBe("password");
    await page.click("#test-credentials");
    expect(await page.textContent("#test-ok")).toMatch(lang === "zh_CN" ? /凭证可用/ : /credentials work/);
    await page.click("#endpoint-clear");
    await page.click("#endpoint-emulator");
    expect(await page.inputValue("#endpoint")).toBe("http://127.0.0.1:8787");
    await page.screenshot({ path: join(SHOTS, `options-${lang}.png`), fullPage: true });
    await page.click("#save-settings");
    await page.waitForSelector("#settings-saved");
  });
});
