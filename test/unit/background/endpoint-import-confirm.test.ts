// What an endpoint that is not Alibaba Cloud returns goes into the vault only after the user confirms
// (src/background/orders/follower.ts, src/background/handlers/orders.ts orders.confirmImport / declineImport,
// src/background/settings-store.ts importConfirmationEndpoint and autoImportEndpoint): with a loopback endpoint
// override an issued order keeps its certificate and `importPending`, and nothing is in the vault (nor the key
// anywhere else) until Import, which asks the endpoint again; an Alibaba Cloud endpoint imports at once; the
// "import without asking" setting is honoured for its own endpoint only and turned off when the endpoint
// changes. The worker runs over the fake platform and a scripted cloud (fakes.ts) with the real vault
// (fake-indexeddb) behind KeyService for the key the cloud made, and the fake KeyService for DV pairing.
import { beforeAll, describe, expect, it } from "vitest";
import { generateServerKey, makeCsr, type ServerKey } from "../../../emulator/keys";
import { createVaultKeys } from "../../../src/background/vault-keys";
import { FOLLOW_ALARM } from "../../../src/background/orders/follower";
import { createWorker } from "../../../src/background/worker";
import type { CertificateState } from "../../../src/background/cloud-port";
import { derFromPemOrDer } from "../../../src/core/pem";
import type { ErrorData } from "../../../src/core/errors";
import type { KeyView, OrderView, Settings } from "../../../src/messages";
import { dumpDatabase, freshFactory, makeCa, vaultOn, type TestCa } from "../vault/helpers";
import { OWN_PAGE, fakeCloud, fakePlatform, fakeServices } from "./fakes";

const contact = { username: "Li Lei", email: "li@example.com", phone: "13800000000", validateType: "DNS" as const };
const validation: CertificateState = { type: "domain_verify", validateType: "DNS", recordType: "TXT", recordDomain: "_dnsauth.www", recordValue: "2026abc" };
const LOOPBACK = "http://127.0.0.1:8787";

let ca: TestCa;
let rsa: ServerKey;
let ec: ServerKey;
beforeAll(async () => {
  ca = await makeCa();
  [rsa, ec] = await Promise.all([generateServerKey("RSA_2048"), generateServerKey("EC_P256")]);
});

async function issuedFor(key: ServerKey): Promise<CertificateState> {
  const { leafPem, chainPem } = await ca.issue(key.spkiDer, { cn: "www.example.com" });
  return { type: "certificate", certificate: leafPem + chainPem, privateKey: key.privateKeyPem };
}

/** The base64 body of a PEM key, without line breaks: what any copy of the key would contain. */
function keyBody(pem: string): string {
  return Buffer.from(derFromPemOrDer(pem, ["PRIVATE KEY", "RSA PRIVATE KEY"], "key")[0]!).toString("base64");
}

/** The worker with the real vault behind KeyService; `answer` is what DescribeCertificateState says now. */
function setup(options: { fakeKeys?: boolean } = {}) {
  const p = fakePlatform();
  const c = fakeCloud();
  const s = fakeServices(c.cloud);
  const factory = freshFactory();
  if (!options.fakeKeys) {
    s.services.keys = createVaultKeys({ openOrderIds: async () => new Set(), csr: s.services.csr, openVault: () => vaultOn(factory) });
  }
  const script = { answer: validation };
  let looks = 0;
  c.cloud.describeCertificateState = async () => {
    looks++;
    return script.answer;
  };
  let n = 0;
  const worker = createWorker({ platform: p.platform, services: s.services, newId: () => `o${++n}`, now: () => new Date("2026-01-15T00:00:00Z") });
  const replies: string[] = [];
  const send = async (type: string, payload: unknown) => {
    const reply = await worker.handleMessage({ type, payload }, OWN_PAGE);
    replies.push(JSON.stringify(reply));
    return reply;
  };
  const value = async <T = OrderView>(type: string, payload: unknown): Promise<T> => {
    const reply = await send(type, payload);
    if (!reply.ok) throw new Error(`${type}: ${JSON.stringify(reply.error)}`);
    return reply.value as T;
  };
  const refused = async (type: string, payload: unknown): Promise<ErrorData> => {
    const reply = await send(type, payload);
    if (reply.ok) throw new Error(`${type} was not refused: ${JSON.stringify(reply.value)}`);
    return reply.error;
  };
  /** Everything the worker let out or kept outside the vault: replies, chrome.storage, notifications. */
  const outside = () => [...replies, JSON.stringify([...p.store.entries()]), JSON.stringify(p.notifications)].join("\n");
  return { ...p, ...c, ...s, worker, send, value, refused, outside, factory, script, looks: () => looks };
}

type Setup = ReturnType<typeof setup>;

