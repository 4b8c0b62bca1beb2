// account.watch and the account-wide expiry notifier over the in-process emulator: a certificate ordered
// outside Keysmith (a signed client straight to the emulator: CreateCertificateRequest, the Alidns record,
// issued) and an upload served by a CDN domain are listed with their days left and where they are deployed;
// without credentials nothing is asked; the notifier (run by the expiry alarm) notifies each certificate once
// per threshold (30, 7, 1 days), never again, at most one look a day.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../../../emulator/index";
import { cloudFromClient } from "../../../src/background/cloud";
import { ACCOUNT_LAST_CHECK_KEY, ACCOUNT_NOTIFIED_KEY } from "../../../src/background/lifecycle/account-watch";
import { EXPIRY_ALARM } from "../../../src/background/orders/follower";
import { createWorker } from "../../../src/background/worker";
import { createClient, staticCredentials, type AliyunClient } from "../../../src/core/aliyun/client";
import { hmacKeysFromSecret } from "../../../src/core/aliyun/hmac";
import type { FetchLike } from "../../../src/core/notify/webhook";
import type { AccountWatch } from "../../../src/messages";
import { OWN_PAGE, fakePlatform, fakeServices } from "./fakes";

const DAY = 86_400_000;
let emu: RunningEmulator;
let offset = 0;
let orderId = "";
let uploadId = "";

async function client(): Promise<AliyunClient> {
  const hmac = await hmacKeysFromSecret(emu.accessKeySecret);
  return createClient({ credentials: staticCredentials({ accessKeyId: emu.accessKeyId, hmac }), endpoint: emu.url, sleep: async () => undefined });
}

function worker(configured: boolean, opts: { locked?: () => boolean; fetch?: FetchLike } = {}) {
  const p = fakePlatform();
  const s = fakeServices();
  let cloudAsked = 0;
  s.services.cloud = async () => {
    cloudAsked++;
    return cloudFromClient(await client());
  };
  s.services.credentials.status = async () => ({ configured, accessKeyIdHint: configured ? "LTAI…Demo" : "", hasSecurityToken: false });
  const w = createWorker({
    platform: p.platform,
    services: s.services,
    now: () => new Date(Date.now() + offset),
    // No IndexedDB here: the lock is a stand-in (unlocked unless the test says otherwise).
    vaultLock: { isLocked: async () => opts.locked?.() ?? false, useSession: () => undefined } as never,
    ...(opts.fetch ? { webhookFetch: opts.fetch } : {}),
  });
  const watch = async (): Promise<AccountWatch> => {
    const reply = await w.handleMessage({ type: "account.watch", payload: {} }, OWN_PAGE);
    if (!reply.ok) throw new Error(JSON.stringify(reply.error));
    return reply.value as AccountWatch;
  };
  return { ...p, worker: w, watch, cloudAsked: () => cloudAsked };
}

function advance(ms: number) {
  emu.control.advanceTime(ms);
  offset += ms;
}

beforeAll(async () => {
  emu = await startEmulator({ port: 0 });
  const c = await client();
  // Ordered outside Keysmith: the signed client straight to the emulator, the service makes the key.
  const created = await c.call("cas", "CreateCertificateRequest", { Domain: "outside.account.test", Username: "Tom", Phone: "13900000000", Email: "tom@example.com", ValidateType: "DNS" });
  orderId = String(created.OrderId);
  const pending = await c.call("cas", "DescribeCertificateState", { OrderId: orderId });
  await c.call("alidns", "AddDomainRecord", { DomainName: "account.test", RR: String(pending.RecordDomain), Type: "TXT", Value: String(pending.RecordValue) });
  const issued = await c.call("cas", "DescribeCertificateState", { OrderId: orderId });
  expect(issued.Type).toBe("certificate");
  // The same certificate uploaded under a name and served by a CDN domain.
  const uploaded = await c.call("cas", "UploadUserCertificate", { Name: "outside-upload", Cert: String(issued.Certificate), Key: String(issued.PrivateKey) });
  uploadId = String(uploaded.CertId);
  await c.call("cdn", "AddCdnDomain", { DomainName: "outside.account.test", CdnType: "web", Sources: JSON.stringify([{ content: "203.0.113.10", type: "ipaddr", priority: "20", port: 80, weight: "10" }]) });
  await c.call("cdn", "SetCdnDomainSSLCertificate", { DomainName: "outside.account.test", SSLProtocol: "on", CertType: "cas", CertId: uploadId });
}, 60_000);
afterAll(async () => emu?.close());

