// A key KMS holds, certified by cas: KMS CreateCertificate's CSR goes to cas CreateCertificateWithCsrRequest
// as a DV order, the validation record is added through Alidns, and the issued leaf + chain go back with KMS
// UploadCertificate. Driven through the worker's own CloudPort (src/background/cloud.ts) over the signed
// client, so the emulator and the worker's mapping are checked together; OpenSSL compares the keys.
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../../emulator/index";
import { cloudFromClient } from "../../src/background/cloud";
import type { CloudPort } from "../../src/background/cloud-port";
import { dnsRecordPlacement } from "../../src/background/handlers/orders";
import { ApiError } from "../../src/core/aliyun/api-error";
import { createClient, staticCredentials, type AliyunClient } from "../../src/core/aliyun/client";
import { hmacKeysFromSecret } from "../../src/core/aliyun/hmac";

let emulator: RunningEmulator;
let client: AliyunClient;
let cloud: CloudPort;

const openssl = (args: string[], input: string): string => execFileSync("openssl", args, { input, encoding: "utf8" });
const blocks = (pem: string): string[] => pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/g) ?? [];
const contactParams = { Username: "Li Lei", Email: "li@example.com", Phone: "13800000000", ValidateType: "DNS" };

beforeAll(async () => {
  emulator = await startEmulator();
  client = createClient({
    credentials: staticCredentials({ accessKeyId: emulator.accessKeyId, hmac: await hmacKeysFromSecret(emulator.accessKeySecret) }),
    endpoint: emulator.url,
  });
  cloud = cloudFromClient(client);
});
afterAll(async () => emulator.close());

/** KMS CreateCertificate sent directly (the worker sends it through its write-ahead ledger). */
async function kmsCreate(keySpec: string, subject: string, sans: string[] = []): Promise<{ certificateId: string; csr: string }> {
  const r = await client.call("kms", "CreateCertificate", { KeySpec: keySpec, Subject: subject, ExportablePrivateKey: false, ...(sans.length ? { SubjectAlternativeNames: sans } : {}) });
  return { certificateId: String(r.CertificateId), csr: String(r.Csr) };
}

/** A DV order for `csr` carried to `certificate` the way the worker does it (DNS record through Alidns). */
async function issue(csr: string, domain: string): Promise<string> {
  const orderId = String((await client.call("cas", "CreateCertificateWithCsrRequest", { ...contactParams, Csr: csr })).OrderId);
  const pending = await cloud.describeCertificateState(orderId);
  expect(pending).toMatchObject({ type: "domain_verify", validateType: "DNS" });
  const place = dnsRecordPlacement(pending.domain ?? domain, pending.recordDomain!);
  await client.call("alidns", "AddDomainRecord", { DomainName: place.zone, RR: place.rr, Type: pending.recordType ?? "TXT", Value: pending.recordValue! });
  const issued = await cloud.describeCertificateState(orderId);
  expect(issued.type).toBe("certificate");
  return issued.certificate!;
}

describe("KMS key, cas certificate", () => {
  it("UploadCertificate takes the cas-issued leaf and chain for the KMS key; GetCertificate returns them", async () => {
    const made = await kmsCreate("EC_P256", "CN=kms.example.com,OU=Ops,O=Keysmith,C=CN", ["kms.example.com"]);
    const issued = await issue(made.csr, "kms.example.com");
    const [leaf, ...chain] = blocks(issued);
    expect(chain.length).toBeGreaterThan(0);
    expect(openssl(["x509", "-noout", "-pubkey"], leaf!)).toBe(openssl(["req", "-noout", "-pubkey"], made.csr));

    await cloud.kmsUploadCertificate({ certificateId: made.certificateId, certificate: leaf!, certificateChain: chain.join("") });
    const got = await client.call("kms", "GetCertificate", { CertificateId: made.certificateId });
    expect(String(got.Certificate)).toBe(leaf);
    expect(String(got.CertificateChain)).toBe(chain.join(""));
    expect(openssl(["x509", "-noout", "-pubkey"], String(got.Certificate))).toBe(openssl(["req", "-noout", "-pubkey"], made.csr));
    const described = await client.call("kms", "DescribeCertificate", { CertificateId: made.certificateId });
    expect(described.Status).toBe("ACTIVE");
    // The chain verifies up to the emulator's root.
    const dir = mkdtempSync(join(tmpdir(), "keysmith-kms-chain-"));
    writeFileSync(join(dir, "root.pem"), emulator.control.caRoots().ec);
    writeFileSync(join(dir, "chain.pem"), chain.join(""));
    expect(openssl(["verify", "-CAfile", join(dir, "root.pem"), "-untrusted", join(dir, "chain.pem")], leaf!)).toContain("OK");
  });

  it("UploadCertificate still refuses a certificate for another key (a cas order for a different CSR)", async () => {
    const a = await kmsCreate("EC_P256", "CN=a.example.com,OU=Ops,O=Keysmith,C=CN");
    const b = await kmsCreate("RSA_2048", "CN=b.example.com,OU=Ops,O=Keysmith,C=CN");
    const [leafB, ...chainB] = blocks(await issue(b.csr, "b.example.com"));
    const refused = await cloud.kmsUploadCertificate({ certificateId: a.certificateId, certificate: leafB!, certificateChain: chainB.join("") }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({ apiCode: "InvalidParameter", field: "UploadCertificate" });
    const got = await client.call("kms", "GetCertificate", { CertificateId: a.certificateId });
    expect(got.Certificate).toBe("");
  });

  it("an SM2 KMS CSR is refused by the client before anything is sent (CreateCertificateWithCsrRequest takes RSA or ECC)", async () => {
    const made = await kmsCreate("EC_SM2", "CN=sm2.example.com,OU=Ops,O=Keysmith,C=CN");
    const before = emulator.control.snapshot();
    const refused = await client.call("cas", "CreateCertificateWithCsrRequest", { ...contactParams, Csr: made.csr }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: "api.param.csr_sm2", field: "Csr" });
    expect(emulator.control.snapshot()).toEqual(before);
  });
});
