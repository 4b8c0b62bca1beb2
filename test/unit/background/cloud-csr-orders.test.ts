// "orders.orderForCloudCsr": a DV order for the CSR of a KMS CreateCertificate (pending_csr) or cas CreateCsr
// (csr_ready) order, followed like any DV order; once issued, the certificate goes back to KMS through
// UploadCertificate (a failed upload is kept as the parent's error and retried on the next tick) or onto
// the CreateCsr order. The CSRs are real (made by the emulator's key code), so the local SM2 refusal is the
// real check; the cloud is the scripted fake of fakes.ts.
import { beforeAll, describe, expect, it } from "vitest";
import { generateServerKey, makeCsr } from "../../../emulator/keys";
import { ApiError } from "../../../src/core/aliyun/api-error";
import { FOLLOW_ALARM } from "../../../src/background/orders/follower";
import { createWorker } from "../../../src/background/worker";
import type { CertificateState } from "../../../src/background/cloud-port";
import type { OrderView } from "../../../src/messages";
import { OWN_PAGE, fakeCloud, fakePlatform, fakeServices } from "./fakes";

const LEAF = "-----BEGIN CERTIFICATE-----\nTEVBRg==\n-----END CERTIFICATE-----\n";
const CHAIN = "-----BEGIN CERTIFICATE-----\nQ0hBSU4=\n-----END CERTIFICATE-----\n";
const contact = { username: "Li Lei", email: "li@example.com", phone: "13800000000", validateType: "DNS" as const };
const validation: CertificateState = { type: "domain_verify", validateType: "DNS", recordType: "TXT", recordDomain: "_dnsauth", recordValue: "2026abc" };
const issued: CertificateState = { type: "certificate", certificate: LEAF + CHAIN };

let ecCsr: string;
let sm2Csr: string;
beforeAll(async () => {
  ecCsr = await makeCsr(await generateServerKey("EC_P256"), "CN=kms.example.com,OU=Ops,O=Keysmith,C=CN", ["kms.example.com"]);
  sm2Csr = await makeCsr(await generateServerKey("EC_SM2"), "CN=sm2.example.com,OU=Ops,O=Keysmith,C=CN", ["sm2.example.com"]);
});

function setup(states: CertificateState[]) {
  const p = fakePlatform();
  const c = fakeCloud(states);
  const s = fakeServices(c.cloud);
  let n = 0;
  const worker = createWorker({ platform: p.platform, services: s.services, newId: () => `o${++n}`, now: () => new Date("2026-01-15T00:00:00Z") });
  const send = async (type: string, payload: unknown) => worker.handleMessage({ type, payload }, OWN_PAGE);
  const value = async (type: string, payload: unknown): Promise<OrderView> => {
    const reply = await send(type, payload);
    if (!reply.ok) throw new Error(`${type}: ${JSON.stringify(reply.error)}`);
    return reply.value as OrderView;
  };
  const ops = () => c.calls.map((x) => x.op).filter((op) => op !== "DescribeCertificateState");
  return { ...p, ...c, ...s, worker, send, value, ops };
}

async function kmsOrder(t: ReturnType<typeof setup>, csr: string, keySpec: "EC_P256" | "EC_SM2" = "EC_P256"): Promise<OrderView> {
  t.cloud.kmsCreateCertificate = async (p) => (t.calls.push({ op: "KmsCreateCertificate", params: p }), { certificateId: "kms-cert-7", csr });
  return t.value("orders.kmsCreateCertificate", {
    keySpec, subject: { CN: "kms.example.com", OU: "Ops", O: "Keysmith", C: "CN" }, sans: ["kms.example.com"], exportablePrivateKey: false,
  });
}

