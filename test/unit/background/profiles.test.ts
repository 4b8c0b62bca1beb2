// Profiles in the worker (src/background/profiles/, handlers/profiles.ts): the settings and credential record
// stored before profiles become the profile "default" losslessly; each order is followed with the profile it
// was placed under whichever is selected; a profile that still holds an open order, a pending create or a
// renewal is not deleted unless forced; each profile's AccessKey is sealed in the vault database under its own
// record and a passphrase change re-seals all of them; a role's source may not lead back to it.
import { createHmac } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { generateServerKey, makeCsr } from "../../../emulator/keys";
import { createCredentialStore } from "../../../src/background/credentials";
import { FOLLOW_ALARM } from "../../../src/background/orders/follower";
import { createProfileCredentials } from "../../../src/background/profiles/profile-credentials";
import { createProfileStore, PROFILES_KEY } from "../../../src/background/profiles/profile-store";
import { createSettingsStore, SETTINGS_KEY } from "../../../src/background/settings-store";
import { VaultLock, memorySession } from "../../../src/background/vault/lock";
import { setVaultPassphrase, unlockVault } from "../../../src/background/vault/passphrase";
import { createWorker } from "../../../src/background/worker";
import type { CloudPort } from "../../../src/background/cloud-port";
import { DEFAULT_SETTINGS, type ProfileList, type ProfileView, type Settings } from "../../../src/messages";
import { FAST, freshFactory } from "../vault/helpers";
import { OWN_PAGE, fakeCloud, fakePlatform, fakeServices } from "./fakes";

const CERT = "-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----\n";
const contact = { username: "A", email: "a@example.com", phone: "13800000000", validateType: "DNS" as const };
let CSR = "";
beforeAll(async () => {
  CSR = await makeCsr(await generateServerKey("EC_P256"), "CN=www.example.com", ["www.example.com"]);
});

/** A worker whose services hand each profile its own scripted cloud (created on first use). */
function setup(seed: Record<string, unknown> = {}) {
  const p = fakePlatform();
  for (const [k, v] of Object.entries(seed)) p.store.set(k, structuredClone(v));
  const s = fakeServices();
  const clouds = new Map<string, ReturnType<typeof fakeCloud>>();
  const cleared: string[] = [];
  const asked: (string | undefined)[] = [];
  let selected = "default";
  const cloudOf = (id: string) => {
    if (!clouds.has(id)) clouds.set(id, fakeCloud([{ type: "payed" }, { type: "process" }, { type: "certificate", certificate: CERT }]));
    return clouds.get(id)!;
  };
  s.services.cloud = async (options): Promise<CloudPort> => {
    asked.push(options?.profileId);
    return cloudOf(options?.profileId ?? selected).cloud;
  };
  s.services.credentials.clear = async (profileId) => (cleared.push(profileId ?? "?"), { configured: false, accessKeyIdHint: "", hasSecurityToken: false });
  let n = 0;
  const worker = createWorker({ platform: p.platform, services: s.services, newId: () => `o${++n}`, now: () => new Date("2026-01-15T00:00:00Z") });
  const send = async <T>(type: string, payload: unknown): Promise<T> => {
    const reply = (await worker.handleMessage({ type, payload }, OWN_PAGE)) as { ok: boolean; value?: T; error?: { code: string } };
    if (!reply.ok) throw Object.assign(new Error(reply.error!.code), { data: reply.error });
    if (type === "profile.select") selected = (reply.value as ProfileList).selectedId;
    return reply.value as T;
  };
  const refused = async (type: string, payload: unknown) => (await worker.handleMessage({ type, payload }, OWN_PAGE)) as { ok: false; error: { code: string; field?: string; params: Record<string, unknown>; message: string } };
  return { ...p, ...s, worker, send, refused, clouds, cloudOf, cleared, asked };
}

