// Two profiles against two emulator accounts in real Chromium: each emulator knows only its own AccessKey
// (and refuses the other's), and each has its own CA. An order is placed under each profile; each is then
// followed to issuance while the OTHER profile is selected, and its certificate chains to its own emulator's
// CA. Both emulators number orders alike, so an order looked at with the wrong profile would find the
// other account's order of the same OrderId (or be refused): only following with the order's own profile
// gives these results.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { issuedIn, startApiRecorder, type ApiRecorder } from "../support/api-recorder";
import { TEST_GRANTS, dumpExtensionStorage, expectText, launchExtension, openExtensionPage, send, startTestEmulator, waitFor, type ExtensionSession, type TestEmulator } from "./harness";

const FOLLOW_ALARM = "keysmith.orders.follow";
const contact = { username: "Zhang San", email: "admin@example.com", phone: "13800000000", validateType: "DNS" as const };
const ALPHA = { accessKeyId: "LTAI5tProfileAlphaKey01", accessKeySecret: "ProfileAlphaSecret2026" };
const BETA = { accessKeyId: "LTAI5tProfileBetaKey002", accessKeySecret: "ProfileBetaSecret20260" };

interface Control {
  advanceTime(ms: number): void;
  caRoots(): { ec: string };
  snapshot(): Record<string, unknown>;
  defineRole(arn: string, trusted: string[]): unknown;
  sts(): { issued: { accessKeyId: string; roleArn: string; expired: boolean }[] };
}
let alpha: TestEmulator;
let beta: TestEmulator;
let session: ExtensionSession;
let page: Page;
let betaId = "";

beforeAll(async () => {
  // The CA "reviews" for an hour of each emulator's business clock: each order stays open until the test moves that clock.
  alpha = await startTestEmulator({ credentials: ALPHA, processDelayMs: 60 * 60_000 });
  beta = await startTestEmulator({ credentials: BETA, processDelayMs: 60 * 60_000 });
  session = await launchExtension({ grantHosts: TEST_GRANTS });
  page = await openExtensionPage(session, "options.html");
});
afterAll(async () => {
  await session?.dispose();
  await alpha?.close();
  await beta?.close();
});

const control = (e: TestEmulator) => e.control as Control;
async function fireFollowAlarm(): Promise<void> {
  const sw = await session.worker();
  await sw.evaluate(`globalThis.keysmith.handleAlarm(${JSON.stringify(FOLLOW_ALARM)})`);
}
/** OpenSSL's verdict on `pem` (leaf + chain) against `emulator`'s CA root. */
function verifiesAgainst(emulator: TestEmulator, pem: string): boolean {
  const dir = mkdtempSync(join(tmpdir(), "keysmith-profiles-"));
  writeFileSync(join(dir, "root.pem"), control(emulator).caRoots().ec);
  const [leaf, ...chain] = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/g) ?? [];
  writeFileSync(join(dir, "leaf.pem"), leaf ?? "");
  writeFileSync(join(dir, "chain.pem"), chain.join("") || (leaf ?? ""));
  try {
    // The chain alone: the business clock was moved forward, so the leaf may not be valid yet in real time.
    execFileSync("openssl", ["verify", "-no_check_time", "-CAfile", join(dir, "root.pem"), "-untrusted", join(dir, "chain.pem"), join(dir, "leaf.pem")], { stdio: "pipe" });
    return true;
  } catch {
    return false;
  }
}

async function placeOrder(cn: string): Promise<{ id: string; orderId?: string; profileId?: string; keyId?: string }> {
  const made = await send(page, "csr.create", { spec: "EC_P256", subject: { CN: cn }, sans: [cn], exportable: false });
  const order = await send(page, "orders.submitCsr", { ...contact, csrPem: made.csrPem, keyId: made.key.id });
  expect(order.state).toBe("validation");
  // The validation record through the Alidns of the order's account: the emulator sees it and reviews.
  const added = await send(page, "orders.addDnsRecord", { id: order.id });
  expect(added.state).toBe("review");
  return order;
}