describe("a DV order for a KMS CSR", () => {
  it("submits the KMS CSR, follows it, uploads the issued leaf and chain to KMS and marks the KMS order issued", async () => {
    const t = setup([validation, validation, issued]);
    const parent = await kmsOrder(t, ecCsr);
    expect(parent).toMatchObject({ state: "pending_csr", cloudId: "kms-cert-7" });

    const child = await t.value("orders.orderForCloudCsr", { ...contact, id: parent.id });
    expect(child).toMatchObject({ operation: "CreateCertificateWithCsrRequest", orderId: "12345678901234567", state: "validation", parentId: parent.id, csrPem: ecCsr });
    expect(child.keyId).toBeUndefined();
    expect(t.calls.find((x) => x.op === "CreateCertificateWithCsrRequest")?.params).toEqual({ csr: ecCsr, ...contact, productCode: undefined });
    expect(await t.value("orders.get", { id: parent.id })).toMatchObject({ state: "pending_csr", childId: child.id });
    expect(t.alarms.has(FOLLOW_ALARM)).toBe(true);

    await t.value("orders.addDnsRecord", { id: child.id });
    await t.worker.handleAlarm(FOLLOW_ALARM);

    expect(t.calls.find((x) => x.op === "KmsUploadCertificate")?.params).toEqual({ certificateId: "kms-cert-7", certificate: LEAF, certificateChain: CHAIN });
    const done = await t.value("orders.get", { id: parent.id });
    expect(done).toMatchObject({ state: "issued", certificatePem: LEAF + CHAIN, childId: child.id });
    expect(done.error).toBeUndefined();
    expect(await t.value("orders.get", { id: child.id })).toMatchObject({ state: "issued", certificatePem: LEAF + CHAIN });
    // The key is in KMS: nothing is paired with a vault key, and no stray error lands on the DV order.
    expect(t.imported).toEqual([]);
    expect((await t.value("orders.get", { id: child.id })).error).toBeUndefined();
    // One "issued" notification, for the KMS order, naming the cas order.
    expect(t.notifications.map((x) => x.id)).toEqual([`order:${child.id}:validation`, `order:${parent.id}:issued`]);
    expect(t.notifications[1]!.message).toContain("12345678901234567");
    expect(t.alarms.has(FOLLOW_ALARM)).toBe(false);

    await t.worker.handleAlarm(FOLLOW_ALARM);
    expect(t.ops().filter((op) => op === "KmsUploadCertificate")).toHaveLength(1);
  });

  it("keeps a refused upload as the KMS order's error, keeps the certificate, and retries on the next alarm", async () => {
    const t = setup([validation, issued]);
    const parent = await kmsOrder(t, ecCsr);
    let refusals = 1;
    t.cloud.kmsUploadCertificate = async (p) => {
      t.calls.push({ op: "KmsUploadCertificate", params: p });
      if (refusals-- > 0) {
        throw new ApiError({ status: 503, apiCode: "ServiceUnavailable", apiMessage: "busy", requestId: "r1", recommend: "", action: "UploadCertificate" });
      }
    };
    const child = await t.value("orders.orderForCloudCsr", { ...contact, id: parent.id });
    await t.worker.handleAlarm(FOLLOW_ALARM);

    const waiting = await t.value("orders.get", { id: parent.id });
    expect(waiting).toMatchObject({ state: "pending_csr", error: { code: "api.remote.unavailable", field: "UploadCertificate" } });
    expect(await t.value("orders.get", { id: child.id })).toMatchObject({ state: "issued", certificatePem: LEAF + CHAIN });
    expect(t.notifications.map((x) => x.id)).toContain(`order:${parent.id}:upload_failed`);
    expect(t.alarms.has(FOLLOW_ALARM)).toBe(true);

    await t.worker.handleAlarm(FOLLOW_ALARM);
    expect(t.ops().filter((op) => op === "KmsUploadCertificate")).toHaveLength(2);
    const done = await t.value("orders.get", { id: parent.id });
    expect(done).toMatchObject({ state: "issued", certificatePem: LEAF + CHAIN });
    expect(done.error).toBeUndefined();
    expect(t.notifications.filter((x) => x.id === `order:${parent.id}:issued`)).toHaveLength(1);
    expect(t.alarms.has(FOLLOW_ALARM)).toBe(false);
  });

  it("orders.refresh on the KMS order retries the upload at once", async () => {
    const t = setup([validation, issued]);
    const parent = await kmsOrder(t, ecCsr);
    let refusals = 1;
    t.cloud.kmsUploadCertificate = async (p) => {
      t.calls.push({ op: "KmsUploadCertificate", params: p });
      if (refusals-- > 0) throw new ApiError({ status: 500, apiCode: "InternalError", apiMessage: "", requestId: "r2", recommend: "", action: "UploadCertificate" });
    };
    await t.value("orders.orderForCloudCsr", { ...contact, id: parent.id });
    await t.worker.handleAlarm(FOLLOW_ALARM);
    expect((await t.value("orders.get", { id: parent.id })).state).toBe("pending_csr");
    expect(await t.value("orders.refresh", { id: parent.id })).toMatchObject({ state: "issued", certificatePem: LEAF + CHAIN });
  });

  it("refuses an SM2 CSR locally, naming the rule, before anything is sent or recorded", async () => {
    const t = setup([validation]);
    const parent = await kmsOrder(t, sm2Csr, "EC_SM2");
    const reply = await t.send("orders.orderForCloudCsr", { ...contact, id: parent.id });
    expect(reply).toMatchObject({ ok: false, error: { code: "api.param.csr_sm2", field: "csrPem", params: { keySpec: "EC_SM2" } } });
    expect(reply.ok === false && reply.error.message).toMatch(/SM2/);
    expect(t.ops()).toEqual(["KmsCreateCertificate"]);
    expect(await t.value("orders.list", {})).toHaveLength(1);
    expect((await t.value("orders.get", { id: parent.id })).childId).toBeUndefined();
  });

  it("one DV order at a time per CSR; a cancelled one may be replaced; only cloud-CSR orders qualify", async () => {
    const t = setup([validation]);
    const parent = await kmsOrder(t, ecCsr);
    const first = await t.value("orders.orderForCloudCsr", { ...contact, id: parent.id });
    expect(await t.send("orders.orderForCloudCsr", { ...contact, id: parent.id })).toMatchObject({
      ok: false, error: { code: "orders.cloud_csr.already_ordered", field: "id", params: { orderId: "12345678901234567", state: "validation" } },
    });
    await t.value("orders.cancel", { id: first.id });
    const second = await t.value("orders.orderForCloudCsr", { ...contact, id: parent.id });
    expect(second.id).not.toBe(first.id);
    expect((await t.value("orders.get", { id: parent.id })).childId).toBe(second.id);

    expect(await t.send("orders.orderForCloudCsr", { ...contact, id: second.id })).toMatchObject({
      ok: false, error: { code: "orders.cloud_csr.not_pending", field: "id", params: { state: "validation" } },
    });
    expect(await t.send("orders.orderForCloudCsr", { ...contact, id: "nope" })).toMatchObject({ ok: false, error: { code: "order.not_found" } });
    expect(await t.send("orders.orderForCloudCsr", { id: parent.id })).toMatchObject({ ok: false, error: { code: "message.payload.invalid", field: "payload.username" } });
  });
});

