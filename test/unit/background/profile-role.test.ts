// A RAM-role profile in the worker against the real emulator, in one process: the worker over the fake
// platform, its real profile store and per-profile credentials (src/background/profiles/) sealed in the
// vault database (fake-indexeddb), the real vault keys, and signed clients built as services-real.ts builds
// them. Between the worker and the emulator a recorder (test/support/api-recorder.ts) notes which key and
// token signed each request; the emulator behind it verifies every signature, and its STS state lists the
// temporary keys it issued. The worker's clock follows the emulator's business clock.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../../../emulator/index";
import { cloudForSettings } from "../../../src/background/cloud";
import { createCredentialStore } from "../../../src/background/credentials";
import { coreCsrService } from "../../../src/background/csr-inspect";
import { FOLLOW_ALARM } from "../../../src/background/orders/follower";
import { OPEN_STATES, createOrderStore } from "../../../src/background/orders/order-store";
import { createProfileCredentials } from "../../../src/background/profiles/profile-credentials";
import type { Services } from "../../../src/background/services";
import { createSettingsStore } from "../../../src/background/settings-store";
import { VaultLock, memorySession } from "../../../src/background/vault/lock";
import { createVaultKeys } from "../../../src/background/vault-keys";
import { createWorker } from "../../../src/background/worker";
import { ApiError } from "../../../src/core/aliyun/api-error";
import { createClient, staticCredentials } from "../../../src/core/aliyun/client";
import { hmacKeysFromSecret } from "../../../src/core/aliyun/hmac";
import { assumeRole } from "../../../src/core/aliyun/sts";
import { KeysmithError, type ErrorData } from "../../../src/core/errors";
import { DEFAULT_PROFILE_ID, type CredentialsTestResult, type CsrMade, type KeyView, type OrderView, type ProfileList, type ProfileView } from "../../../src/messages";
import { issuedIn, startApiRecorder, type ApiRecorder } from "../../support/api-recorder";
import { FAST, dumpDatabase, freshFactory, vaultOn } from "../vault/helpers";
import { OWN_PAGE, fakePlatform } from "./fakes";

const ACCOUNT = "1234567890123456";
const SOURCE = { accessKeyId: "LTAI5tRoleSourceKey001", accessKeySecret: "RoleSourceSecret-For-Tests" };
const OTHER = { accessKeyId: "LTAI5tSomeOtherKey0002", accessKeySecret: "SomeOtherSecret-For-Tests" };
const CERTS_ROLE = `acs:ram::${ACCOUNT}:role/keysmith-certs`;
const STRANGER_ROLE = `acs:ram::${ACCOUNT}:role/trusts-someone-else`;
const ZONE = "role.test";
const contact = { username: "Li Lei", email: "li@example.com", phone: "13800000000", validateType: "DNS" as const };
const MIN = 60_000;

let emulator: RunningEmulator;
let recorder: ApiRecorder;
let offset = 0;
const now = () => new Date(Date.now() + offset);
/** Moves the emulator's business clock and the worker's together. */
function advance(ms: number): void {
  emulator.control.advanceTime(ms);
  offset += ms;
}

beforeAll(async () => {
  emulator = await startEmulator({
    credentials: [SOURCE, OTHER],
    roles: [
      // Trusts the source profile's AccessKey only: an AssumeRole signed with any other key is NoPermission.
      { arn: CERTS_ROLE, trusted: [SOURCE.accessKeyId] },
      { arn: STRANGER_ROLE, trusted: [OTHER.accessKeyId] },
    ],
  });
  emulator.control.addZone(ZONE);
  recorder = await startApiRecorder(emulator);
});
afterAll(async () => {
  await recorder?.close();
  await emulator?.close();
});