describe("two profiles, two accounts", () => {
  it("sets up the profile \"default\" (first emulator) and a second profile (second emulator), each with its own AccessKey", async () => {
    await send(page, "settings.set", { endpoint: alpha.url, autoImportEndpoint: alpha.url });
    await send(page, "credentials.set", { accessKeyId: ALPHA.accessKeyId, accessKeySecret: ALPHA.accessKeySecret });
    const saved = await send(page, "profile.save", { name: "customer-b", endpoint: beta.url, autoImportEndpoint: beta.url });
    betaId = saved.id;
    await send(page, "credentials.set", { profileId: betaId, accessKeyId: BETA.accessKeyId, accessKeySecret: BETA.accessKeySecret });
    const list = await send(page, "profile.list", {});
    expect(list.selectedId).toBe("default");
    expect(list.profiles.map((p) => [p.name, p.endpoint, p.accessKeyIdHint, p.configured])).toEqual([
      ["default", alpha.url, "LTAI…ey01", true],
      ["customer-b", beta.url, "LTAI…y002", true],
    ]);
    expect(JSON.stringify(list)).not.toContain("Secret");

    // Each account answers its own key, and refuses the other's (a draft test: nothing is stored).
    expect(await send(page, "credentials.test", {})).toMatchObject({ ok: true });
    expect(await send(page, "credentials.test", { profileId: betaId })).toMatchObject({ ok: true });
    const crossed = await send(page, "credentials.test", {
      draft: { site: "cn", kmsRegion: "cn-hangzhou", endpoint: alpha.url, signatureVersion: "v3", accessKeyId: BETA.accessKeyId, accessKeySecret: BETA.accessKeySecret },
    });
    expect(crossed.ok).toBe(false);
    expect(crossed.error?.params.apiCode).toMatch(/InvalidAccessKeyId/);
    // The draft left the stored profiles as they were.
    expect((await send(page, "profile.list", {})).profiles.map((p) => p.accessKeyIdHint)).toEqual(["LTAI…ey01", "LTAI…y002"]);
  });

  let orderA: Awaited<ReturnType<typeof placeOrder>>;
  let orderB: Awaited<ReturnType<typeof placeOrder>>;

  it("places one order under each profile; each lands in its own account", async () => {
    orderA = await placeOrder("alpha.example.com");
    await send(page, "profile.select", { id: betaId });
    orderB = await placeOrder("beta.example.com");
    expect([orderA.profileId, orderB.profileId]).toEqual(["default", betaId]);
    const domains = (e: TestEmulator) => Object.values((control(e).snapshot().orders ?? {}) as Record<string, { domain?: string }>).map((o) => o.domain);
    expect(domains(alpha)).toEqual(["alpha.example.com"]);
    expect(domains(beta)).toEqual(["beta.example.com"]);
  });

  it("with \"default\" selected, the second profile's order is followed to issuance by its own emulator", async () => {
    await send(page, "profile.select", { id: "default" });
    control(beta).advanceTime(61 * 60_000);
    const issued = await waitFor(async () => {
      await fireFollowAlarm();
      const o = await send(page, "orders.get", { id: orderB.id });
      return o.state === "issued" ? o : undefined;
    }, "the second profile's order to be issued", 60, 500);
    expect(issued.keyId).toBe(orderB.keyId);
    expect(verifiesAgainst(beta, issued.certificatePem!)).toBe(true);
    expect(verifiesAgainst(alpha, issued.certificatePem!)).toBe(false);
    // The first account's order is still under review there (its clock has not moved).
    expect((await send(page, "orders.get", { id: orderA.id })).state).toBe("review");
  });

  it("with the second profile selected, the first profile's order is followed to issuance by its own emulator", async () => {
    await send(page, "profile.select", { id: betaId });
    control(alpha).advanceTime(61 * 60_000);
    const issued = await waitFor(async () => {
      await fireFollowAlarm();
      const o = await send(page, "orders.get", { id: orderA.id });
      return o.state === "issued" ? o : undefined;
    }, "the first profile's order to be issued", 60, 500);
    expect(issued.keyId).toBe(orderA.keyId);
    expect(verifiesAgainst(alpha, issued.certificatePem!)).toBe(true);
    expect(verifiesAgainst(beta, issued.certificatePem!)).toBe(false);
    expect((await send(page, "keys.get", { keyId: orderA.keyId! })).certificate?.sans).toEqual(["alpha.example.com"]);
    // Each paired key names the profile of the order whose certificate it holds.
    expect((await send(page, "keys.get", { keyId: orderA.keyId! })).profileId).toBe("default");
    expect((await send(page, "keys.get", { keyId: orderB.keyId! })).profileId).toBe(betaId);
  });

  it("the popup shows the switcher and names the profile of an order that is not the selected one's", async () => {
    const popup = await openExtensionPage(session, "popup.html#orders");
    await expectText(popup, "#profile-switcher option:checked", "customer-b", "the selected profile in the switcher");
    await expectText(popup, `#order-profile-${orderA.id}`, /default/, "the first order's profile named on its card");
    await popup.selectOption("#profile-switcher", "default");
    await expectText(popup, `#order-profile-${orderB.id}`, /customer-b/, "after switching, the second order's profile named");
    expect((await send(page, "profile.list", {})).selectedId).toBe("default");
    await popup.close();
  });

  it("the second profile is not deleted while it holds a renewal; forced, its credentials go with it", async () => {
    await send(page, "renewal.set", { keyId: orderB.keyId!, profileId: betaId, policy: { mode: "notify", beforeDays: 30, fractionLeft: 0.33, key: "new" } });
    const refused = await page.evaluate(
      (id) => (globalThis as unknown as { chrome: { runtime: { sendMessage(m: unknown): Promise<unknown> } } }).chrome.runtime.sendMessage({ type: "profile.delete", payload: { id } }),
      betaId,
    );
    expect(refused).toMatchObject({ ok: false, error: { code: "profile.in_use", params: { profile: "customer-b", renewals: 1 } } });
    const after = await send(page, "profile.delete", { id: betaId, force: true });
    expect(after.profiles.map((p) => p.name)).toEqual(["default"]);
  });
});

