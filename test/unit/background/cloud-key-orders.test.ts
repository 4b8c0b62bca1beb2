// A CreateCertificateRequest order (the cloud makes the key): once issued, the follower imports the private
// key DescribeCertificateState returns into the vault as an exportable key (origin "cloud") paired with the
// certificate and linked to the order, so the Keys tab exports it like any exportable key. The key never
// appears in an order, a reply, a notification or chrome.storage; a missing or unusable key is the order's
// typed error, the certificate stays on the order, and a refresh tries again. The worker runs over the
// fake platform and scripted cloud of fakes.ts with the real vault (fake-indexeddb) behind KeyService; the
// keys are the emulator's server-made keys, the certificates from a test CA.
import { beforeAll, describe, expect, it } from "vitest";
import { generateServerKey, type ServerKey } from "../../../emulator/keys";
import { createVaultKeys } from "../../../src/background/vault-keys";
import { FOLLOW_ALARM } from "../../../src/background/orders/follower";
import { createWorker } from "../../../src/background/worker";
import type { CertificateState } from "../../../src/background/cloud-port";
import { readPrivateKey } from "../../../src/core/export/pkcs8";
import { pkcs8ToPkcs1Pem } from "../../../src/core/export/traditional-pem";
import { derFromPemOrDer } from "../../../src/core/pem";
import type { ExportResult, KeyView, OrderView } from "../../../src/messages";
import { dumpDatabase, freshFactory, makeCa, vaultOn, type TestCa } from "../vault/helpers";
import { OWN_PAGE, fakeCloud, fakePlatform, fakeServices } from "./fakes";

const contact = { username: "Li Lei", email: "li@example.com", phone: "13800000000", validateType: "DNS" as const };
const validation: CertificateState = { type: "domain_verify", validateType: "DNS", recordType: "TXT", recordDomain: "_dnsauth.www", recordValue: "2026abc" };

let ca: TestCa;
let rsa: ServerKey;
let sm2: ServerKey;
let other: ServerKey;
beforeAll(async () => {
  ca = await makeCa();
  [rsa, sm2, other] = await Promise.all([generateServerKey("RSA_2048"), generateServerKey("EC_SM2"), generateServerKey("EC_P256")]);
});

async function issuedFor(key: ServerKey, privateKey: string | undefined = key.privateKeyPem): Promise<CertificateState> {
  const { leafPem, chainPem } = await ca.issue(key.spkiDer, { cn: "www.example.com" });
  return { type: "certificate", certificate: leafPem + chainPem, ...(privateKey === undefined ? {} : { privateKey }) };
}

/** The base64 body of a PEM key, without line breaks: what any copy of the key would contain. */
function keyBody(pem: string): string {
  return Buffer.from(derFromPemOrDer(pem, ["PRIVATE KEY", "RSA PRIVATE KEY"], "key")[0]!).toString("base64");
}

function setup(states: CertificateState[]) {
  const p = fakePlatform();
  const c = fakeCloud(states);
  const s = fakeServices(c.cloud);
  const factory = freshFactory();
  s.services.keys = createVaultKeys({
    openOrderIds: async () => new Set(),
    csr: s.services.csr,
    openVault: () => vaultOn(factory),
  });
  let n = 0;
  const worker = createWorker({ platform: p.platform, services: s.services, newId: () => `o${++n}`, now: () => new Date("2026-01-15T00:00:00Z") });
  const replies: string[] = [];
  const value = async <T = OrderView>(type: string, payload: unknown): Promise<T> => {
    const reply = await worker.handleMessage({ type, payload }, OWN_PAGE);
    replies.push(JSON.stringify(reply));
    if (!reply.ok) throw new Error(`${type}: ${JSON.stringify(reply.error)}`);
    return reply.value as T;
  };
  /** Everything the worker let out or kept outside the vault: replies, chrome.storage, notifications. */
  const outside = () => [...replies, JSON.stringify([...p.store.entries()]), JSON.stringify(p.notifications)].join("\n");
  return { ...p, ...c, ...s, worker, value, outside, factory };
}

async function placeAndIssue(t: ReturnType<typeof setup>): Promise<OrderView> {
  const placed = await t.value("orders.certificateRequest", { ...contact, domain: "www.example.com" });
  expect(placed).toMatchObject({ operation: "CreateCertificateRequest", orderId: "22345678901234567", state: "validation" });
  await t.value("orders.addDnsRecord", { id: placed.id });
  await t.worker.handleAlarm(FOLLOW_ALARM);
  return t.value("orders.get", { id: placed.id });
}