describe("migration into the profile \"default\"", () => {
  const OLD: Partial<Settings> = {
    site: "intl",
    kmsRegion: "ap-southeast-1",
    endpoint: "http://127.0.0.1:8787",
    signatureVersion: "v1",
    autoImportEndpoint: "http://127.0.0.1:8787",
    language: "zh_CN",
    defaultSubject: { O: "Example" },
    contact: { username: "Li", email: "li@example.com", phone: "13900000000", validateType: "FILE", productCode: "digicert-free-1-free" },
    followOrders: false,
    expiryWarningDays: 14,
    reconcileMinutes: 25,
  };
  /** OLD's account fields, as the stored profile "default" they become. */
  const MIGRATED = {
    id: "default",
    name: "default",
    site: "intl",
    kmsRegion: "ap-southeast-1",
    endpoint: "http://127.0.0.1:8787",
    signatureVersion: "v1",
    autoImportEndpoint: "http://127.0.0.1:8787",
    contact: { username: "Li", email: "li@example.com", phone: "13900000000", validateType: "FILE" },
    defaultProduct: "digicert-free-1-free",
  };

  it("turns the stored settings into the selected profile \"default\" and keeps settings.get exactly as it was", async () => {
    const t = setup({ [SETTINGS_KEY]: OLD });
    const before = { ...OLD };
    const list = await t.send<ProfileList>("profile.list", {});
    expect(list.selectedId).toBe("default");
    expect(list.profiles).toHaveLength(1);
    expect(list.profiles[0]).toMatchObject({ ...MIGRATED, kind: "accessKey" });
    // Nothing lost: the merged view is the old settings, field for field.
    expect(await t.send<Settings>("settings.get", {})).toEqual({ ...before });
    // The account fields left the global record; the global ones stayed.
    const globals = t.store.get(SETTINGS_KEY) as Record<string, unknown>;
    expect(Object.keys(globals).sort()).toEqual(["defaultSubject", "expiryWarningDays", "followOrders", "language", "reconcileMinutes"]);
    // A second worker over the same storage migrates nothing twice.
    const again = createProfileStore(t.platform.storage);
    expect((await again.state()).profiles).toEqual((t.store.get(PROFILES_KEY) as { profiles: unknown[] }).profiles);
  });

  it("the worker and its services over one store, reading at once at the first start, migrate once and lose nothing", async () => {
    // chrome.storage answering out of order: every read of "settings" after the first comes back late, so
    // a second migration running beside the first would read them after the first stripped the account
    // fields, and write a "default" made of the defaults over the first one's.
    const p = fakePlatform();
    p.store.set(SETTINGS_KEY, structuredClone(OLD));
    let settingsReads = 0;
    const storage = {
      ...p.platform.storage,
      get: async (k: string) => {
        if (k === SETTINGS_KEY && ++settingsReads > 1) await new Promise((r) => setTimeout(r, 5));
        return p.platform.storage.get(k);
      },
    };
    const platform = { ...p.platform, storage };
    // As main.ts wires them: one settings store, given to the services and to the worker.
    const settings = createSettingsStore(storage);
    const s = fakeServices();
    const cloud = fakeCloud();
    s.services.cloud = async (options) => (await settings.forProfile(options?.profileId), cloud.cloud);
    const worker = createWorker({ platform, services: s.services, settings, now: () => new Date("2026-01-15T00:00:00Z") });
    const reads = await Promise.all([
      settings.profiles.find("default"),
      settings.profiles.get("default"),
      settings.profiles.state().then((st) => st.profiles[0]),
      settings.profiles.selected(),
      settings.get(),
      worker.start(),
      worker.installMenus(),
      s.services.cloud({ profileId: "default" }),
      worker.locale(),
    ]);
    for (const read of reads.slice(0, 4)) expect(read).toEqual(MIGRATED);
    expect(reads[4]).toEqual(OLD);
    expect(reads[8]).toBe("zh_CN");
    expect(p.store.get(PROFILES_KEY)).toEqual({ selectedId: "default", profiles: [MIGRATED] });
    expect(await settings.get()).toEqual(OLD);
    // And a fresh store over the migrated storage reads the same.
    expect(await createSettingsStore(storage).get()).toEqual(OLD);
  });

  it("the language and the other global settings are one read of \"settings\", without the account fields, before and after the migration", async () => {
    const p = fakePlatform();
    p.store.set(SETTINGS_KEY, structuredClone(OLD));
    const keys: string[] = [];
    const storage = { ...p.platform.storage, get: (k: string) => (keys.push(k), p.platform.storage.get(k)) };
    const settings = createSettingsStore(storage);
    const worker = createWorker({ platform: { ...p.platform, storage }, services: fakeServices().services, settings });
    const { site, kmsRegion, endpoint, signatureVersion, autoImportEndpoint, contact: _, ...globalOnes } = OLD;
    const expected = { ...DEFAULT_SETTINGS, ...globalOnes };
    expect(await worker.locale()).toBe("zh_CN");
    expect(await settings.globals()).toEqual(expected);
    expect(keys).toEqual([SETTINGS_KEY, SETTINGS_KEY]);
    expect(p.store.get(SETTINGS_KEY)).toEqual(OLD); // not migrated by a read of the globals
    expect(await settings.get()).toEqual(OLD); // a profile read migrates
    keys.length = 0;
    expect(await settings.globals()).toEqual(expected);
    expect(await worker.locale()).toBe("zh_CN");
    expect(keys).toEqual([SETTINGS_KEY, SETTINGS_KEY]);
  });

  it("with no settings stored yet: one profile \"default\" with the defaults", async () => {
    const t = setup();
    const list = await t.send<ProfileList>("profile.list", {});
    expect(list.profiles.map((p) => [p.id, p.site, p.endpoint, p.signatureVersion])).toEqual([["default", "cn", "", "v3"]]);
  });

  it("the AccessKey stored before profiles is the profile \"default\"'s (same record, still signs)", async () => {
    const factory = freshFactory();
    const lock = new VaultLock({ indexedDB: factory, iterations: FAST.iterations, session: memorySession() });
    // The old shape: one credential store without a profile.
    await createCredentialStore({ lock }).set({ accessKeyId: "LTAI5tOldKey01", accessKeySecret: "OldSecret2026" });
    const p = fakePlatform();
    p.store.set(SETTINGS_KEY, { endpoint: "http://127.0.0.1:8787" });
    const profiles = createProfileStore(p.platform.storage);
    const creds = createProfileCredentials({ profiles, lock, cloudFor: async () => fakeCloud().cloud });
    expect(await creds.status()).toMatchObject({ configured: true, accessKeyIdHint: "LTAI…ey01" });
    expect(await creds.status("default")).toMatchObject({ configured: true });
    const signing = await creds.source("default").signingCredentials();
    expect(signing.accessKeyId).toBe("LTAI5tOldKey01");
    const mac = Buffer.from(await signing.hmac.v3.sign(new TextEncoder().encode("x"))).toString("hex");
    expect(mac).toBe(createHmac("sha256", "OldSecret2026").update("x").digest("hex"));
  });
});

