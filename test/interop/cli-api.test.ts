// The issue-4 acceptance run: every seed and lifecycle operation from the CLI against the emulator
// (emulator/, which verifies both signatures itself), in V1 and in V3. The CLI runs in-process through
// main() with its output captured; the emulator is the counterpart, started here on a free port.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../support/run-cli";
import { startEmulator, type RunningEmulator } from "../../emulator/index";

let emu: RunningEmulator;
const dir = mkdtempSync(join(tmpdir(), "keysmith-cli-emu-"));
const openssl = (...args: string[]) => execFileSync("openssl", args, { stdio: ["ignore", "pipe", "ignore"] });

beforeAll(async () => {
  emu = await startEmulator({ port: 0 });
  emu.control.addZone("example.com");
  openssl("req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", join(dir, "rsa.key"), "-subj", "/CN=www.example.com", "-out", join(dir, "rsa.csr"));
  openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:SM2", "-out", join(dir, "sm2.key"));
  openssl("req", "-new", "-key", join(dir, "sm2.key"), "-subj", "/CN=sm2.example.com", "-sm3", "-sigopt", "distid:1234567812345678", "-out", join(dir, "sm2.csr"));
  openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", join(dir, "ca.key"), "-subj", "/CN=Test CA", "-days", "2", "-out", join(dir, "ca.pem"));
});
afterAll(async () => {
  await emu?.close();
});

const run = (argv: string[], env: Record<string, string> = {}) =>
  runCli(argv, { ALIBABA_CLOUD_ACCESS_KEY_ID: emu.accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: emu.accessKeySecret, KEYSMITH_LANG: "en", ...env });

const contact = ["--username", "Tom (QA)*", "--email", "a+b@example.com", "--phone", "13900000000"];

