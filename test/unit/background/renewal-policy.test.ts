// renewal.get / renewal.set through the worker's door (src/background/handlers/renewal.ts over
// src/background/lifecycle/renewal-store.ts): default off, the core's policy check at the door, the upload
// opt-in refused for a non-exportable key and for SM2, deploy bindings and the old upload's deletion only with
// the upload, nothing stored when refused, and the due time computed from the key's certificate.
import { describe, expect, it } from "vitest";
import { RENEWALS_KEY } from "../../../src/background/lifecycle/renewal-store";
import { createWorker } from "../../../src/background/worker";
import type { KeyRenewal } from "../../../src/messages";
import { OWN_PAGE, fakeCloud, fakePlatform, fakeServices, keyView } from "./fakes";

function setup() {
  const p = fakePlatform();
  const c = fakeCloud();
  const s = fakeServices(c.cloud);
  const worker = createWorker({ platform: p.platform, services: s.services, now: () => new Date("2026-01-15T00:00:00Z") });
  const send = async (type: "renewal.get" | "renewal.set", payload: unknown) => worker.handleMessage({ type, payload }, OWN_PAGE);
  return { ...p, ...s, worker, send };
}

const certificate = {
  pem: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
  subject: "CN=www.example.com",
  issuer: "CN=Test CA",
  serial: "01",
  notBefore: "2026-01-01T00:00:00.000Z",
  notAfter: "2026-04-01T00:00:00.000Z", // 90 days
  sans: ["www.example.com"],
  fingerprintSha256: "AA",
};