/** A CreateCertificateRequest order followed to issuance with `issued` as the cloud's answer. */
async function cloudKeyOrder(t: Setup, domain: string, issued: CertificateState): Promise<OrderView> {
  t.script.answer = validation;
  const placed = await t.value("orders.certificateRequest", { ...contact, domain });
  expect(placed).toMatchObject({ operation: "CreateCertificateRequest", state: "validation" });
  t.script.answer = issued;
  await t.worker.handleAlarm(FOLLOW_ALARM);
  return t.value("orders.get", { id: placed.id });
}

describe("a key or certificate from an endpoint that is not Alibaba Cloud", () => {
  it("is not imported without the user's confirmation (loopback endpoint): the order asks, the vault stays empty", async () => {
    const t = setup();
    await t.value<Settings>("settings.set", { endpoint: LOOPBACK });
    const issued = await issuedFor(rsa);
    const order = await cloudKeyOrder(t, "www.example.com", issued);
    expect(order).toMatchObject({ state: "issued", certificatePem: issued.certificate, importPending: { endpoint: LOOPBACK, what: "key" } });
    expect(order.keyId).toBeUndefined();
    expect(order.error).toBeUndefined();
    expect(await t.value<KeyView[]>("keys.list", {})).toEqual([]);
    // The key the endpoint returned is nowhere: not in the vault's database, storage, replies or notifications.
    const body = keyBody(rsa.privateKeyPem);
    expect(t.outside()).not.toContain(body.slice(0, 64));
    expect(await dumpDatabase(t.factory)).not.toContain(Buffer.from(body, "base64").toString("hex").slice(0, 128));
    // A refresh (or the follow alarm) asks again rather than importing.
    const again = await t.value("orders.refresh", { id: order.id });
    expect(again).toMatchObject({ state: "issued", importPending: { endpoint: LOOPBACK, what: "key" } });
    await t.worker.handleAlarm(FOLLOW_ALARM);
    expect(await t.value<KeyView[]>("keys.list", {})).toEqual([]);
  });

  it("is imported after confirmation: the endpoint is asked again and the key goes into the vault only", async () => {
    const t = setup();
    await t.value<Settings>("settings.set", { endpoint: LOOPBACK });
    const order = await cloudKeyOrder(t, "www.example.com", await issuedFor(rsa));
    const looksBefore = t.looks();
    const confirmed = await t.value("orders.confirmImport", { id: order.id });
    expect(t.looks()).toBe(looksBefore + 1); // fetched again: the key was never kept on the order
    expect(confirmed.importPending).toBeUndefined();
    expect(confirmed.error).toBeUndefined();
    expect(confirmed).toMatchObject({ state: "issued" });
    const keys = await t.value<KeyView[]>("keys.list", {});
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ id: confirmed.keyId, origin: "cloud", exportable: true, state: "issued", orderIds: [order.id] });
    expect(t.outside()).not.toContain(keyBody(rsa.privateKeyPem).slice(0, 64));
    // Nothing is pending any more.
    expect(await t.refused("orders.confirmImport", { id: order.id })).toMatchObject({ code: "orders.import.not_pending", field: "id" });
  });

  it("Don't import records the answer and imports nothing; Import afterwards still works", async () => {
    const t = setup();
    await t.value<Settings>("settings.set", { endpoint: LOOPBACK });
    const order = await cloudKeyOrder(t, "www.example.com", await issuedFor(rsa));
    const declined = await t.value("orders.declineImport", { id: order.id });
    expect(declined).toMatchObject({ state: "issued", importPending: { endpoint: LOOPBACK, what: "key", declined: true } });
    expect(await t.value<KeyView[]>("keys.list", {})).toEqual([]);
    const imported = await t.value("orders.confirmImport", { id: order.id });
    expect(imported.keyId).toBeTruthy();
    expect(await t.value<KeyView[]>("keys.list", {})).toHaveLength(1);
  });

  it("a confirmation is for the endpoint named: after the endpoint changed, the order asks again naming the new one", async () => {
    const t = setup();
    await t.value<Settings>("settings.set", { endpoint: LOOPBACK });
    const order = await cloudKeyOrder(t, "www.example.com", await issuedFor(rsa));
    await t.value<Settings>("settings.set", { endpoint: "http://localhost:9999/ignored/path" });
    const asked = await t.value("orders.confirmImport", { id: order.id });
    expect(asked).toMatchObject({ state: "issued", importPending: { endpoint: "http://localhost:9999", what: "key" } });
    expect(asked.keyId).toBeUndefined();
    expect(await t.value<KeyView[]>("keys.list", {})).toEqual([]);
  });

  it("a DV order's certificate from a loopback endpoint is paired with its key only after Import", async () => {
    const t = setup({ fakeKeys: true });
    await t.value<Settings>("settings.set", { endpoint: LOOPBACK });
    const { leafPem, chainPem } = await ca.issue(ec.spkiDer, { cn: "www.example.com" });
    const csrPem = await makeCsr(ec, "CN=www.example.com", ["www.example.com"]);
    const placed = await t.value("orders.submitCsr", { ...contact, csrPem });
    t.script.answer = { type: "certificate", certificate: leafPem + chainPem };
    await t.worker.handleAlarm(FOLLOW_ALARM);
    const order = await t.value("orders.get", { id: placed.id });
    expect(order).toMatchObject({ state: "issued", certificatePem: leafPem + chainPem, importPending: { endpoint: LOOPBACK, what: "certificate" } });
    expect(t.imported).toEqual([]);
    const paired = await t.value("orders.confirmImport", { id: order.id });
    expect(paired).toMatchObject({ state: "issued", keyId: "k1" });
    expect(paired.importPending).toBeUndefined();
    expect(t.imported).toEqual([leafPem + chainPem]);
  });
});