describe("account.watch", () => {
  it("answers configured: false without credentials, and asks the cloud nothing", async () => {
    const w = worker(false);
    const report = await w.watch();
    expect(report).toMatchObject({ configured: false, rows: [], errors: [] });
    expect(w.cloudAsked()).toBe(0);
  });

  it("lists the order made outside Keysmith (~90 days) and the upload with the CDN domain serving it", async () => {
    const report = await worker(true).watch();
    expect(report.configured).toBe(true);
    expect(report.errors).toEqual([]);
    const order = report.rows.find((r) => r.orderId === orderId);
    expect(order).toMatchObject({ source: "cas-order", name: "outside.account.test", deployedTo: [] });
    expect(order!.daysLeft).toBeGreaterThanOrEqual(89);
    expect(order!.daysLeft).toBeLessThanOrEqual(90);
    expect(report.rows.find((r) => r.id === uploadId)).toMatchObject({ source: "cas-upload", name: "outside-upload", deployedTo: ["outside.account.test"] });
    expect(report.rows).toHaveLength(2);
    // Nothing secret in the reply.
    expect(JSON.stringify(report)).not.toMatch(/PRIVATE KEY|KeysmithEmulatorDemoSecret/);
  });
});

describe("the account-wide expiry notifier", () => {
  it("notifies each certificate once per threshold (30, 7, 1 days), never again, one look a day", async () => {
    const w = worker(true);
    const titles = () => w.notifications.filter((n) => n.id.startsWith("account-expiry:"));
    await w.worker.handleAlarm(EXPIRY_ALARM);
    expect(titles()).toEqual([]); // ~90 days left: nothing yet
    expect(w.store.get(ACCOUNT_LAST_CHECK_KEY)).toBeDefined();

    advance(61 * DAY); // ~29 days left
    await w.worker.handleAlarm(EXPIRY_ALARM);
    expect(titles().map((n) => n.id.replace(/:\d+:/, ":ID:")).sort()).toEqual(["account-expiry:cas-order:ID:30", "account-expiry:cas-upload:ID:30"]);
    expect(titles()).toHaveLength(2);
    expect(titles().find((n) => n.id.includes("cas-upload"))!.message).toContain("outside.account.test");
    expect(titles()[0]!.title).toBe("Certificate in your account expiring");

    // The same day again (the alarm comes every 12 h): no look; a forced look: nothing new either.
    await w.worker.handleAlarm(EXPIRY_ALARM);
    expect(await w.worker.accountNotifier.check(true)).toEqual([]);
    expect(titles()).toHaveLength(2);

    advance(23 * DAY); // ~6 days left: the 7-day threshold
    await w.worker.handleAlarm(EXPIRY_ALARM);
    expect(titles()).toHaveLength(4);
    expect(titles().slice(2).every((n) => n.id.endsWith(":7"))).toBe(true);

    advance(6 * DAY); // ~0 days left: the 1-day threshold, once
    await w.worker.handleAlarm(EXPIRY_ALARM);
    expect(titles()).toHaveLength(6);
    expect(titles().slice(4).every((n) => n.id.endsWith(":1"))).toBe(true);
    expect(await w.worker.accountNotifier.check(true)).toEqual([]);
    const record = w.store.get(ACCOUNT_NOTIFIED_KEY) as Record<string, number[]>;
    expect(Object.values(record).map((v) => [...v].sort((a, b) => a - b))).toEqual([[1, 7, 30], [1, 7, 30]]);
  });

  it("notifies only the tightest threshold when several were crossed since the last look, and nothing without credentials", async () => {
    const none = worker(false);
    expect(await none.worker.accountNotifier.check(true)).toEqual([]);
    expect(none.cloudAsked()).toBe(0);
    // The business clock is ~90 days on from the issue: the order expired, the upload (UPLOAD lists hide
    // expired ones) too. A fresh profile sees each once, as expired.
    const w = worker(true);
    const raised = await w.worker.accountNotifier.check();
    expect(raised.length).toBeGreaterThanOrEqual(1);
    expect(raised.every((id) => id.endsWith(":1"))).toBe(true);
    expect(w.notifications.find((n) => n.id === raised[0])!.title).toBe("Certificate in your account expired");
    expect(await w.worker.accountNotifier.check(true)).toEqual([]);
  });

  it("sends the certificates one look notified to the webhook as one 'expiring' message; a locked vault makes no look", async () => {
    const posts: Record<string, unknown>[] = [];
    const fetch: FetchLike = async (_url, init) => {
      posts.push(JSON.parse(init.body) as Record<string, unknown>);
      return { status: 200, text: async () => '{"errcode":0,"errmsg":"ok"}' };
    };
    let locked = true;
    const w = worker(true, { locked: () => locked, fetch });
    const set = await w.worker.handleMessage({ type: "webhook.set", payload: { kind: "dingtalk", url: "https://oapi.dingtalk.com/robot/send?access_token=watch" } }, OWN_PAGE);
    expect(set.ok, JSON.stringify(set)).toBe(true);
    expect(await w.worker.accountNotifier.check(true)).toEqual([]);
    expect(w.cloudAsked()).toBe(0); // locked: nothing signed, nothing asked
    locked = false;
    const raised = await w.worker.accountNotifier.check(true);
    expect(raised.length).toBeGreaterThanOrEqual(1);
    for (let i = 0; i < 200 && posts.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(posts).toHaveLength(1); // one message for the look, however many certificates
    const content = (posts[0]!.text as { content: string }).content;
    expect(content).toContain("outside.account.test");
    expect(content).not.toMatch(/PRIVATE KEY|KeysmithEmulatorDemoSecret/);
  });
});