describe("renewal policy messages", () => {
  it("answers off for a key never set, and nothing for an unknown key", async () => {
    const { send } = setup();
    expect(await send("renewal.get", { keyId: "k1" })).toEqual({
      ok: true,
      value: { keyId: "k1", policy: { mode: "off", beforeDays: 30, fractionLeft: 1 / 3, key: "new" }, uploadToCas: false, deploy: [], deleteOldUpload: false },
    });
    expect(await send("renewal.get", { keyId: "nope" })).toMatchObject({ ok: false, error: { code: "vault.key.not_found" } });
  });

  it("stores a policy with the core's defaults and gives the due time of the key's certificate", async () => {
    const { send, keys, store } = setup();
    keys.set("k1", keyView({ state: "issued", certificate, notAfter: certificate.notAfter }));
    const reply = await send("renewal.set", { keyId: "k1", policy: { mode: "notify", beforeDays: 20 } });
    expect(reply).toMatchObject({ ok: true, value: { policy: { mode: "notify", beforeDays: 20, fractionLeft: 1 / 3, key: "new" }, uploadToCas: false, deploy: [] } });
    // 90 days: the smaller lead of 20 days and a third (30 days) is 20 days → due 2026-03-12.
    expect((reply as { value: KeyRenewal }).value.dueAt).toBe("2026-03-12T00:00:00.000Z");
    expect(await send("renewal.get", { keyId: "k1" })).toMatchObject({ ok: true, value: { policy: { mode: "notify", beforeDays: 20 } } });
    expect(Object.keys((store.get(RENEWALS_KEY) as Record<string, unknown>) ?? {})).toEqual(["k1"]);
  });

  it.each([
    [{ mode: "sometimes" }, "lifecycle.value.allowed", "payload.policy.mode"],
    [{ mode: "auto", beforeDays: 0 }, "lifecycle.renewal.before_days", "payload.policy.beforeDays"],
    [{ mode: "auto", fractionLeft: 1 }, "lifecycle.renewal.fraction_left", "payload.policy.fractionLeft"],
    [{ mode: "auto", uploadToCas: true }, "lifecycle.field.unknown", "payload.policy.uploadToCas"],
  ])("refuses the policy %j at the door (%s)", async (policy, code, field) => {
    const { send, store } = setup();
    expect(await send("renewal.set", { keyId: "k1", policy })).toMatchObject({ ok: false, error: { code, field } });
    expect(store.get(RENEWALS_KEY)).toBeUndefined();
  });

  it("refuses the upload for a non-exportable key, saying why, and stores nothing", async () => {
    const { send, store } = setup();
    const reply = await send("renewal.set", { keyId: "k1", policy: { mode: "auto" }, uploadToCas: true });
    expect(reply).toMatchObject({ ok: false, error: { code: "renewal.upload.not_exportable", field: "uploadToCas" } });
    expect((reply as { error: { message: string } }).error.message).toMatch(/non-exportable.*KMS/s);
    expect(store.get(RENEWALS_KEY)).toBeUndefined();
  });

  it("takes the upload and deploy bindings for an exportable key; deploy needs the upload; SM2 is refused", async () => {
    const { send, keys } = setup();
    keys.set("k1", keyView({ exportable: true }));
    const deploy = [{ target: "cdn", domain: "WWW.example.com" }, { target: "cdn", auto: true }];
    expect(await send("renewal.set", { keyId: "k1", policy: { mode: "auto" }, uploadToCas: true, deploy })).toMatchObject({
      ok: true,
      value: { uploadToCas: true, deploy: [{ target: "cdn", domain: "www.example.com" }, { target: "cdn", auto: true }] },
    });
    // Absent members keep what is stored.
    expect(await send("renewal.set", { keyId: "k1", policy: { mode: "notify" } })).toMatchObject({ ok: true, value: { policy: { mode: "notify" }, uploadToCas: true } });
    expect(await send("renewal.set", { keyId: "k1", policy: { mode: "auto" }, uploadToCas: false })).toMatchObject({
      ok: false,
      error: { code: "renewal.deploy.needs_upload" },
    });
    expect(await send("renewal.set", { keyId: "k1", policy: { mode: "auto" }, deploy: [{ target: "cdn" }] })).toMatchObject({
      ok: false,
      error: { code: "message.payload.invalid", field: "payload.deploy[0]" },
    });
    expect(await send("renewal.set", { keyId: "k1", policy: { mode: "auto" }, deploy: [{ target: "ssh", domain: "a.example.com" }] })).toMatchObject({
      ok: false,
      error: { code: "message.payload.invalid", field: "payload.deploy[0].target" },
    });
    keys.set("k2", keyView({ id: "k2", spec: "EC_SM2", exportable: true }));
    expect(await send("renewal.set", { keyId: "k2", policy: { mode: "auto" } })).toMatchObject({ ok: false, error: { code: "renewal.auto.sm2" } });
    expect(await send("renewal.set", { keyId: "k2", policy: { mode: "notify" }, uploadToCas: true })).toMatchObject({ ok: false, error: { code: "renewal.upload.sm2" } });
    expect(await send("renewal.set", { keyId: "k2", policy: { mode: "notify" } })).toMatchObject({ ok: true });
  });

  it("takes DCDN, SLB and ALB bindings (normalised); refuses a bad port, region, id or shape naming the field and rule; a stored CDN-only entry reads unchanged", async () => {
    const { send, keys, store } = setup();
    keys.set("k1", keyView({ exportable: true }));
    store.set(RENEWALS_KEY, { k1: { policy: { mode: "auto", beforeDays: 30, fractionLeft: 1 / 3, key: "new" }, uploadToCas: true, deploy: [{ target: "cdn", domain: "old.example.com" }] } });
    expect(await send("renewal.get", { keyId: "k1" })).toMatchObject({ ok: true, value: { deploy: [{ target: "cdn", domain: "old.example.com" }] } });
    const deploy = [
      { target: "dcdn", domain: "WWW.example.com" },
      { target: "dcdn", auto: true },
      { target: "slb", loadBalancerId: "lb-bp1abc", port: 443, region: "cn-shanghai" },
      { target: "slb", loadBalancerId: "lb-bp1abc", port: 8443, domain: "API.example.com", region: "cn-shanghai" },
      { target: "alb", listenerId: "lsn-xyz9", default: false, region: "ap-southeast-1" },
    ];
    expect(await send("renewal.set", { keyId: "k1", policy: { mode: "auto" }, deploy })).toMatchObject({
      ok: true,
      value: {
        deploy: [
          { target: "dcdn", domain: "www.example.com" },
          { target: "dcdn", auto: true },
          { target: "slb", loadBalancerId: "lb-bp1abc", port: 443, region: "cn-shanghai" },
          { target: "slb", loadBalancerId: "lb-bp1abc", port: 8443, domain: "api.example.com", region: "cn-shanghai" },
          { target: "alb", listenerId: "lsn-xyz9", default: false, region: "ap-southeast-1" },
        ],
      },
    });
    const slb = { target: "slb", loadBalancerId: "lb-1", port: 443, region: "cn-hangzhou" };
    const alb = { target: "alb", listenerId: "lsn-1", default: true, region: "cn-hangzhou" };
    const refusals: [unknown, string, RegExp][] = [
      [{ ...slb, port: 0 }, "payload.deploy[1].port", /1\.\.65535/],
      [{ ...slb, port: 65536 }, "payload.deploy[1].port", /1\.\.65535/],
      [{ ...slb, port: "443" }, "payload.deploy[1].port", /1\.\.65535/],
      [{ ...slb, region: "mars-1" }, "payload.deploy[1].region", /one of cn-hangzhou/],
      [{ ...alb, region: "cn-wulanchabu" }, "payload.deploy[1].region", /one of/],
      [{ target: "slb", loadBalancerId: "lb-1", port: 443 }, "payload.deploy[1].region", /one of/],
      [{ ...slb, loadBalancerId: "x-1" }, "payload.deploy[1].loadBalancerId", /matches/],
      [{ ...slb, domain: "not a domain" }, "payload.deploy[1].domain", /matches/],
      [{ ...alb, listenerId: "lb-1" }, "payload.deploy[1].listenerId", /matches/],
      [{ ...alb, default: "yes" }, "payload.deploy[1].default", /true or false/],
      [{ ...alb, domain: "a.example.com" }, "payload.deploy[1].domain", /known field/],
      [{ target: "dcdn" }, "payload.deploy[1]", /either domain or auto/],
      [{ target: "dcdn", domain: "a.example.com", region: "cn-hangzhou" }, "payload.deploy[1].region", /known field/],
    ];
    for (const [binding, field, rule] of refusals) {
      const reply = await send("renewal.set", { keyId: "k1", policy: { mode: "auto" }, deploy: [{ target: "cdn", auto: true }, binding] });
      expect(reply, JSON.stringify(binding)).toMatchObject({ ok: false, error: { code: "message.payload.invalid", field } });
      expect(JSON.stringify((reply as { error: unknown }).error), JSON.stringify(binding)).toMatch(rule);
    }
    // Refused: what was stored stays.
    expect(await send("renewal.get", { keyId: "k1" })).toMatchObject({ ok: true, value: { deploy: expect.arrayContaining([{ target: "alb", listenerId: "lsn-xyz9", default: false, region: "ap-southeast-1" }]) } });
    expect(await send("renewal.set", { keyId: "k1", policy: { mode: "auto" }, uploadToCas: false, deploy: [slb] })).toMatchObject({ ok: false, error: { code: "renewal.deploy.needs_upload" } });
  });

  it("deleteOldUpload: off by default, taken with the upload, refused without it naming the field; an old stored entry reads it as false", async () => {
    const { send, keys, store } = setup();
    keys.set("k1", keyView({ exportable: true }));
    // Refused without the upload (none stored, none sent): nothing stored.
    const refused = await send("renewal.set", { keyId: "k1", policy: { mode: "auto" }, deleteOldUpload: true });
    expect(refused).toMatchObject({ ok: false, error: { code: "renewal.delete_old.needs_upload", field: "deleteOldUpload" } });
    expect((refused as { error: { message: string } }).error.message).toMatch(/upload/);
    expect(store.get(RENEWALS_KEY)).toBeUndefined();
    expect(await send("renewal.set", { keyId: "k1", policy: { mode: "auto" }, uploadToCas: false, deleteOldUpload: true })).toMatchObject({
      ok: false,
      error: { code: "renewal.delete_old.needs_upload", field: "deleteOldUpload" },
    });
    expect(await send("renewal.set", { keyId: "k1", policy: { mode: "auto" }, deleteOldUpload: "yes" })).toMatchObject({
      ok: false,
      error: { code: "message.payload.invalid", field: "payload.deleteOldUpload" },
    });
    // With the upload: stored; absent keeps it; turning the upload off while it is on is refused.
    expect(await send("renewal.set", { keyId: "k1", policy: { mode: "auto" }, uploadToCas: true })).toMatchObject({ ok: true, value: { deleteOldUpload: false } });
    expect(await send("renewal.set", { keyId: "k1", policy: { mode: "auto" }, deleteOldUpload: true })).toMatchObject({ ok: true, value: { uploadToCas: true, deleteOldUpload: true } });
    expect(await send("renewal.set", { keyId: "k1", policy: { mode: "notify" } })).toMatchObject({ ok: true, value: { deleteOldUpload: true } });
    expect(await send("renewal.set", { keyId: "k1", policy: { mode: "auto" }, uploadToCas: false })).toMatchObject({
      ok: false,
      error: { code: "renewal.delete_old.needs_upload", field: "deleteOldUpload" },
    });
    expect(await send("renewal.set", { keyId: "k1", policy: { mode: "auto" }, uploadToCas: false, deleteOldUpload: false })).toMatchObject({
      ok: true,
      value: { uploadToCas: false, deleteOldUpload: false },
    });
    // An entry stored before the setting existed.
    store.set(RENEWALS_KEY, { k1: { policy: { mode: "auto", beforeDays: 30, fractionLeft: 1 / 3, key: "new" }, uploadToCas: true, deploy: [] } });
    expect(await send("renewal.get", { keyId: "k1" })).toMatchObject({ ok: true, value: { uploadToCas: true, deleteOldUpload: false } });
  });

  it("a deleted key's renewal entry is dropped by the next tick", async () => {
    const { send, keys, store, worker } = setup();
    await send("renewal.set", { keyId: "k1", policy: { mode: "notify" } });
    expect(Object.keys(store.get(RENEWALS_KEY) as object)).toEqual(["k1"]);
    keys.delete("k1");
    await worker.renewer.tick();
    expect(store.get(RENEWALS_KEY)).toEqual({});
  });

  it("a locked vault: the tick raises 'unlock to continue' only when a key has renewal on", async () => {
    const p = fakePlatform();
    const s = fakeServices(fakeCloud().cloud);
    const worker = createWorker({ platform: p.platform, services: s.services, vaultLock: { isLocked: async () => true, useSession: () => undefined } as never });
    await worker.renewer.tick();
    expect(p.notifications).toEqual([]);
    await worker.handleMessage({ type: "renewal.set", payload: { keyId: "k1", policy: { mode: "notify" } } }, OWN_PAGE);
    await worker.renewer.tick();
    expect(p.notifications.map((n) => n.id)).toEqual(["vault:locked"]);
  });
});