describe("an Alibaba Cloud endpoint", () => {
  it.each([["no override", ""], ["an *.aliyuncs.com override", "https://cas.aliyuncs.com"]])("imports at once (%s)", async (_what, endpoint) => {
    const t = setup();
    if (endpoint) await t.value<Settings>("settings.set", { endpoint });
    const order = await cloudKeyOrder(t, "www.example.com", await issuedFor(rsa));
    expect(order.importPending).toBeUndefined();
    expect(order.error).toBeUndefined();
    expect(order.keyId).toBeTruthy();
    expect((await t.value<KeyView[]>("keys.list", {})).map((k) => k.id)).toEqual([order.keyId]);
  });
});

describe("the 'import without asking' setting", () => {
  it("is off by default, honoured for its own endpoint, and turned off when the endpoint changes", async () => {
    const t = setup();
    expect((await t.value<Settings>("settings.get", {})).autoImportEndpoint).toBe("");
    const saved = await t.value<Settings>("settings.set", { endpoint: `${LOOPBACK}/`, autoImportEndpoint: `${LOOPBACK}/` });
    expect(saved).toMatchObject({ endpoint: LOOPBACK, autoImportEndpoint: LOOPBACK });

    const first = await cloudKeyOrder(t, "a.example.com", await issuedFor(rsa));
    expect(first.importPending).toBeUndefined();
    expect(first.keyId).toBeTruthy();

    // Another setting saved alone keeps it; a new endpoint turns it off, and coming back does not turn it on.
    expect(await t.value<Settings>("settings.set", { followOrders: false })).toMatchObject({ autoImportEndpoint: LOOPBACK });
    expect(await t.value<Settings>("settings.set", { followOrders: true, endpoint: "http://localhost:9999" })).toMatchObject({ autoImportEndpoint: "" });
    expect(await t.value<Settings>("settings.set", { endpoint: LOOPBACK })).toMatchObject({ endpoint: LOOPBACK, autoImportEndpoint: "" });

    const second = await cloudKeyOrder(t, "b.example.com", await issuedFor(ec));
    expect(second).toMatchObject({ state: "issued", importPending: { endpoint: LOOPBACK, what: "key" } });
    expect(second.keyId).toBeUndefined();
    expect((await t.value<KeyView[]>("keys.list", {})).map((k) => k.id)).toEqual([first.keyId]);
  });

  it("names the endpoint saved with it: another origin is refused with nothing stored", async () => {
    const t = setup();
    await t.value<Settings>("settings.set", { endpoint: LOOPBACK });
    const error = await t.refused("settings.set", { autoImportEndpoint: "http://localhost:9999" });
    expect(error).toMatchObject({ code: "settings.auto_import.other_endpoint", field: "autoImportEndpoint", params: { endpoint: LOOPBACK, given: "http://localhost:9999" } });
    expect(error.message).toContain("http://localhost:9999");
    expect(await t.refused("settings.set", { endpoint: "", autoImportEndpoint: LOOPBACK })).toMatchObject({ code: "settings.auto_import.other_endpoint" });
    expect(await t.value<Settings>("settings.get", {})).toMatchObject({ endpoint: LOOPBACK, autoImportEndpoint: "" });
  });

  it("an edited store naming another endpoint is not honoured", async () => {
    const t = setup();
    await t.value<Settings>("settings.set", { endpoint: LOOPBACK });
    t.store.set("settings", { ...(t.store.get("settings") as Settings), autoImportEndpoint: "http://localhost:9999" });
    const order = await cloudKeyOrder(t, "www.example.com", await issuedFor(rsa));
    expect(order.importPending).toMatchObject({ endpoint: LOOPBACK });
    expect(await t.value<KeyView[]>("keys.list", {})).toEqual([]);
  });
});
