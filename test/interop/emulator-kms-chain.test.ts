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
const contact = { username: "Li Lei", email: "li@example.com", phone: "13800000000", validateType: "DNS" as const };

beforeAll(async () => {
  emulator = await startEmulator();
  client = createClient({
    credentials: staticCredentials({ accessKeyId: emulator.accessKeyId, hmac: await hmacKeysFromSecret(emulator.accessKeySecret) }),
    endpoint: emulator.url,
  });
  cloud = cloudFromClient(client);
});
afterAll(async () => emulator.close());

/** A DV order for `csr` carried to `certificate` the way the worker does it (DNS record through Alidns). */
async function issue(csr: string, domain: string): Promise<string> {
  const { orderId } = await cloud.createCertificateWithCsrRequest({ ...contact, csr });
  const pending = await cloud.describeCertificateState(orderId);
  expect(pending).toMatchObject({ type: "domain_verify", validateType: "DNS" });
  const place = dnsRecordPlacement(pending.domain ?? domain, pending.recordDomain!);
  await cloud.addDomainRecord({ domainName: place.zone, rr: place.rr, type: pending.recordType ?? "TXT", value: pending.recordValue! });
  const issued = await cloud.describeCertificateState(orderId);
  expect(issued.type).toBe("certificate");
  return issued.certificate!;
}

describe("KMS key, cas certificate", () => {
  it("UploadCertificate takes the cas-issued leaf and chain for the KMS key; GetCertificate returns them", async () => {
    const made = await cloud.kmsCreateCertificate({
      keySpec: "EC_P256", subject: "CN=kms.example.com,OU=Ops,O=Keysmith,C=CN", sans: ["kms.example.com"], exportablePrivateKey: false,
    });
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
    const a = await cloud.kmsCreateCertificate({ keySpec: "EC_P256", subject: "CN=a.example.com,OU=Ops,O=Keysmith,C=CN", sans: [], exportablePrivateKey: false });
    const b = await cloud.kmsCreateCertificate({ keySpec: "RSA_2048", subject: "CN=b.example.com,OU=Ops,O=Keysmith,C=CN", sans: [], exportablePrivateKey: false });
    const [leafB, ...chainB] = blocks(await issue(b.csr, "b.example.com"));
    const refused = await cloud.kmsUploadCertificate({ certificateId: a.certificateId, certificate: leafB!, certificateChain: chainB.join("") }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({ apiCode: "InvalidParameter", field: "UploadCertificate" });
    const got = await client.call("kms", "GetCertificate", { CertificateId: a.certificateId });
    expect(got.Certificate).toBe("");
  });

  it("an SM2 KMS CSR is refused by the client before anything is sent (CreateCertificateWithCsrRequest takes RSA or ECC)", async () => {
    const made = await cloud.kmsCreateCertificate({ keySpec: "EC_SM2", subject: "CN=sm2.example.com,OU=Ops,O=Keysmith,C=CN", sans: [], exportablePrivateKey: false });
    const before = emulator.control.snapshot();
    const refused = await cloud.createCertificateWithCsrRequest({ ...contact, csr: made.csr }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: "api.param.csr_sm2", field: "Csr" });
    expect(emulator.control.snapshot()).toEqual(before);
  });
});
