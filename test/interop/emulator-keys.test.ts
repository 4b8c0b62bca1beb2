// Server-side keys (issue 5 "Done when"): CreateCertificateRequest (PrivateKey returned once issued),
// cas CreateCsr (RSA 2048/3072/4096, ECC 256, SM2 256) and KMS CreateCertificate (RSA_2048, EC_P256,
// EC_SM2) answer with the seed pages' fields, and their CSRs pass `openssl req -verify`.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AsnConvert } from "@peculiar/asn1-schema";
import { Certificate } from "@peculiar/asn1-x509";
import { sm2 } from "sm-crypto-v2";
import { startEmulator, type RunningEmulator } from "../../emulator/index";
import { casClient, casModule, dnsClient, dnsModule, openssl, orderIdFor, popClient, rawV1, scratch, write } from "./emulator-helpers";

let emu: RunningEmulator;
let dir: string;

beforeAll(async () => {
  emu = await startEmulator({ port: 0 });
  dir = scratch();
});
afterAll(async () => {
  await emu?.close();
});

/** `openssl req -verify` (SM2 with the default distinguishing id) and the CSR's text. */
function verifyCsr(pem: string, name: string, sm2 = false): string {
  const path = write(dir, `${name}.csr`, pem);
  const opts = sm2 ? ["-vfyopt", "distid:1234567812345678"] : [];
  const out = openssl(["req", "-in", path, "-verify", "-noout", "-text", ...opts]);
  return out;
}

function publicKeyOf(pem: string, kind: "x509" | "req" | "pkey", name: string): string {
  const path = write(dir, `${name}.${kind}.pem`, pem);
  if (kind === "pkey") return openssl(["pkey", "-in", path, "-pubout"]);
  return openssl([kind, "-in", path, "-noout", "-pubkey"]);
}

describe("cas CreateCertificateRequest (the cloud makes the key)", () => {
  it("returns OrderId, and once issued the certificate with the PrivateKey that matches it", async () => {
    const cas = casClient(emu);
    const domain = "server-key.example.com";
    const created = await cas.createCertificateRequest(
      new casModule.CreateCertificateRequestRequest({ domain, username: "Tom", phone: "13900000000", email: "tom@example.com", validateType: "DNS" }),
    );
    expect(typeof created.body?.orderId).toBe("number");
    const orderId = orderIdFor(emu, domain) as unknown as number;
    const pending = await cas.describeCertificateState(new casModule.DescribeCertificateStateRequest({ orderId }));
    expect(pending.body?.privateKey ?? "").toBe("");
    await dnsClient(emu).addDomainRecord(
      new dnsModule.AddDomainRecordRequest({ domainName: "example.com", RR: pending.body!.recordDomain, type: "TXT", value: pending.body!.recordValue }),
    );
    const issued = await cas.describeCertificateState(new casModule.DescribeCertificateStateRequest({ orderId }));
    expect(issued.body?.type).toBe("certificate");
    expect(issued.body?.privateKey).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    const leaf = issued.body!.certificate!.split(/(?<=-----END CERTIFICATE-----\n?)/)[0]!;
    expect(publicKeyOf(leaf, "x509", "server-key")).toBe(publicKeyOf(issued.body!.privateKey!, "pkey", "server-key"));
  });
});