describe("a DV order for a cas CreateCsr CSR", () => {
  it("copies the issued certificate onto the CreateCsr order, which becomes issued (no KMS call)", async () => {
    const t = setup([validation, issued]);
    t.cloud.createCsr = async (p) => (t.calls.push({ op: "CreateCsr", params: p }), { csrId: "9001", csr: ecCsr });
    const parent = await t.value("orders.casCreateCsr", {
      algorithm: "ECC", keySize: 256, commonName: "kms.example.com", sans: [], countryCode: "CN", province: "Zhejiang", locality: "Hangzhou",
    });
    expect(parent.state).toBe("csr_ready");
    const child = await t.value("orders.orderForCloudCsr", { ...contact, productCode: "symantec-free-1-free", id: parent.id });
    expect(child.parentId).toBe(parent.id);
    await t.worker.handleAlarm(FOLLOW_ALARM);
    expect(await t.value("orders.get", { id: parent.id })).toMatchObject({ state: "issued", certificatePem: LEAF + CHAIN, childId: child.id });
    expect(t.ops()).toEqual(["CreateCsr", "CreateCertificateWithCsrRequest"]);
    expect(t.notifications.map((x) => x.id)).toEqual([`order:${child.id}:validation`, `order:${parent.id}:issued`]);
  });

  it("a DV order whose parent was deleted is notified as an ordinary issued order", async () => {
    const t = setup([validation, issued]);
    t.cloud.createCsr = async (p) => (t.calls.push({ op: "CreateCsr", params: p }), { csrId: "9001", csr: ecCsr });
    const parent = await t.value("orders.casCreateCsr", {
      algorithm: "ECC", keySize: 256, commonName: "kms.example.com", sans: [], countryCode: "CN", province: "Zhejiang", locality: "Hangzhou",
    });
    const child = await t.value("orders.orderForCloudCsr", { ...contact, id: parent.id });
    expect(await t.send("orders.delete", { id: parent.id })).toMatchObject({ ok: true });
    await t.worker.handleAlarm(FOLLOW_ALARM);
    expect(await t.value("orders.get", { id: child.id })).toMatchObject({ state: "issued" });
    expect(t.notifications.map((x) => x.id)).toContain(`order:${child.id}:issued`);
  });
});

describe("the follow orders setting", () => {
  it("off: no follow alarm though an order is open; on again: the alarm is back", async () => {
    const t = setup([validation, validation]);
    const parent = await kmsOrder(t, ecCsr);
    await t.value("orders.orderForCloudCsr", { ...contact, id: parent.id });
    expect(t.alarms.has(FOLLOW_ALARM)).toBe(true);
    const off = await t.send("settings.set", { followOrders: false });
    expect(off.ok).toBe(true);
    expect(t.alarms.has(FOLLOW_ALARM)).toBe(false);
    // A look the user asks for still happens, and leaves the alarm off.
    expect((await t.value("orders.refresh", { id: parent.id })).id).toBe(parent.id);
    expect(t.alarms.has(FOLLOW_ALARM)).toBe(false);
    await t.send("settings.set", { followOrders: true });
    expect(t.alarms.has(FOLLOW_ALARM)).toBe(true);
  });
});