describe("a CreateCertificateRequest order, once issued", () => {
  it.each([["RSA_2048", () => rsa], ["EC_SM2", () => sm2]] as const)(
    "imports the %s key the cloud made into the vault, exportable, paired and linked; it appears nowhere else",
    async (spec, key) => {
      const t = setup([validation, validation, await issuedFor(key())]);
      const order = await placeAndIssue(t);
      expect(order).toMatchObject({ state: "issued" });
      expect(order.error).toBeUndefined();
      expect(order.certificatePem).toMatch(/^-----BEGIN CERTIFICATE-----/);
      expect(order.keyId).toBeTruthy();

      const keys = await t.value<KeyView[]>("keys.list", {});
      expect(keys).toHaveLength(1);
      expect(keys[0]).toMatchObject({ id: order.keyId, spec, exportable: true, origin: "cloud", state: "issued", orderIds: [order.id], commonName: "www.example.com" });
      const flat = (pem: string | undefined) => (pem ?? "").replace(/\s+/g, "");
      expect(flat(keys[0]!.certificate?.pem)).toBe(flat(order.certificatePem));

      // Exported like any exportable key: the PKCS#8 inside is the one the cloud returned.
      const exported = await t.value<ExportResult>("keys.export", { keyId: order.keyId, format: "pkcs8-encrypted", passphrase: "a pass phrase" });
      const read = await readPrivateKey(exported.data, "a pass phrase");
      expect(Buffer.from(read.pkcs8Der).toString("base64")).toBe(keyBody(key().privateKeyPem));
      const pfx = await t.value<ExportResult>("keys.export", { keyId: order.keyId, format: "pkcs12", passphrase: "a pass phrase" });
      expect(pfx).toMatchObject({ binary: true, mediaType: "application/x-pkcs12" });

      // Not in any reply, chrome.storage or notification, nor in the clear in the vault's database.
      const body = keyBody(key().privateKeyPem);
      expect(t.outside()).not.toContain(body.slice(0, 64));
      expect(t.outside()).not.toContain("PRIVATE KEY-----\\n" + body.slice(0, 20));
      expect(await dumpDatabase(t.factory)).not.toContain(Buffer.from(body, "base64").toString("hex"));
      // One "issued" notification; nothing more to follow.
      expect(t.notifications.map((x) => x.id)).toEqual([`order:${order.id}:validation`, `order:${order.id}:issued`]);
      expect(t.alarms.has(FOLLOW_ALARM)).toBe(false);
    },
  );

  it("reads a PKCS#1 key, and a refresh of the issued order keeps the one key", async () => {
    const t = setup([validation, validation, await issuedFor(rsa, pkcs8ToPkcs1Pem(derFromPemOrDer(rsa.privateKeyPem, ["PRIVATE KEY"], "key")[0]!))]);
    const order = await placeAndIssue(t);
    expect(order.keyId).toBeTruthy();
    const again = await t.value("orders.refresh", { id: order.id });
    expect(again).toMatchObject({ state: "issued", keyId: order.keyId });
    expect(again.error).toBeUndefined();
    expect(await t.value<KeyView[]>("keys.list", {})).toHaveLength(1);
  });

  it("keeps the certificate and a typed error when the cloud returns no key; a refresh that gets it imports it", async () => {
    const withKey = await issuedFor(rsa);
    const t = setup([validation, validation, { ...withKey, privateKey: undefined }, withKey]);
    const order = await placeAndIssue(t);
    expect(order).toMatchObject({ state: "issued", certificatePem: withKey.certificate, error: { code: "orders.cloud_key.missing", field: "PrivateKey" } });
    expect(order.error?.params).toMatchObject({ orderId: "22345678901234567" });
    expect(order.keyId).toBeUndefined();
    expect(await t.value<KeyView[]>("keys.list", {})).toEqual([]);

    const refreshed = await t.value("orders.refresh", { id: order.id });
    expect(refreshed.error).toBeUndefined();
    expect(refreshed).toMatchObject({ state: "issued", certificatePem: withKey.certificate });
    expect((await t.value<KeyView[]>("keys.list", {})).map((k) => k.id)).toEqual([refreshed.keyId]);
  });

  it("a key that is not the certificate's is refused: typed error on the order, certificate kept, nothing stored", async () => {
    const issued = await issuedFor(rsa, other.privateKeyPem);
    const t = setup([validation, validation, issued]);
    const order = await placeAndIssue(t);
    expect(order).toMatchObject({ state: "issued", certificatePem: issued.certificate, error: { code: "orders.cloud_key.import_failed", field: "PrivateKey" } });
    expect(order.error?.params).toMatchObject({ cause: "cert.key_mismatch" });
    expect(order.error?.message).toContain("22345678901234567");
    expect(order.keyId).toBeUndefined();
    expect(await t.value<KeyView[]>("keys.list", {})).toEqual([]);
    expect(t.outside()).not.toContain(keyBody(other.privateKeyPem).slice(0, 64));
  });

  it("a key that cannot be read is refused with its reason; the certificate stays", async () => {
    const t = setup([validation, validation, { ...(await issuedFor(rsa)), privateKey: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n" }]);
    const order = await placeAndIssue(t);
    expect(order.error).toMatchObject({ code: "orders.cloud_key.import_failed", params: { cause: "export.key.invalid" } });
    expect(order.certificatePem).toBeTruthy();
  });
});