describe.each(["v1", "v3"] as const)("CLI against the emulator, signature %s", (version) => {
  const api = async (...argv: string[]) => {
    const r = await run([...argv, "--endpoint", emu.url, "--signature-version", version, "--json"]);
    expect(r.err, `${argv.join(" ")}`).toBe("");
    expect(r.code).toBe(0);
    return JSON.parse(r.out) as Record<string, unknown>;
  };

  it("package status (DescribePackageState)", async () => {
    const r = await api("package", "status", "--product-code", "digicert-free-1-free");
    expect(Number(r.TotalCount)).toBeGreaterThan(0);
  });

  it("DV order with a CSR: create, status, list, DNS record add/list/delete, cancel, delete", async () => {
    const created = await api("order", "create", "--csr", join(dir, "rsa.csr"), ...contact, "--validate-type", "DNS");
    const orderId = created.OrderId as string;
    expect(orderId).toMatch(/^\d{17}$/);
    const state = await api("order", "status", orderId);
    expect(state.Type).toBe("domain_verify");
    expect(state.RecordValue).toBeTruthy();
    const list = await api("order", "list", "--keyword", "www.example.com");
    expect(JSON.stringify(list.CertificateOrderList)).toContain(`"${orderId}"`);

    const added = await api("dns", "add", "--domain-name", "example.com", "--rr", String(state.RecordDomain).replace(/\.example\.com$/, ""), "--type", String(state.RecordType ?? "TXT"), "--value", String(state.RecordValue));
    const recordId = String(added.RecordId);
    const records = await api("dns", "list", "--domain-name", "example.com");
    expect(JSON.stringify(records)).toContain(recordId);
    await api("dns", "delete", recordId);

    await api("order", "cancel", orderId);
    await api("order", "delete", orderId);
  });

  it("DV order for a domain (CreateCertificateRequest) and from a package (CreateCertificateForPackageRequest)", async () => {
    const byDomain = await api("order", "create", "--domain", "api.example.com", ...contact, "--validate-type", "FILE");
    expect(byDomain.OrderId).toMatch(/^\d{17}$/);
    const state = await api("order", "status", byDomain.OrderId as string);
    expect(state.Type).toBe("domain_verify");
    const forPackage = await api("order", "create-for-package", "--csr", join(dir, "rsa.csr"), "--validate-type", "DNS", "--product-code", "digicert-free-1-free");
    expect(forPackage.OrderId).toMatch(/^\d{17}$/);
    // The CSR now has an open order: a second is refused naming it, unless asked for on purpose.
    const again = await run(["order", "create", "--csr", join(dir, "rsa.csr"), ...contact, "--validate-type", "DNS", "--endpoint", emu.url, "--signature-version", version]);
    expect(again.code).toBe(2);
    expect(again.err).toContain(String(forPackage.OrderId));
    const anyway = await api("order", "create", "--csr", join(dir, "rsa.csr"), ...contact, "--validate-type", "DNS", "--allow-duplicate");
    expect(anyway.OrderId).not.toBe(forPackage.OrderId);
    for (const id of [forPackage.OrderId, anyway.OrderId, byDomain.OrderId] as string[]) await api("order", "cancel", id);
  });

  it("cas CreateCsr, csr get/list/delete", async () => {
    const made = await api("cas", "create-csr", "--algorithm", "ECC", "--key-size", "256", "--common-name", "www.example.com", "--sans", "a.example.com,b.example.com", "--country-code", "CN", "--province", "浙江", "--locality", "杭州", "--name", `csr_${version}`);
    expect(String(made.Csr)).toContain("BEGIN CERTIFICATE REQUEST");
    const csrId = String(made.CsrId);
    expect(JSON.stringify(await api("cas", "csr", "list"))).toContain(csrId);
    const detail = await api("cas", "csr", "get", csrId, "--include-private-key");
    expect(String(detail.Csr)).toContain("BEGIN CERTIFICATE REQUEST");
    expect(String(detail.PrivateKey)).toContain("PRIVATE KEY-----");
    // Without --include-private-key neither form prints the service-made key: --json leaves the field out
    // and names it on stderr, the human form shows a notice in its place.
    const json = await run(["cas", "csr", "get", csrId, "--endpoint", emu.url, "--signature-version", version, "--json"]);
    expect(json.code).toBe(0);
    const withheld = JSON.parse(json.out) as Record<string, unknown>;
    expect(String(withheld.Csr)).toContain("BEGIN CERTIFICATE REQUEST");
    expect(withheld).not.toHaveProperty("PrivateKey");
    expect(json.out).not.toContain("PRIVATE KEY-----");
    expect(json.err).toBe("keysmith: PrivateKey withheld from the output (a private key); --include-private-key prints it.\n");
    const human = await run(["cas", "csr", "get", csrId, "--endpoint", emu.url, "--signature-version", version]);
    expect(human.code).toBe(0);
    expect(human.out).toContain("PrivateKey: (a private key; printed only with --include-private-key)");
    expect(human.out).not.toContain("PRIVATE KEY-----");
    const humanIncluded = await run(["cas", "csr", "get", csrId, "--endpoint", emu.url, "--signature-version", version, "--include-private-key"]);
    expect(humanIncluded.out).toContain("PRIVATE KEY-----");
    await api("cas", "csr", "delete", csrId);
  });

  it("KMS CreateCertificate, upload the issued certificate, get/describe/list/delete", async () => {
    const made = await api("kms", "create-certificate", "--key-spec", "EC_P256", "--subject", "CN=app.example.com,OU=ops,O=Example,C=CN", "--san", "app.example.com", "--exportable-private-key", "false");
    const id = String(made.CertificateId);
    writeFileSync(join(dir, `kms-${version}.csr`), String(made.Csr));
    openssl("x509", "-req", "-in", join(dir, `kms-${version}.csr`), "-CA", join(dir, "ca.pem"), "-CAkey", join(dir, "ca.key"), "-CAcreateserial", "-days", "1", "-out", join(dir, `kms-${version}.pem`));
    await api("kms", "upload", "--certificate-id", id, "--certificate", join(dir, `kms-${version}.pem`), "--certificate-chain", join(dir, "ca.pem"));
    expect(String((await api("kms", "get", id)).Certificate)).toContain("BEGIN CERTIFICATE");
    expect((await api("kms", "describe", id)).CertificateId).toBe(id);
    expect(JSON.stringify(await api("kms", "list"))).toContain(id);
    await api("kms", "delete", id);
  });

  it("an SM2 CSR for CreateCertificateWithCsrRequest is refused locally, naming the field and the rule", async () => {
    const r = await run(["order", "create", "--csr", join(dir, "sm2.csr"), ...contact, "--validate-type", "DNS", "--endpoint", emu.url, "--signature-version", version]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/Csr.*SM2/);
  });

  it("a wrong secret is refused by the emulator as SignatureDoesNotMatch", async () => {
    const r = await run(["order", "list", "--endpoint", emu.url, "--signature-version", version], { ALIBABA_CLOUD_ACCESS_KEY_SECRET: "not-the-secret" });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/SignatureDoesNotMatch/);
    expect(r.err).not.toContain("not-the-secret");
  });
});