// A RAM-role profile: the worker assumes the role with its source profile's AccessKey, then signs the cas call
// with the temporary STS. key and its token. A recorder on loopback between the worker and the first emulator
// notes which key and token signed each request (the emulator behind it verifies every signature), and the
// emulator lists the temporary keys it issued.
describe("a RAM-role profile", () => {
  const ROLE = "acs:ram::1234567890123456:role/keysmith-certs";
  const STRANGER = "acs:ram::1234567890123456:role/trusts-another-key";
  let recorder: ApiRecorder;
  let roleId = "";
  let stsKey = "";
  beforeAll(async () => {
    const { hostname, port } = new URL(alpha.url);
    recorder = await startApiRecorder({ host: hostname, port: Number(port) });
    // The role trusts the first account's AccessKey only; the other one trusts a key nobody here holds.
    control(alpha).defineRole(ROLE, [ALPHA.accessKeyId]);
    control(alpha).defineRole(STRANGER, ["LTAI5tNobodyHereHolds9"]);
  });
  afterAll(async () => recorder?.close());
  const seenSince = (from: number) => recorder.seen.slice(from).map((s) => [s.action, s.accessKeyId, s.securityToken !== undefined, s.status]);

  it("assumes the role with the source profile's AccessKey, then signs the cas call with the STS. key and its token", async () => {
    const source = await send(page, "profile.save", { name: "role-source", endpoint: recorder.url });
    await send(page, "credentials.set", { profileId: source.id, accessKeyId: ALPHA.accessKeyId, accessKeySecret: ALPHA.accessKeySecret });
    const role = await send(page, "profile.save", {
      name: "certs-role",
      endpoint: recorder.url,
      role: { roleArn: ROLE, sourceProfileId: source.id, roleSessionName: "keysmith", durationSeconds: 3600 },
    });
    roleId = role.id;
    expect(role).toMatchObject({ kind: "role", roleArn: ROLE, sourceProfileId: source.id, configured: true });

    const from = recorder.seen.length;
    expect(await send(page, "credentials.test", { profileId: roleId })).toMatchObject({ ok: true });
    const issued = issuedIn(recorder.seen[from]!);
    stsKey = issued.accessKeyId;
    expect(stsKey).toMatch(/^STS\./);
    expect(seenSince(from)).toEqual([
      ["AssumeRole", ALPHA.accessKeyId, false, 200],
      ["DescribePackageState", stsKey, true, 200],
    ]);
    expect(recorder.seen[from + 1]!.securityToken).toBe(issued.securityToken);
    expect(control(alpha).sts().issued).toEqual([expect.objectContaining({ accessKeyId: stsKey, roleArn: ROLE, expired: false })]);
    const listed = (await send(page, "profile.list", {})).profiles.find((p) => p.id === roleId);
    expect(Date.parse(listed!.tokenExpiresAt!)).toBe(Date.parse(issued.expiration));
  });

  it("a second call reuses the temporary credentials: one AssumeRole", async () => {
    const from = recorder.seen.length;
    expect(await send(page, "credentials.test", { profileId: roleId })).toMatchObject({ ok: true });
    expect(seenSince(from)).toEqual([["DescribePackageState", stsKey, true, 200]]);
    expect(control(alpha).sts().issued).toHaveLength(1);
  });

  it("a role that does not trust the source is refused, naming the role ARN and the profile", async () => {
    const source = (await send(page, "profile.list", {})).profiles.find((p) => p.name === "role-source")!;
    const stranger = await send(page, "profile.save", {
      name: "stranger-role",
      endpoint: recorder.url,
      role: { roleArn: STRANGER, sourceProfileId: source.id, roleSessionName: "keysmith", durationSeconds: 3600 },
    });
    const from = recorder.seen.length;
    const result = await send(page, "credentials.test", { profileId: stranger.id });
    expect(result.ok).toBe(false);
    expect(result.error).toMatchObject({ code: "api.role.refused", field: "RoleArn", params: { roleArn: STRANGER, profile: "stranger-role", apiCode: "NoPermission" } });
    expect(result.error!.message).toContain(STRANGER);
    expect(seenSince(from)).toEqual([["AssumeRole", ALPHA.accessKeyId, false, 403]]);
    expect(control(alpha).sts().issued).toHaveLength(1);
  });

  it("the temporary secret and token are nowhere in chrome.storage, IndexedDB or the profile's files", async () => {
    const dump = await dumpExtensionStorage(session);
    expect(dump).toContain("certs-role"); // the dump holds the profiles
    const answers = recorder.seen.filter((s) => s.action === "AssumeRole" && s.status === 200).map(issuedIn);
    expect(answers).toHaveLength(1);
    for (const secret of [answers[0]!.accessKeySecret, answers[0]!.securityToken]) expect(dump).not.toContain(secret);
  });
});
