// Certificates that renew and deploy themselves, in real Chromium against the emulator:
// - a key with an issued certificate served on a CDN domain (uploaded and set on the CDN beforehand, as a user
//   would have), its Renewal section set through the popup: auto, upload to cas (the warning is shown first),
//   the CDN domain; screenshots in en and zh_CN;
// - the worker's clock (test hook) and the emulator's business clock moved past the renewal point; the renewal
//   alarm's work (fired through the test hook: Playwright cannot fast-forward Chrome's alarms) alone makes a new
//   key and CSR, orders, adds the validation record, pairs, uploads and deploys: DescribeDomainCertificateInfo
//   shows the new serial, the popup the finished renewal;
// - a second key whose renewal's validation fails: its progress holds the failure and the retry time, a
//   notification says so, and its CDN domain still serves the old certificate;
// - an SLB listener typed into the folded "DCDN, SLB and ALB" part with its region: a bad port refused in the
//   field, the good line saved, shown again (unfolded, the region selected) after reopening; nothing wider than 400 px.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import type { RunningEmulator } from "../../emulator/index";
import { createClient, staticCredentials, type AliyunClient } from "../../src/core/aliyun/client";
import { hmacKeysFromSecret } from "../../src/core/aliyun/hmac";
import { parseCertificates } from "../../src/core/cert/certificate";
import { normalizeSerial } from "../../src/core/lifecycle/deploy-targets";
import { FOLLOW_ALARM } from "../../src/background/orders/follower";
import { RENEWAL_ALARM } from "../../src/background/lifecycle/renewer";
import {
  ROOT, TEST_GRANTS, contains, expectAttribute, expectText, expectValue, launchExtension, openExtensionPage, send, startTestEmulator, waitFor,
  type ExtensionSession,
} from "./harness";

const DAY = 86_400_000;
const SHOTS = join(ROOT, "test-artifacts/ui");
const GOOD = "cdn-renew.example.com";
const BAD = "cdn-fail.example.com";
const sources = JSON.stringify([{ content: "203.0.113.10", type: "ipaddr", priority: "20", port: 443, weight: "10" }]);
let emulator: RunningEmulator;
let session: ExtensionSession;
let popup: Page;
let client: AliyunClient;

/** A key for `domain` with a certificate from the emulator's CA, uploaded to cas and served on the CDN domain of that name. */
async function servedKey(domain: string): Promise<{ keyId: string; certId: string; serial: string }> {
  const made = await send(popup, "csr.create", { spec: "EC_P256", subject: { CN: domain }, sans: [domain], exportable: true });
  const signed = await emulator.control.signCsr(made.csrPem);
  const key = await send(popup, "keys.importCertificate", { pem: signed.certificate + signed.chain, confirm: true });
  const pkcs8 = await send(popup, "keys.export", { keyId: key.id, format: "pkcs8", unencrypted: true });
  await client.call("cdn", "AddCdnDomain", { DomainName: domain, CdnType: "web", Sources: sources });
  const up = (await client.call("cas", "UploadUserCertificate", { Name: `first-${domain}`, Cert: key.certificate!.pem, Key: pkcs8.data })) as { CertId: string | number };
  await client.call("cdn", "SetCdnDomainSSLCertificate", { DomainName: domain, SSLProtocol: "on", CertType: "cas", CertId: String(up.CertId) });
  return { keyId: key.id, certId: String(up.CertId), serial: normalizeSerial(key.certificate!.serial) };
}

async function served(domain: string): Promise<{ certId: string; serial: string }> {
  const reply = (await client.call("cdn", "DescribeDomainCertificateInfo", { DomainName: domain })) as { CertInfos: { CertInfo: { CertId: string | number; ServerCertificate: string }[] } };
  const info = reply.CertInfos.CertInfo[0]!;
  return { certId: String(info.CertId), serial: normalizeSerial(parseCertificates(info.ServerCertificate, "c").leaf.serial) };
}

/**
 * The renewal and follow alarms' work, as Chrome would fire them; `between` runs after the renewal tick (which
 * places an order and publishes its record) and before the follower looks at the order again.
 */