describe("cas CreateCsr, ListCsr, GetCsrDetail, DeleteCsr", () => {
  const cases = [
    { Algorithm: "RSA", KeySize: "2048", bits: "2048 bit" },
    { Algorithm: "RSA", KeySize: "3072", bits: "3072 bit" },
    { Algorithm: "RSA", KeySize: "4096", bits: "4096 bit" },
    { Algorithm: "ECC", KeySize: "256", bits: "prime256v1" },
    { Algorithm: "SM2", KeySize: "256", bits: "SM2" },
  ];
  for (const c of cases) {
    it(`${c.Algorithm} ${c.KeySize}: Csr and CsrId; the CSR verifies and GetCsrDetail's key is its key`, async () => {
      const cn = `${c.Algorithm.toLowerCase()}${c.KeySize}.example.com`;
      const res = await rawV1(emu, "2020-04-07", "CreateCsr", {
        ...c, CommonName: cn, Sans: `alt.${cn}`, CountryCode: "CN", Province: "Zhejiang", Locality: "Hangzhou", CorpName: "Keysmith", Department: "QA", Name: `csr-${c.Algorithm}-${c.KeySize}`,
      }, { method: "POST" });
      expect(res.status).toBe(200);
      expect(res.text).toMatch(/"CsrId":\d+[,}]/);
      const csr = String(res.body.Csr);
      const text = verifyCsr(csr, cn, c.Algorithm === "SM2");
      expect(text).toContain(c.bits);
      expect(text).toMatch(/Subject: .*CN\s?=\s?/);
      expect(text).toContain(`DNS:alt.${cn}`);
      if (c.Algorithm === "SM2") expect(text).toContain("SM2-with-SM3");
      const csrId = /"CsrId":(\d+)/.exec(res.text)![1]!;
      const detail = await rawV1(emu, "2020-04-07", "GetCsrDetail", { CsrId: csrId });
      expect(detail.body.Csr).toBe(csr);
      expect(publicKeyOf(String(detail.body.PrivateKey), "pkey", cn)).toBe(publicKeyOf(csr, "req", cn));
    });
  }

  it("lists, deletes, and refuses a KeySize its Algorithm does not have", async () => {
    const list = await rawV1(emu, "2020-04-07", "ListCsr", { Algorithm: "SM2" });
    expect(list.body.TotalCount).toBe(1);
    const csrId = /"CsrId":(\d+)/.exec(list.text)![1]!;
    expect((await rawV1(emu, "2020-04-07", "DeleteCsr", { CsrId: csrId })).status).toBe(200);
    expect((await rawV1(emu, "2020-04-07", "GetCsrDetail", { CsrId: csrId })).body.Code).toBe("NotFoundCsr");
    const bad = await rawV1(emu, "2020-04-07", "CreateCsr", { Algorithm: "ECC", KeySize: "2048", CommonName: "x.example.com", CountryCode: "CN", Province: "Z", Locality: "H" });
    expect(bad.body.Code).toBe("InvalidParameter");
  });
});

interface KmsAnswer {
  CertificateId?: string;
  Arn?: string;
  Csr?: string;
  [k: string]: unknown;
}

describe("KMS CreateCertificate and the certificate calls (pop-core, V1)", () => {
  const kms = () => popClient(emu, "2016-01-20");
  const subject = "CN=kms.example.com,OU=kms,O=Keysmith,C=CN";

  for (const keySpec of ["RSA_2048", "EC_P256", "EC_SM2"] as const) {
    it(`${keySpec}: CertificateId, Arn, Csr; the CSR verifies with the subject and SANs asked for`, async () => {
      const res = await kms().request<KmsAnswer>(
        "CreateCertificate",
        { KeySpec: keySpec, Subject: subject, SubjectAlternativeNames: JSON.stringify(["kms.example.com", "kms2.example.com"]), ExportablePrivateKey: "true" },
        { method: "POST" },
      );
      expect(res.CertificateId).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.Arn).toBe(`acs:kms:cn-hangzhou:1234567890123456:certificate/${res.CertificateId}`);
      const text = verifyCsr(res.Csr!, `kms-${keySpec}`, keySpec === "EC_SM2");
      expect(text).toContain("DNS:kms2.example.com");
      expect(text).toMatch(/OU\s?=\s?kms/);
      const described = await kms().request<KmsAnswer>("DescribeCertificate", { CertificateId: res.CertificateId });
      expect(described).toMatchObject({ KeySpec: keySpec, Status: "PENDING", ExportablePrivateKey: true });
    });
  }

  it("UploadCertificate takes a certificate of the key and refuses one of another key; Export honours ExportablePrivateKey", async () => {
    const created = await kms().request<KmsAnswer>("CreateCertificate", { KeySpec: "EC_P256", Subject: subject, ExportablePrivateKey: "false" });
    const csrPath = write(dir, "kms-upload.csr", created.Csr!);
    const caKey = `${dir}/kms-ca.key`;
    const caCrt = `${dir}/kms-ca.crt`;
    openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", caKey, "-subj", "/CN=Test CA", "-days", "2", "-out", caCrt]);
    const leaf = openssl(["x509", "-req", "-in", csrPath, "-CA", caCrt, "-CAkey", caKey, "-CAcreateserial", "-days", "1"]);
    const chain = openssl(["x509", "-in", caCrt]);

    const foreign = await kms().request("UploadCertificate", { CertificateId: created.CertificateId, Certificate: chain }).catch((e: { code: string }) => e);
    expect((foreign as { code: string }).code).toBe("InvalidParameter");

    await kms().request("UploadCertificate", { CertificateId: created.CertificateId, Certificate: leaf, CertificateChain: chain });
    const got = await kms().request<KmsAnswer>("GetCertificate", { CertificateId: created.CertificateId });
    expect(got.Certificate).toBe(leaf);
    expect(got.CertificateChain).toBe(chain);
    expect((await kms().request<KmsAnswer>("DescribeCertificate", { CertificateId: created.CertificateId })).Status).toBe("ACTIVE");

    const refused = await kms().request("ExportCertificate", { CertificateId: created.CertificateId }).catch((e: { code: string }) => e);
    expect((refused as { code: string }).code).toBe("Forbidden.KeyNotExportable");
    const exportable = await kms().request<KmsAnswer>("CreateCertificate", { KeySpec: "RSA_2048", Subject: subject });
    const exported = await kms().request<KmsAnswer>("ExportCertificate", { CertificateId: exportable.CertificateId });
    expect(publicKeyOf(String(exported.PrivateKey), "pkey", "kms-export")).toBe(publicKeyOf(exportable.Csr!, "req", "kms-export"));
  });

  it("lists and deletes", async () => {
    const list = await kms().request<{ CertificateSummaryList: { CertificateId: string }[]; TotalSize: number }>("ListCertificates", { PageSize: 50 });
    expect(list.TotalSize).toBeGreaterThanOrEqual(5);
    const id = list.CertificateSummaryList[0]!.CertificateId;
    await kms().request("DeleteCertificate", { CertificateId: id });
    const gone = await kms().request("GetCertificate", { CertificateId: id }).catch((e: { code: string }) => e);
    expect((gone as { code: string }).code).toBe("Forbidden.ResourceNotFound");
  });
});