/** The worker with the real profile credentials, vault and clients (as services-real.ts wires them). */
function roleWorld() {
  const p = fakePlatform();
  const factory = freshFactory();
  const lock = new VaultLock({ indexedDB: factory, iterations: FAST.iterations, session: memorySession() });
  const settings = createSettingsStore(p.platform.storage);
  const orders = createOrderStore(p.platform.storage);
  const cloud: Services["cloud"] = async (options) => {
    const profile = options?.profileId ? await settings.profiles.get(options.profileId) : await settings.profiles.selected();
    const current = await settings.forProfile(profile.id);
    return cloudForSettings(current, credentials.source(profile.id), { hasHostPermission: async () => true });
  };
  const credentials = createProfileCredentials({
    profiles: settings.profiles,
    cloudFor: (profileId) => cloud({ profileId }),
    lock,
    now,
    storeFor: (profileId) => createCredentialStore({ lock, profileId }),
  });
  const keys = createVaultKeys({
    csr: coreCsrService,
    openVault: () => vaultOn(factory),
    openOrderIds: async () => new Set((await orders.list()).filter((o) => OPEN_STATES.has(o.state)).map((o) => o.id)),
    orderProfiles: async () => new Map((await orders.list()).filter((o) => o.state === "issued").map((o) => [o.id, o.profileId ?? DEFAULT_PROFILE_ID])),
  });
  const services: Services = { keys, csr: coreCsrService, credentials, cloud };
  let n = 0;
  const worker = createWorker({ platform: p.platform, services, settings, now, vaultLock: lock, newId: () => `o${++n}` });
  const reply = async (type: string, payload: unknown) => (await worker.handleMessage({ type, payload }, OWN_PAGE)) as { ok: true; value: unknown } | { ok: false; error: ErrorData };
  const value = async <T,>(type: string, payload: unknown): Promise<T> => {
    const r = await reply(type, payload);
    if (!r.ok) throw new Error(`${type}: ${r.error.code}: ${r.error.message}`);
    return r.value as T;
  };
  /** What every store of the extension holds: chrome.storage (the fake's map) and each IndexedDB database. */
  const dump = async (): Promise<string> => {
    const parts = [JSON.stringify([...p.store.entries()])];
    for (const db of await factory.databases()) parts.push(await dumpDatabase(factory, db.name!));
    return parts.join("\n");
  };
  return { ...p, factory, worker, value, reply, dump };
}

/** The recorder's entries from `from` on, as [action, AccessKeyId, token carried?, status]. */
const seenSince = (from: number) => recorder.seen.slice(from).map((s) => [s.action, s.accessKeyId, s.securityToken !== undefined, s.status]);
const issued = () => (emulator.control.sts() as { issued: { accessKeyId: string; roleArn: string; expired: boolean; expiration: string }[] }).issued;

