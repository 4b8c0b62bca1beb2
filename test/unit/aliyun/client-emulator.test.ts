// The client against the emulator (an independent verifier of both signatures) with its fault
// injection: a create carried out whose answer is dropped is adopted by the write-ahead's reconciliation
// as the one order, certificate or record it made (never sent twice), reads ride out Throttling and 5xx, a write is sent once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator, type RunningEmulator } from "../../../emulator/index";
import { createClient, staticCredentials, type AliyunClient, type SignatureVersion } from "../../../src/core/aliyun/client";
import { hmacKeysFromSecret } from "../../../src/core/aliyun/hmac";
import { ApiError } from "../../../src/core/aliyun/api-error";
import { operation } from "../../../src/core/aliyun/operations";
import { createWriteAhead, memoryLedger } from "../../../src/core/aliyun/write-ahead";

let emulator: RunningEmulator;
let csrPem: string;

beforeAll(async () => {
  emulator = await startEmulator();
  emulator.control.addZone("example.com");
  const dir = mkdtempSync(join(tmpdir(), "keysmith-client-emu-"));
  execFileSync("openssl", ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", join(dir, "k.pem")], { stdio: "pipe" });
  execFileSync("openssl", ["req", "-new", "-key", join(dir, "k.pem"), "-subj", "/CN=www.example.com", "-out", join(dir, "r.csr")], { stdio: "pipe" });
  csrPem = readFileSync(join(dir, "r.csr"), "utf8");
});
afterAll(async () => emulator.close());

async function clientFor(version: SignatureVersion): Promise<{ client: AliyunClient; sleeps: number[] }> {
  const sleeps: number[] = [];
  const client = createClient({
    credentials: staticCredentials({ accessKeyId: emulator.accessKeyId, hmac: await hmacKeysFromSecret(emulator.accessKeySecret) }),
    endpoint: emulator.url,
    signatureVersion: version,
    sleep: async (ms) => void sleeps.push(ms),
  });
  return { client, sleeps };
}

const contact = { Username: "Li Lei", Email: "li@example.com", Phone: "13800000000", ValidateType: "DNS" };

describe.each(["v1", "v3"] as const)("client against the emulator, signature %s", (version) => {
  it("a DV order whose answer was dropped is kept unknown, then adopted: the one order made, never re-sent", async () => {
    const { client } = await clientFor(version);
    const wa = createWriteAhead({ client, ledger: memoryLedger(), now: () => new Date(), newId: () => `dv-${version}` });
    const before = await client.call("cas", "ListUserCertificateOrder", { ShowSize: 100 });
    emulator.control.setFaults({ dropAfterCommit: 1, actions: ["CreateCertificateWithCsrRequest"] });
    await expect(wa.place(operation("cas", "CreateCertificateWithCsrRequest"), { Csr: csrPem, ...contact })).rejects.toMatchObject({ code: "api.create.unknown" });
    const [entry] = await wa.list();
    const found = await wa.check(entry!);
    expect(found.outcome).toBe("adopted");
    const orderId = (found as { resultId: string }).resultId;
    expect(orderId).toMatch(/^\d{17}$/);
    const state = await client.call("cas", "DescribeCertificateState", { OrderId: orderId });
    expect(state.Type).toBe("domain_verify");
    const after = await client.call("cas", "ListUserCertificateOrder", { ShowSize: 100 });
    expect(Number(after.TotalCount)).toBe(Number(before.TotalCount) + 1); // made once, never re-sent
  });

  it("a KMS certificate and a DNS record whose answers were dropped are adopted", async () => {
    const { client } = await clientFor(version);
    let n = 0;
    const wa = createWriteAhead({ client, ledger: memoryLedger(), now: () => new Date(), newId: () => `kd-${version}-${++n}` });
    emulator.control.setFaults({ dropAfterCommit: 1, actions: ["CreateCertificate"] });
    const subject = `CN=svc-${version},OU=kms,O=Example,C=CN`;
    await expect(wa.place(operation("kms", "CreateCertificate"), { KeySpec: "EC_P256", Subject: subject })).rejects.toMatchObject({ code: "api.create.unknown" });
    const kms = await wa.check((await wa.list())[0]!);
    expect(kms.outcome).toBe("adopted");
    const got = await client.call("kms", "GetCertificate", { CertificateId: (kms as { resultId: string }).resultId });
    expect(String(got.Csr)).toContain("BEGIN CERTIFICATE REQUEST");
    await wa.settle(kms.entry.id);

    emulator.control.setFaults({ dropAfterCommit: 1, actions: ["AddDomainRecord"] });
    const rr = `_dnsauth-${version}`;
    await expect(wa.place(operation("alidns", "AddDomainRecord"), { DomainName: "example.com", RR: rr, Type: "TXT", Value: "token" })).rejects.toMatchObject({ code: "api.create.unknown" });
    const rec = await wa.check((await wa.list())[0]!);
    expect(rec.outcome).toBe("adopted");
    const listed = await client.call("alidns", "DescribeDomainRecords", { DomainName: "example.com", RRKeyWord: rr });
    const records = (listed.DomainRecords as { Record: { RecordId: string }[] }).Record;
    expect(records.map((r) => r.RecordId)).toEqual([(rec as { resultId: string }).resultId]);
  });

  it("retries reads through Throttling and 503, and sends a write once", async () => {
    const { client, sleeps } = await clientFor(version);
    emulator.control.setFaults({ throttling: 1, serverError: 1, actions: ["DescribePackageState"] });
    const pkg = await client.call("cas", "DescribePackageState", { ProductCode: "digicert-free-1-free" });
    expect(Number(pkg.TotalCount)).toBeGreaterThan(0);
    expect(sleeps).toHaveLength(2);

    emulator.control.setFaults({ serverError: 1, actions: ["CancelOrderRequest"] });
    const err = await client.call("cas", "CancelOrderRequest", { OrderId: "98987582437920968" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(503);
    emulator.control.setFaults({});
  });

  it("is refused with a typed error when the secret is wrong", async () => {
    const client = createClient({
      credentials: staticCredentials({ accessKeyId: emulator.accessKeyId, hmac: await hmacKeysFromSecret("wrong-secret") }),
      endpoint: emulator.url,
      signatureVersion: version,
    });
    await expect(client.call("cas", "DescribePackageState")).rejects.toMatchObject({ apiCode: "SignatureDoesNotMatch", code: "api.remote.signature" });
  });
});