describe("profiles and orders", () => {
  it("each order is followed to issuance with the profile it was placed under, while the other profile is selected", async () => {
    const t = setup();
    const second = await t.send<ProfileView>("profile.save", { name: "second", endpoint: "http://127.0.0.1:9000" });
    expect(second).toMatchObject({ name: "second", endpoint: "http://127.0.0.1:9000", configured: false });

    const a = await t.send<{ id: string; profileId?: string }>("orders.submitCsr", { ...contact, csrPem: CSR });
    await t.send("profile.select", { id: second.id });
    // The same CSR ordered in the other account, whose cloud answers the same OrderId: a separate order.
    const b = await t.send<{ id: string; profileId?: string; orderId?: string }>("orders.submitCsr", { ...contact, csrPem: CSR });
    expect([a.profileId, b.profileId]).toEqual(["default", second.id]);
    expect(b.id).not.toBe(a.id);
    expect(b.orderId).toBe((a as { orderId?: string }).orderId);
    // Back to "default" selected: the follower still looks at b in the second profile's cloud, and at a in default's.
    await t.send("profile.select", { id: "default" });
    t.asked.length = 0;
    await t.worker.handleAlarm(FOLLOW_ALARM);
    await t.worker.handleAlarm(FOLLOW_ALARM);
    const orders = await t.send<{ id: string; state: string }[]>("orders.list", {});
    expect(Object.fromEntries(orders.map((o) => [o.id, o.state]))).toEqual({ [a.id]: "issued", [b.id]: "issued" });
    const looked = (id: string) => t.cloudOf(id).calls.filter((c) => c.op === "DescribeCertificateState").map((c) => c.params);
    const orderIdOf = async (id: string) => (await t.send<{ orderId: string }>("orders.get", { id })).orderId;
    expect(new Set(looked("default"))).toEqual(new Set([await orderIdOf(a.id)]));
    expect(new Set(looked(second.id))).toEqual(new Set([await orderIdOf(b.id)]));
    // Each cloud was asked as often as its own order needed (none looked at twice as often for the other's).
    expect(looked("default").length).toBe(looked(second.id).length);
    // Every client the follower asked for named a profile (none fell back to the selection).
    expect(t.asked.length).toBeGreaterThan(0);
    expect(t.asked.every((id) => id === "default" || id === second.id)).toBe(true);
    // The create itself went to the profile selected when it was placed.
    const creates = (id: string) => t.cloudOf(id).calls.filter((c) => c.op === "CreateCertificateWithCsrRequest").length;
    expect([creates("default"), creates(second.id)]).toEqual([1, 1]);
  });

  it("settings.get / settings.set act on the selected profile's account fields and the global ones", async () => {
    const t = setup();
    const second = await t.send<ProfileView>("profile.save", { name: "Second" });
    await t.send("profile.select", { id: second.id });
    await t.send("settings.set", { endpoint: "http://127.0.0.1:9100/path", language: "en", contact: { ...contact, productCode: "p-2" } });
    const list = await t.send<ProfileList>("profile.list", {});
    expect(list.profiles.find((p) => p.id === second.id)).toMatchObject({ endpoint: "http://127.0.0.1:9100", defaultProduct: "p-2", contact });
    expect(list.profiles.find((p) => p.id === "default")).toMatchObject({ endpoint: "" });
    await t.send("profile.select", { id: "default" });
    expect(await t.send<Settings>("settings.get", {})).toMatchObject({ endpoint: "", language: "en" });
  });

  it("profile.save refuses a blank or taken name, a plain-http endpoint elsewhere, and a role leading back to itself", async () => {
    const t = setup();
    expect((await t.refused("profile.save", { name: "  " })).error).toMatchObject({ code: "profile.name.required", field: "name" });
    expect((await t.refused("profile.save", { name: "DEFAULT" })).error).toMatchObject({ code: "profile.name.taken", params: { name: "DEFAULT" } });
    expect((await t.refused("profile.save", { name: "x", endpoint: "http://example.com" })).error).toMatchObject({ code: "settings.endpoint.plain_http" });
    const role = { roleArn: "acs:ram::1234567890123456:role/keysmith", roleSessionName: "keysmith", durationSeconds: 3600 };
    const r1 = await t.send<ProfileView>("profile.save", { name: "r1", role: { ...role, sourceProfileId: "default" } });
    expect(r1).toMatchObject({ kind: "role", roleArn: role.roleArn, sourceProfileId: "default", accessKeyIdHint: "" });
    const r2 = await t.send<ProfileView>("profile.save", { name: "r2", role: { ...role, sourceProfileId: r1.id } });
    const loop = await t.refused("profile.save", { id: r1.id, name: "r1", role: { ...role, sourceProfileId: r2.id } });
    expect(loop.error).toMatchObject({ code: "profile.role.cycle", field: "role.sourceProfileId", params: { profile: "r1", chain: "r1 → r2 → r1" } });
    const self = await t.refused("profile.save", { id: r1.id, name: "r1", role: { ...role, sourceProfileId: r1.id } });
    expect(self.error.code).toBe("profile.role.cycle");
    expect(self.error).toMatchObject({ field: "role.sourceProfileId", params: { profile: "r1", chain: "r1 → r1" } });
  });
});