describe("a RAM-role profile against the emulator", () => {
  const t = roleWorld();
  let role: ProfileView;
  let first: ReturnType<typeof issuedIn>;

  it("sets up the source profile (its own AccessKey) and a role profile that assumes the role with it", async () => {
    await t.value("settings.set", { endpoint: recorder.url });
    await t.value("credentials.set", { accessKeyId: SOURCE.accessKeyId, accessKeySecret: SOURCE.accessKeySecret });
    role = await t.value<ProfileView>("profile.save", {
      name: "certs-role",
      endpoint: recorder.url,
      autoImportEndpoint: recorder.url,
      role: { roleArn: CERTS_ROLE, sourceProfileId: DEFAULT_PROFILE_ID, roleSessionName: "keysmith", durationSeconds: 3600 },
    });
    expect(role).toMatchObject({ kind: "role", roleArn: CERTS_ROLE, sourceProfileId: DEFAULT_PROFILE_ID, configured: true, accessKeyIdHint: "" });
    expect(role.tokenExpiresAt).toBeUndefined(); // nothing assumed yet
    expect(issued()).toEqual([]);
  });

  it("credentials.test: AssumeRole signed with the source's key, then the cas call signed with the STS. key and its token", async () => {
    const from = recorder.seen.length;
    const result = await t.value<CredentialsTestResult>("credentials.test", { profileId: role.id });
    expect(result).toMatchObject({ ok: true });
    expect(result.packages?.length).toBeGreaterThan(0);
    const [assume, describeCall] = recorder.seen.slice(from);
    first = issuedIn(assume!);
    expect(seenSince(from)).toEqual([
      ["AssumeRole", SOURCE.accessKeyId, false, 200],
      ["DescribePackageState", first.accessKeyId, true, 200],
    ]);
    expect(first.accessKeyId).toMatch(/^STS\./);
    expect(describeCall!.securityToken).toBe(first.securityToken);
    // The emulator issued exactly that key, for that role, and it holds.
    expect(issued()).toEqual([expect.objectContaining({ accessKeyId: first.accessKeyId, roleArn: CERTS_ROLE, expired: false })]);
    // The profile list shows when the temporary credentials expire (never the key or token).
    const list = await t.value<ProfileList>("profile.list", {});
    const view = list.profiles.find((p) => p.id === role.id)!;
    expect(Date.parse(view.tokenExpiresAt!)).toBe(Date.parse(first.expiration));
    expect(JSON.stringify(list)).not.toContain(first.accessKeyId);
    expect(JSON.stringify(list)).not.toContain(first.securityToken);
  });

  it("an order placed under the role profile is followed to issuance with the cached temporary key: one AssumeRole", async () => {
    await t.value("profile.select", { id: role.id });
    const from = recorder.seen.length;
    const domain = `www.${ZONE}`;
    const made = await t.value<CsrMade>("csr.create", { spec: "EC_P256", subject: { CN: domain }, sans: [domain], exportable: false });
    const order = await t.value<OrderView>("orders.submitCsr", { ...contact, csrPem: made.csrPem, keyId: made.key.id });
    expect(order).toMatchObject({ profileId: role.id, state: "validation" });
    await t.value<OrderView>("orders.addDnsRecord", { id: order.id }); // the validation record, through the role's Alidns
    // Back to the source profile selected: the follower still looks at the order with the role's key.
    await t.value("profile.select", { id: DEFAULT_PROFILE_ID });
    for (let i = 0; i < 5 && (await t.value<OrderView>("orders.get", { id: order.id })).state !== "issued"; i++) await t.worker.handleAlarm(FOLLOW_ALARM);
    expect((await t.value<OrderView>("orders.get", { id: order.id })).state).toBe("issued");
    const seen = recorder.seen.slice(from);
    expect(seen.map((s) => s.action)).toEqual(expect.arrayContaining(["CreateCertificateWithCsrRequest", "AddDomainRecord", "DescribeCertificateState"]));
    // Every call signed with the first temporary key and its token; no AssumeRole again.
    expect(seen.every((s) => s.accessKeyId === first.accessKeyId && s.securityToken === first.securityToken && s.status === 200)).toBe(true);
    expect(issued()).toHaveLength(1);
    // The key paired with the order's certificate names the profile of that order.
    const key = await t.value<KeyView>("keys.get", { keyId: made.key.id });
    expect(key).toMatchObject({ state: "issued", profileId: role.id });
    expect(key.certificate?.sans).toEqual([domain]);
  });

  it("refreshes before expiry: cached at 40 minutes, a new AssumeRole at 50 while the old key still holds; the old one then expires", async () => {
    advance(40 * MIN);
    let from = recorder.seen.length;
    expect(await t.value<CredentialsTestResult>("credentials.test", { profileId: role.id })).toMatchObject({ ok: true });
    expect(seenSince(from)).toEqual([["DescribePackageState", first.accessKeyId, true, 200]]);

    // 50 of 60 minutes: less than a fifth of the lifetime left (12 minutes), so new credentials first.
    advance(10 * MIN);
    from = recorder.seen.length;
    expect(await t.value<CredentialsTestResult>("credentials.test", { profileId: role.id })).toMatchObject({ ok: true });
    const second = issuedIn(recorder.seen[from]!);
    expect(seenSince(from)).toEqual([
      ["AssumeRole", SOURCE.accessKeyId, false, 200],
      ["DescribePackageState", second.accessKeyId, true, 200],
    ]);
    expect(second.accessKeyId).not.toBe(first.accessKeyId);
    // On the emulator's side both are issued and neither has expired: the refresh came before the expiry.
    expect(issued().map((c) => [c.accessKeyId, c.expired])).toEqual([[first.accessKeyId, false], [second.accessKeyId, false]]);

    // Past the first key's expiry: the emulator refuses it, and the worker goes on with the second.
    advance(15 * MIN);
    expect(issued().map((c) => [c.accessKeyId, c.expired])).toEqual([[first.accessKeyId, true], [second.accessKeyId, false]]);
    from = recorder.seen.length;
    expect(await t.value<CredentialsTestResult>("credentials.test", { profileId: role.id })).toMatchObject({ ok: true });
    expect(seenSince(from)).toEqual([["DescribePackageState", second.accessKeyId, true, 200]]);
    const stale = await rawCall(first);
    expect(stale).toMatchObject({ status: 400, code: "InvalidSecurityToken.Expired" });
  });

  it("the temporary secret and token never land in chrome.storage or IndexedDB", async () => {
    const dump = await t.dump();
    // The dump does hold the stores: the profiles, the source's sealed AccessKey record, the paired key.
    expect(dump).toContain("certs-role");
    expect(dump).toMatch(/credentials: \[\{"id":"default"/);
    expect(dump).toContain(SOURCE.accessKeyId);
    for (const answer of recorder.seen.filter((s) => s.action === "AssumeRole" && s.status === 200)) {
      const creds = issuedIn(answer);
      for (const secret of [creds.accessKeySecret, creds.securityToken]) {
        expect(dump).not.toContain(secret);
        expect(dump).not.toContain(Buffer.from(secret).toString("hex"));
      }
    }
  });

  it("the source's AccessKey set again: the role is assumed anew with it; the source cleared: the role signs nothing more", async () => {
    let from = recorder.seen.length;
    expect(await t.value<CredentialsTestResult>("credentials.test", { profileId: role.id })).toMatchObject({ ok: true });
    expect(seenSince(from).map((s) => s[0])).toEqual(["DescribePackageState"]); // still the cached ones
    await t.value("credentials.set", { accessKeyId: SOURCE.accessKeyId, accessKeySecret: SOURCE.accessKeySecret });
    from = recorder.seen.length;
    expect(await t.value<CredentialsTestResult>("credentials.test", { profileId: role.id })).toMatchObject({ ok: true });
    const third = issuedIn(recorder.seen[from]!);
    expect(seenSince(from)).toEqual([
      ["AssumeRole", SOURCE.accessKeyId, false, 200],
      ["DescribePackageState", third.accessKeyId, true, 200],
    ]);

    await t.value("credentials.clear", {});
    const listed = await t.value<ProfileList>("profile.list", {});
    expect(listed.profiles.find((p) => p.id === role.id)).toMatchObject({ configured: false });
    from = recorder.seen.length;
    const result = await t.value<CredentialsTestResult>("credentials.test", { profileId: role.id });
    expect(result.ok).toBe(false);
    expect(result.error).toMatchObject({ field: "RoleArn", params: { roleArn: CERTS_ROLE, profile: "certs-role" } });
    // Nothing went out: not the cached temporary key, and no AssumeRole without the source's key.
    expect(seenSince(from)).toEqual([]);
  });
});

describe("refusals name the role and the profile, in the user's language", () => {
  const t = roleWorld();

  it("a role that does not trust the source: api.role.refused (NoPermission), nothing cached", async () => {
    await t.value("settings.set", { endpoint: recorder.url, language: "zh_CN" });
    await t.value("credentials.set", { accessKeyId: SOURCE.accessKeyId, accessKeySecret: SOURCE.accessKeySecret });
    const stranger = await t.value<ProfileView>("profile.save", {
      name: "客户-stranger",
      endpoint: recorder.url,
      role: { roleArn: STRANGER_ROLE, sourceProfileId: DEFAULT_PROFILE_ID, roleSessionName: "keysmith", durationSeconds: 3600 },
    });
    const before = issued().length;
    const from = recorder.seen.length;
    const result = await t.value<CredentialsTestResult>("credentials.test", { profileId: stranger.id });
    expect(result.ok).toBe(false);
    expect(result.error).toMatchObject({ code: "api.role.refused", field: "RoleArn", params: { roleArn: STRANGER_ROLE, profile: "客户-stranger", apiCode: "NoPermission", status: 403 } });
    // Only the AssumeRole went out (signed with the source's key); no cas call without credentials.
    expect(seenSince(from)).toEqual([["AssumeRole", SOURCE.accessKeyId, false, 403]]);
    expect(issued()).toHaveLength(before);
    // The pages render it in the user's language (src/ui/locale.ts: fromData, then localized).
    const language = (await t.value<{ language: string }>("settings.get", {})).language;
    expect(language).toBe("zh_CN");
    const zh = KeysmithError.fromData(result.error!).localized("zh_CN");
    const en = KeysmithError.fromData(result.error!).localized("en");
    for (const text of [zh, en]) {
      expect(text).toContain(STRANGER_ROLE);
      expect(text).toContain("客户-stranger");
      expect(text).toContain("NoPermission");
    }
    expect(zh).toMatch(/[\u4e00-\u9fff]{2}/);
    expect(zh).not.toBe(en);
    expect((await t.value<ProfileList>("profile.list", {})).profiles.find((p) => p.id === stranger.id)?.tokenExpiresAt).toBeUndefined();
  });

  it("a source whose own STS token has expired: api.role.expired naming the role and the profile", async () => {
    // The source is itself temporary: credentials of the trusted role, stored as an STS profile.
    await t.value("credentials.set", { accessKeyId: SOURCE.accessKeyId, accessKeySecret: SOURCE.accessKeySecret });
    const assumed = await rawAssume(SOURCE, CERTS_ROLE);
    emulator.control.defineRole(`acs:ram::${ACCOUNT}:role/chained`, [CERTS_ROLE]);
    const source = await t.value<ProfileView>("profile.save", { name: "temp-source", endpoint: recorder.url });
    await t.value("credentials.set", {
      profileId: source.id,
      accessKeyId: assumed.accessKeyId,
      accessKeySecret: assumed.accessKeySecret,
      securityToken: assumed.securityToken,
      securityTokenExpiresAt: assumed.expiration,
    });
    const chained = await t.value<ProfileView>("profile.save", {
      name: "chained",
      endpoint: recorder.url,
      role: { roleArn: `acs:ram::${ACCOUNT}:role/chained`, sourceProfileId: source.id, roleSessionName: "keysmith", durationSeconds: 3600 },
    });
    // While the source's token holds, the chained role is assumed with it.
    let from = recorder.seen.length;
    expect(await t.value<CredentialsTestResult>("credentials.test", { profileId: chained.id })).toMatchObject({ ok: true });
    expect(seenSince(from)[0]).toEqual(["AssumeRole", assumed.accessKeyId, true, 200]);

    // The source's token expires on the business clock; the chained role's credentials too.
    advance(2 * 3600_000);
    from = recorder.seen.length;
    const result = await t.value<CredentialsTestResult>("credentials.test", { profileId: chained.id });
    expect(result.error).toMatchObject({ code: "api.role.expired", field: "RoleArn", params: { roleArn: `acs:ram::${ACCOUNT}:role/chained`, profile: "chained" } });
    // Refused by the emulator (its business clock), never signed with anything else.
    expect(seenSince(from)).toEqual([["AssumeRole", assumed.accessKeyId, true, 400]]);
    const zh = KeysmithError.fromData(result.error!).localized("zh_CN");
    expect(zh).toContain(`acs:ram::${ACCOUNT}:role/chained`);
    expect(zh).toContain("chained");
    expect(zh).toMatch(/[\u4e00-\u9fff]{2}/);
  });
});

/** AssumeRole straight to the emulator with the core client (not through the worker or the recorder). */
async function rawAssume(key: { accessKeyId: string; accessKeySecret: string }, roleArn: string) {
  const client = createClient({ credentials: staticCredentials({ accessKeyId: key.accessKeyId, hmac: await hmacKeysFromSecret(key.accessKeySecret) }), endpoint: emulator.url });
  return assumeRole(client, { roleArn, roleSessionName: "source", durationSeconds: 3600 });
}

/** A cas read straight to the emulator with given temporary credentials; its status and error code. */
async function rawCall(creds: { accessKeyId: string; accessKeySecret: string; securityToken: string }): Promise<{ status: number; code?: string }> {
  const client = createClient({
    credentials: staticCredentials({ accessKeyId: creds.accessKeyId, hmac: await hmacKeysFromSecret(creds.accessKeySecret), securityToken: creds.securityToken }),
    endpoint: emulator.url,
    sleep: async () => undefined,
  });
  try {
    await client.call("cas", "DescribePackageState", { ProductCode: "digicert-free-1-free" });
    return { status: 200 };
  } catch (err) {
    if (err instanceof ApiError) return { status: err.status, code: err.apiCode };
    throw err;
  }
}
