// The other seed operations through the worker against the emulator: cas CreateCertificateRequest,
// cas CreateCsr, KMS CreateCertificate, the package quota, cancel and delete; invalid parameters refused
// locally naming the field (nothing sent).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import type { Page } from "playwright-core";
import { TEST_GRANTS, launchExtension, openExtensionPage, send, sendRaw, startTestEmulator, type ExtensionSession, type TestEmulator } from "./harness";

let emulator: TestEmulator;
let session: ExtensionSession;
let page: Page;
const contact = { username: "Zhang San", email: "admin@example.com", phone: "13800000000", validateType: "DNS" as const };

beforeAll(async () => {
  emulator = await startTestEmulator({ processDelayMs: 60 * 60_000 });
  session = await launchExtension({ grantHosts: TEST_GRANTS });
  page = await openExtensionPage(session, "options.html");
  await send(page, "settings.set", { endpoint: emulator.url, signatureVersion: "v1" });
  await send(page, "credentials.set", { accessKeyId: emulator.accessKeyId, accessKeySecret: emulator.accessKeySecret });
});
afterAll(async () => {
  await session?.dispose();
  await emulator?.close();
});

const csrSubject = (pem: string) => execFileSync("openssl", ["req", "-noout", "-subject", "-nameopt", "RFC2253"], { input: pem, encoding: "utf8" });

describe("seed operations through the worker", () => {
  it("package quota (DescribePackageState)", async () => {
    const [pkg] = await send(page, "orders.packageState", {});
    expect(pkg!.totalCount).toBeGreaterThan(0);
  });

  it("CreateCertificateRequest: an order with a validation record, then cancelled and deleted", async () => {
    const order = await send(page, "orders.certificateRequest", { ...contact, domain: "api.example.com" });
    expect(order).toMatchObject({ operation: "CreateCertificateRequest", domain: "api.example.com", state: "validation", validation: { type: "DNS" } });
    expect(order.orderId).toMatch(/^\d{17}$/);
    const cancelled = await send(page, "orders.cancel", { id: order.id });
    expect(cancelled.state).toBe("cancelled");
    expect(await send(page, "orders.delete", { id: order.id })).toEqual({ deleted: true });
    expect((await send(page, "orders.list", {})).map((o) => o.id)).not.toContain(order.id);
  });

  it("cas CreateCsr: the cloud's CSR is kept on the order and OpenSSL reads it", async () => {
    const order = await send(page, "orders.casCreateCsr", {
      algorithm: "ECC",
      keySize: 256,
      commonName: "csr.example.com",
      sans: ["www.csr.example.com"],
      countryCode: "CN",
      province: "Zhejiang",
      locality: "Hangzhou",
      corpName: "Keysmith",
    });
    expect(order).toMatchObject({ operation: "CreateCsr", state: "csr_ready", domain: "csr.example.com" });
    expect(csrSubject(order.csrPem!)).toContain("CN=csr.example.com");
  });

  it("KMS CreateCertificate: CertificateId and CSR returned", async () => {
    const order = await send(page, "orders.kmsCreateCertificate", {
      keySpec: "EC_P256",
      subject: { CN: "kms.example.com", O: "Keysmith", OU: "ops", C: "CN" },
      sans: ["kms.example.com"],
      exportablePrivateKey: false,
    });
    expect(order).toMatchObject({ operation: "KmsCreateCertificate", state: "pending_csr", domain: "kms.example.com" });
    expect(order.cloudId).toBeTruthy();
    expect(csrSubject(order.csrPem!)).toContain("CN=kms.example.com");
  });

  it("invalid parameters are refused locally, naming the field", async () => {
    const kms = await sendRaw(page, "orders.kmsCreateCertificate", { keySpec: "EC_P256", subject: { CN: "x.example.com" }, sans: [], exportablePrivateKey: false });
    expect(kms.ok).toBe(false);
    if (!kms.ok) expect(kms.error.field).toBeTruthy();
    const made = await send(page, "csr.create", { spec: "EC_SM2", subject: { CN: "sm2.example.com" }, sans: [], exportable: false });
    const sm2 = await sendRaw(page, "orders.submitCsr", { ...contact, csrPem: made.csrPem });
    expect(sm2.ok).toBe(false);
    if (!sm2.ok) expect(sm2.error.field).toBeTruthy();
  });
});