describe("deleting a profile", () => {
  it("is refused while it holds an open order or is a role's source, naming it; force deletes it and its credentials", async () => {
    const t = setup();
    const second = await t.send<ProfileView>("profile.save", { name: "customer-b" });
    await t.send("profile.select", { id: second.id });
    const order = await t.send<{ id: string }>("orders.certificateRequest", { ...contact, domain: "example.org" });
    const refused = await t.refused("profile.delete", { id: second.id });
    expect(refused.error).toMatchObject({ code: "profile.in_use", field: "id", params: { profile: "customer-b", orders: 1, creates: 0, renewals: 0, roles: 0 } });
    expect(refused.error.message).toContain("customer-b");
    expect(t.cleared).toEqual([]);
    expect((await t.send<ProfileList>("profile.list", {})).profiles).toHaveLength(2);

    // Once the order is cancelled nothing holds it but a role that signs with it.
    await t.send("orders.cancel", { id: order.id });
    await t.send<ProfileView>("profile.save", { name: "role-b", role: { roleArn: "acs:ram::1:role/x", sourceProfileId: second.id, roleSessionName: "ks", durationSeconds: 900 } });
    expect((await t.refused("profile.delete", { id: second.id })).error).toMatchObject({ code: "profile.in_use", params: { orders: 0, roles: 1 } });

    const after = await t.send<ProfileList>("profile.delete", { id: second.id, force: true });
    expect(after.profiles.map((p) => p.name)).toEqual(["default", "role-b"]);
    expect(after.selectedId).toBe("default"); // the selected one was deleted: the first remaining
    expect(t.cleared).toEqual([second.id]);
  });

  it("counts pending creates and renewal bindings, and never deletes the last profile", async () => {
    const t = setup();
    t.store.set("pendingCreates", [{ id: "p1", service: "cas", action: "CreateCertificateRequest", params: {}, keys: [], context: { operation: "CreateCertificateRequest", domain: "x", profileId: "default" }, startedAt: "2026-01-15T00:00:00Z", state: "unknown", checks: 0, windowEndsAt: "2026-01-15T00:10:00Z" }]);
    t.store.set("renewals", { k1: { policy: { mode: "auto", beforeDays: 30, fractionLeft: 0.33, key: "new" }, uploadToCas: false, deploy: [], deleteOldUpload: false } });
    await t.send<ProfileView>("profile.save", { name: "other" });
    expect((await t.refused("profile.delete", { id: "default" })).error).toMatchObject({ code: "profile.in_use", params: { profile: "default", creates: 1, renewals: 1 } });
    const left = await t.send<ProfileList>("profile.delete", { id: "default", force: true });
    expect((await t.refused("profile.delete", { id: left.profiles[0]!.id, force: true })).error).toMatchObject({ code: "profile.last" });
  });
});