/** SM2-with-SM3 over the TBS with the GM/T 0009 default id, checked with sm-crypto-v2 directly. */
function sm2Signed(certPem: string, issuerPem: string): boolean {
  const der = (pem: string) => Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ""), "base64");
  const cert = AsnConvert.parse(der(certPem), Certificate);
  const issuer = AsnConvert.parse(der(issuerPem), Certificate);
  const tbs = new Uint8Array(AsnConvert.serialize(cert.tbsCertificate));
  const point = Buffer.from(issuer.tbsCertificate.subjectPublicKeyInfo.subjectPublicKey).toString("hex");
  const signature = Buffer.from(cert.signatureValue).toString("hex");
  return sm2.doVerifySignature(tbs, signature, point, { hash: true, der: true, userId: "1234567812345678" });
}

describe("the emulator CA signs KMS CSRs (control: signCsr) for UploadCertificate", () => {
  it("EC_P256: openssl verifies the leaf against the chain; UploadCertificate accepts it", async () => {
    const kms = popClient(emu, "2016-01-20");
    const created = await kms.request<KmsAnswer>("CreateCertificate", { KeySpec: "EC_P256", Subject: "CN=ec.kms.example.com,OU=kms,O=Keysmith,C=CN" });
    const signed = await emu.control.signCsr(created.Csr!);
    const leaf = write(dir, "kms-ec.crt", signed.certificate);
    const chain = write(dir, "kms-ec.chain", signed.chain);
    const root = write(dir, "kms-ec.root", emu.control.caRoots().ec);
    expect(openssl(["verify", "-CAfile", root, "-untrusted", chain, leaf]).trim()).toBe(`${leaf}: OK`);
    await kms.request("UploadCertificate", { CertificateId: created.CertificateId, Certificate: signed.certificate, CertificateChain: signed.chain });
  });

  it("EC_SM2: the SM2 chain (root → intermediate → leaf) is SM2-with-SM3 with the default id", async () => {
    // OpenSSL 3.0 checks SM2 *certificate* signatures with an empty id (openssl verify has no distid option),
    // so the GM/T 0009 chain is checked with sm-crypto-v2 here; `openssl x509 -text` still names the algorithm.
    const kms = popClient(emu, "2016-01-20");
    const created = await kms.request<KmsAnswer>("CreateCertificate", { KeySpec: "EC_SM2", Subject: "CN=sm2.kms.example.com,OU=kms,O=Keysmith,C=CN" });
    const res = await fetch(`${emu.url}/__emulator/sign`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ csr: created.Csr }) });
    const signed = (await res.json()) as { certificate: string; chain: string };
    const root = emu.control.caRoots().sm2;
    expect(sm2Signed(signed.certificate, signed.chain)).toBe(true);
    expect(sm2Signed(signed.chain, root)).toBe(true);
    expect(sm2Signed(root, root)).toBe(true);
    expect(sm2Signed(signed.certificate, root)).toBe(false);
    expect(openssl(["x509", "-noout", "-text"], signed.certificate)).toContain("SM2-with-SM3");
    expect(publicKeyOf(signed.certificate, "x509", "kms-sm2")).toBe(publicKeyOf(created.Csr!, "req", "kms-sm2"));
    await kms.request("UploadCertificate", { CertificateId: created.CertificateId, Certificate: signed.certificate, CertificateChain: signed.chain });
  });
});