async function fireAlarms(between: () => Promise<void> = async () => undefined): Promise<void> {
  const sw = await session.worker();
  await sw.evaluate(`globalThis.keysmith.handleAlarm(${JSON.stringify(RENEWAL_ALARM)})`);
  await between();
  await sw.evaluate(`globalThis.keysmith.handleAlarm(${JSON.stringify(FOLLOW_ALARM)})`);
}

/** The Renewal section of a key, opened in the Keys tab. */
async function openRenewal(page: Page, keyId: string): Promise<void> {
  await page.click("#tab-keys");
  const card = page.locator(`#key-list > li[data-key-id="${keyId}"]`);
  await card.waitFor();
  if ((await page.locator(`#renewal-${keyId}`).count()) === 0) await card.locator(".card-head").click();
  await page.locator(`#renewal-mode-${keyId}`).waitFor();
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  emulator = (await startTestEmulator()) as unknown as RunningEmulator;
  client = createClient({
    credentials: staticCredentials({ accessKeyId: emulator.accessKeyId, hmac: await hmacKeysFromSecret(emulator.accessKeySecret) }),
    endpoint: emulator.url,
  });
  session = await launchExtension({ grantHosts: TEST_GRANTS });
  popup = await openExtensionPage(session, "popup.html?lang=en");
  await popup.setViewportSize({ width: 400, height: 700 });
  await popup.waitForSelector("body[data-ready=true]");
  await send(popup, "credentials.set", { accessKeyId: emulator.accessKeyId, accessKeySecret: emulator.accessKeySecret });
  await send(popup, "settings.set", {
    endpoint: emulator.url,
    autoImportEndpoint: emulator.url,
    contact: { username: "Test User", email: "admin@example.com", phone: "13800000000", validateType: "DNS" },
  });
  await popup.reload();
  await popup.waitForSelector("body[data-synced=true]");
});
afterAll(async () => {
  await session?.dispose();
  await emulator?.close();
});