describe("credentials per profile in the vault", () => {
  it("each profile's AccessKey is its own sealed record; a passphrase change re-seals all of them and the lock covers all", async () => {
    const factory = freshFactory();
    const lock = new VaultLock({ indexedDB: factory, iterations: FAST.iterations, session: memorySession() });
    const p = fakePlatform();
    const profiles = createProfileStore(p.platform.storage);
    const second = await profiles.save({ name: "second" });
    const creds = createProfileCredentials({ profiles, lock, cloudFor: async () => fakeCloud().cloud, storeFor: (profileId) => createCredentialStore({ lock, profileId }) });
    await creds.set({ accessKeyId: "LTAI5tFirst0001", accessKeySecret: "FirstSecret" });
    await creds.set({ accessKeyId: "LTAI5tSecond002", accessKeySecret: "SecondSecret" }, second.id);
    const mac = async (id: string) => {
      const c = await creds.source(id).signingCredentials();
      return [c.accessKeyId, Buffer.from(await c.hmac.v3.sign(new TextEncoder().encode("m"))).toString("hex")];
    };
    const expectBoth = async () => {
      expect(await mac("default")).toEqual(["LTAI5tFirst0001", createHmac("sha256", "FirstSecret").update("m").digest("hex")]);
      expect(await mac(second.id)).toEqual(["LTAI5tSecond002", createHmac("sha256", "SecondSecret").update("m").digest("hex")]);
    };
    await expectBoth();
    await setVaultPassphrase(lock, { passphrase: "correct horse battery" });
    await expectBoth();
    await lock.lock();
    for (const id of ["default", second.id]) await expect(creds.source(id).signingCredentials()).rejects.toMatchObject({ code: "vault.locked" });
    await unlockVault(lock, "correct horse battery");
    await expectBoth();
    // A role profile keeps no AccessKey of its own; it is configured when its source is.
    const role = await profiles.save({ name: "role", role: { roleArn: "acs:ram::1:role/r", sourceProfileId: second.id, roleSessionName: "ks", durationSeconds: 900 } });
    await expect(creds.set({ accessKeyId: "LTAI5tX", accessKeySecret: "s" }, role.id)).rejects.toMatchObject({ code: "profile.role.no_own_credentials" });
    expect(await creds.status(role.id)).toMatchObject({ configured: true, accessKeyIdHint: "" });
    await creds.clear(second.id);
    expect(await creds.status(second.id)).toMatchObject({ configured: false });
    expect(await creds.status(role.id)).toMatchObject({ configured: false });
    expect(await creds.status("default")).toMatchObject({ configured: true });
  });
});
