// The popup's Account view in real Chromium against the emulator:
// - without credentials it says so (and points to the settings) instead of a list;
// - a certificate ordered outside Keysmith (a signed client straight to the emulator: CreateCertificateRequest,
//   the Alidns record, issued) is listed with its ~90 days left, and the same certificate uploaded to cas and
//   served by a CDN domain shows where it is deployed; screenshots in en and zh_CN;
// - Refresh shows an order placed after the view was opened; nothing sticks out of the 400 px popup.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import type { RunningEmulator } from "../../emulator/index";
import { createClient, staticCredentials, type AliyunClient } from "../../src/core/aliyun/client";
import { hmacKeysFromSecret } from "../../src/core/aliyun/hmac";
import {
  ROOT, TEST_GRANTS, contains, expectAttribute, expectCount, expectText, launchExtension, openExtensionPage, send, startTestEmulator,
  type ExtensionSession,
} from "./harness";

const SHOTS = join(ROOT, "test-artifacts/ui");
const ZONE = "account-view.test";
const OUTSIDE = `outside.${ZONE}`;
const sources = JSON.stringify([{ content: "203.0.113.10", type: "ipaddr", priority: "20", port: 443, weight: "10" }]);
let emulator: RunningEmulator;
let session: ExtensionSession;
let popup: Page;
let client: AliyunClient;

/** An order placed and issued without Keysmith: the signed client straight to the emulator. */
async function orderOutside(domain: string): Promise<{ orderId: string; certificate: string; privateKey: string }> {
  const created = await client.call("cas", "CreateCertificateRequest", { Domain: domain, Username: "Tom", Phone: "13900000000", Email: "tom@example.com", ValidateType: "DNS" });
  const orderId = String(created.OrderId); // a string from the client: all 17 digits
  const pending = await client.call("cas", "DescribeCertificateState", { OrderId: orderId });
  await client.call("alidns", "AddDomainRecord", { DomainName: ZONE, RR: String(pending.RecordDomain), Type: "TXT", Value: String(pending.RecordValue) });
  const issued = await client.call("cas", "DescribeCertificateState", { OrderId: orderId });
  expect(issued.Type).toBe("certificate");
  return { orderId, certificate: String(issued.Certificate), privateKey: String(issued.PrivateKey) };
}

/** Elements sticking out of the 400 px popup (four tabs must still fit). */
async function overflow(page: Page): Promise<string[]> {
  return page.evaluate(`[...document.querySelectorAll("body *")]
    .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
    .map((el) => el.tagName.toLowerCase() + "#" + el.id)`) as Promise<string[]>;
}

async function openAccount(page: Page): Promise<void> {
  await page.waitForSelector("body[data-synced=true]");
  await page.click("#tab-account");
  await expectAttribute(page, "#tab-account", "aria-selected", "true");
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  emulator = (await startTestEmulator()) as unknown as RunningEmulator;
  emulator.control.addZone(ZONE);
  client = createClient({
    credentials: staticCredentials({ accessKeyId: emulator.accessKeyId, hmac: await hmacKeysFromSecret(emulator.accessKeySecret) }),
    endpoint: emulator.url,
  });
  session = await launchExtension({ grantHosts: TEST_GRANTS });
  popup = await openExtensionPage(session, "popup.html?lang=en");
  await popup.setViewportSize({ width: 400, height: 700 });
  await popup.waitForSelector("body[data-ready=true]");
});
afterAll(async () => {
  await session?.dispose();
  await emulator?.close();
});

describe("the popup's Account view", () => {
  it("says that no AccessKey is stored instead of listing", async () => {
    await openAccount(popup);
    await expectAttribute(popup, "#account-view", "data-state", "no-credentials");
    await expectText(popup, "#account-no-credentials", contains("No AccessKey is stored"));
    await expectCount(popup, "#account-list > li", 0);
    await popup.screenshot({ path: join(SHOTS, "popup-account-no-credentials-en.png"), fullPage: true });
  });

  it("lists a certificate ordered outside Keysmith with its days left, and where the upload of it is deployed", async () => {
    const order = await orderOutside(OUTSIDE);
    const up = await client.call("cas", "UploadUserCertificate", { Name: "outside-upload", Cert: order.certificate, Key: order.privateKey });
    await client.call("cdn", "AddCdnDomain", { DomainName: OUTSIDE, CdnType: "web", Sources: sources });
    await client.call("cdn", "SetCdnDomainSSLCertificate", { DomainName: OUTSIDE, SSLProtocol: "on", CertType: "cas", CertId: String(up.CertId) });
    await send(popup, "credentials.set", { accessKeyId: emulator.accessKeyId, accessKeySecret: emulator.accessKeySecret });
    await send(popup, "settings.set", { endpoint: emulator.url });

    await popup.reload();
    await openAccount(popup);
    await expectAttribute(popup, "#account-view", "data-state", "listed");
    await expectCount(popup, "#account-list > li", 2);
    const ordered = popup.locator('#account-list > li[data-source="cas-order"]');
    await expectText(ordered.locator(".account-name"), OUTSIDE);
    await expectText(ordered.locator(".account-days"), /^(89|90) days left$/);
    await expectText(ordered.locator(".account-deployed"), "Not served by any CDN domain");
    const uploaded = popup.locator(`#account-list > li[data-source="cas-upload"][data-id="${String(up.CertId)}"]`);
    await expectText(uploaded.locator(".account-name"), "outside-upload");
    await expectText(uploaded.locator(".account-deployed"), `Deployed to ${OUTSIDE}`);
    await expectText(popup, "#account-summary", "2 certificate(s); 0 expire within 30 days.");
    // The worker's answer matches what is shown.
    const report = await send(popup, "account.watch", {});
    expect(report.rows.find((r) => r.source === "cas-order")!.orderId).toBe(order.orderId);
    await popup.screenshot({ path: join(SHOTS, "popup-account-en.png"), fullPage: true });
    expect(await overflow(popup)).toEqual([]);

    const zh = await openExtensionPage(session, "popup.html?lang=zh_CN");
    await zh.setViewportSize({ width: 400, height: 700 });
    await openAccount(zh);
    await expectAttribute(zh, "#account-view", "data-state", "listed");
    await expectText(zh, "#account-title", "账号中的证书");
    await expectText(zh.locator('#account-list > li[data-source="cas-upload"] .account-deployed'), `部署于 ${OUTSIDE}`);
    await expectText(zh.locator('#account-list > li[data-source="cas-order"] .account-days'), /^剩余 (89|90) 天$/);
    await zh.screenshot({ path: join(SHOTS, "popup-account-zh_CN.png"), fullPage: true });
    expect(await overflow(zh)).toEqual([]);
    await zh.close();
  });

  it("shows an order placed after the view opened once Refresh is pressed", async () => {
    await expectCount(popup, "#account-list > li", 2);
    await orderOutside(`later.${ZONE}`);
    await popup.click("#account-refresh");
    await expectCount(popup, "#account-list > li", 3);
    await expectText(popup.locator('#account-list > li .account-name').filter({ hasText: `later.${ZONE}` }), `later.${ZONE}`);
  });
});