describe("automatic renewal and CDN deploy", () => {
  let good: Awaited<ReturnType<typeof servedKey>>;
  let bad: Awaited<ReturnType<typeof servedKey>>;

  it("sets auto renewal, the upload (after its warning) and the CDN domain through the popup", async () => {
    good = await servedKey(GOOD);
    bad = await servedKey(BAD);
    await popup.reload();
    await popup.waitForSelector("body[data-synced=true]");
    await openRenewal(popup, good.keyId);
    const id = good.keyId;
    await popup.selectOption(`#renewal-mode-${id}`, "auto");
    await expectText(popup, `#renewal-upload-warning-${id}`, contains("private key to your Alibaba Cloud account"));
    await popup.check(`#renewal-upload-${id}`);
    await popup.fill(`#renewal-cdn-${id}`, GOOD);
    await popup.screenshot({ path: join(SHOTS, "popup-renewal-en.png"), fullPage: true });
    await popup.click(`#renewal-save-${id}`);
    await popup.locator(`#renewal-saved-${id}`).waitFor();
    await waitFor(async () => (await send(popup, "renewal.get", { keyId: id })).uploadToCas, "the renewal stored");
    expect(await send(popup, "renewal.get", { keyId: id })).toMatchObject({ policy: { mode: "auto" }, uploadToCas: true, deploy: [{ target: "cdn", domain: GOOD }] });
    // The second key through the worker (the same message the section sends).
    await send(popup, "renewal.set", { keyId: bad.keyId, policy: { mode: "auto" }, uploadToCas: true, deploy: [{ target: "cdn", domain: BAD }] });

    const zh = await openExtensionPage(session, "popup.html?lang=zh_CN");
    await zh.setViewportSize({ width: 400, height: 700 });
    await zh.waitForSelector("body[data-synced=true]");
    await openRenewal(zh, id);
    await expectText(zh, `#renewal-upload-warning-${id}`, contains("阿里云账号"));
    await zh.screenshot({ path: join(SHOTS, "popup-renewal-zh_CN.png"), fullPage: true });
    await zh.close();
  });

  it("past the renewal point, the extension alone renews, uploads and deploys; a failed validation leaves the old deployment", async () => {
    const sw = await session.worker();
    await sw.evaluate(`globalThis.keysmithClock.advance(${61 * DAY})`);
    await fetch(`${emulator.url}/__emulator/clock/advance`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ ms: 61 * DAY }) });

    // The failing one: its renewal order is refused validation once placed, before the follower looks again
    // (with its record published, the emulator would otherwise validate and issue it on that look).
    const failed = new Set<string>();
    const failBad = async () => {
      const snapshot = emulator.control.snapshot() as { orders: { orderId: string; domain: string; state: string }[] };
      for (const o of snapshot.orders) {
        if (o.domain === BAD && !failed.has(o.orderId) && o.state !== "certificate") {
          failed.add(o.orderId);
          await emulator.control.forceOrderState(o.orderId, "verify_fail");
        }
      }
    };

    const finished = await waitFor(async () => {
      await fireAlarms(failBad);
      const r = await send(popup, "renewal.get", { keyId: good.keyId });
      return r.progress?.finishedAt ? r : undefined;
    }, "the renewal of the first key finished", 150, 400);
    expect(finished.progress).toMatchObject({ phase: "deployed", deployed: [GOOD] });
    const renewed = await send(popup, "keys.get", { keyId: finished.progress!.newKeyId! });
    const now = await served(GOOD);
    expect(now).toEqual({ certId: finished.progress!.casCertId, serial: normalizeSerial(renewed.certificate!.serial) });
    expect(now.serial).not.toBe(good.serial);

    const badState = await waitFor(async () => {
      await fireAlarms(failBad);
      const r = await send(popup, "renewal.get", { keyId: bad.keyId });
      return (r.progress?.failures ?? 0) > 0 ? r : undefined;
    }, "the failing renewal recorded", 150, 400);
    expect(badState.progress).toMatchObject({ lastError: { code: "renewal.order.failed" }, retryAt: expect.any(String) });
    expect(badState.progress!.finishedAt).toBeUndefined();
    expect(await served(BAD)).toEqual({ certId: bad.certId, serial: bad.serial });
    const notes = (await sw.evaluate(`chrome.notifications.getAll().then((n) => Object.keys(n))`)) as string[];
    expect(notes).toEqual(expect.arrayContaining([`renewal:${bad.keyId}:failed`, `renewal:${good.keyId}:done`]));

    await popup.reload();
    await popup.waitForSelector("body[data-synced=true]");
    await openRenewal(popup, good.keyId);
    await expectAttribute(popup, `#renewal-status-${good.keyId}`, "data-finished", "true");
    await expectText(popup, `#renewal-status-${good.keyId}`, contains(GOOD));
    await openRenewal(popup, bad.keyId);
    await expectText(popup, `#renewal-status-${bad.keyId}`, contains("untouched"));
    await popup.screenshot({ path: join(SHOTS, "popup-renewal-status-en.png"), fullPage: true });
  });
  it("an SLB listener typed in the popup with its region is checked, saved and shown again after reopening", async () => {
    const id = bad.keyId;
    await popup.reload();
    await popup.waitForSelector("body[data-synced=true]");
    await openRenewal(popup, id);
    await popup.click(`#renewal-more-targets-${id} > summary`);
    await popup.fill(`#renewal-slb-${id}`, "lb-e2e1:70000");
    await popup.click(`#renewal-save-${id}`);
    await expectText(popup, `#renewal-slb-${id}-error`, contains("lb-e2e1:70000"));
    await popup.fill(`#renewal-slb-${id}`, `lb-e2e1:443:${BAD}`);
    await popup.selectOption(`#renewal-slb-region-${id}`, "cn-shanghai");
    expect(await popup.evaluate(() => document.documentElement.scrollWidth <= 400)).toBe(true);
    await popup.screenshot({ path: join(SHOTS, "popup-renewal-targets-en.png"), fullPage: true });
    await popup.click(`#renewal-save-${id}`);
    await popup.locator(`#renewal-saved-${id}`).waitFor();
    expect((await send(popup, "renewal.get", { keyId: id })).deploy).toEqual([
      { target: "cdn", domain: BAD },
      { target: "slb", loadBalancerId: "lb-e2e1", port: 443, domain: BAD, region: "cn-shanghai" },
    ]);

    await popup.reload();
    await popup.waitForSelector("body[data-synced=true]");
    await openRenewal(popup, id);
    await expectAttribute(popup, `#renewal-more-targets-${id}`, "open", "");
    await expectValue(popup, `#renewal-slb-${id}`, `lb-e2e1:443:${BAD}`);
    await expectValue(popup, `#renewal-slb-region-${id}`, "cn-shanghai");
  });
});
