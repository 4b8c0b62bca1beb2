// Every key spec's CSR, made by the core, checked by the real `openssl req -verify` (SM2 with the default
// distinguishing id), with subject and SANs compared to what was asked; and the other way round: CSRs
// OpenSSL makes are read, verified and linted by inspectCsr.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createCsr, generateKeyPair, inspectCsr } from "../../src/core/csr/index";
import { KEY_SPEC_IDS, KEY_SPECS, type KeySpecId } from "../../src/core/key-spec";
import { parseDn } from "../../src/core/subject";
import { SM2_DISTID, openssl, opensslReadCsr, tempDir, writeTemp } from "./openssl-csr-helpers";

const SUBJECT = "CN=www.example.com,O=Example,OU=IT,C=CN";
const SANS = ["www.example.com", "api.example.com"];

const SIGNATURE_NAMES: Record<KeySpecId, string> = {
  RSA_2048: "sha256WithRSAEncryption",
  RSA_3072: "sha256WithRSAEncryption",
  RSA_4096: "sha256WithRSAEncryption",
  EC_P256: "ecdsa-with-SHA256",
  EC_P384: "ecdsa-with-SHA384",
  EC_SM2: "SM2-with-SM3",
};

function typesAndValues(dn: string) {
  return parseDn(dn).map((rdn) => rdn.map(({ type, value }) => ({ type, value })));
}

describe("core CSRs verified by openssl req", () => {
  it.each(KEY_SPEC_IDS)("%s: verifies, with the subject and both SANs asked for", async (spec) => {
    const keyPair = await generateKeyPair(spec, { extractable: false });
    const csr = await createCsr(keyPair, { subject: SUBJECT, sans: SANS, keyUsage: true, extKeyUsage: true });
    const path = writeTemp(`${spec}.csr.pem`, csr.pem);
    const view = opensslReadCsr(path, { sm2: KEY_SPECS[spec].family === "SM2" });
    expect(view.verified).toBe(true);
    expect(typesAndValues(view.subject)).toEqual(typesAndValues(SUBJECT));
    expect(view.sans).toEqual(SANS.map((n) => `DNS:${n}`));
    expect(view.signatureAlgorithm).toBe(SIGNATURE_NAMES[spec]);
    expect(view.text).toMatch(/X509v3 Key Usage: critical/);
    expect(view.text).toMatch(/TLS Web Server Authentication/);
    if (spec === "EC_SM2") {
      // id-ecPublicKey on the SM2 curve, not a bare SM2 key OID.
      const full = openssl(["req", "-in", path, "-noout", "-text"]).stdout;
      expect(full).toMatch(/Public Key Algorithm: id-ecPublicKey/);
      expect(full).toMatch(/ASN1 OID: SM2/);
    }
  });

  it("SM2: the signature is over the default id, so verifying with an empty id fails", async () => {
    const keyPair = await generateKeyPair("EC_SM2", { extractable: false });
    const csr = await createCsr(keyPair, { subject: SUBJECT, sans: SANS });
    const path = writeTemp("sm2.csr.pem", csr.pem);
    expect(opensslReadCsr(path, { sm2: true }).verified).toBe(true);
    const noId = openssl(["req", "-in", path, "-noout", "-verify"]);
    expect(noId.stdout + noId.stderr).not.toMatch(/verify OK/);
  });

  it("Chinese organisation with an escaped comma and an IDN CN: UTF8String and A-labels", async () => {
    const keyPair = await generateKeyPair("EC_P256", { extractable: false });
    const csr = await createCsr(keyPair, {
      subject: "CN=www.例子.测试,O=示例科技\\, 有限公司,OU=IT,L=杭州,ST=浙江,C=CN",
      sans: ["api.例子.测试", "10.1.2.3", "2001:db8::1"],
    });
    const view = opensslReadCsr(writeTemp("idn.csr.pem", csr.pem));
    expect(view.verified).toBe(true);
    expect(view.subjectTyped).toContain("CN=UTF8STRING:www.xn--fsqu00a.xn--0zwm56d");
    expect(view.subjectTyped).toContain("O=UTF8STRING:示例科技\\, 有限公司");
    expect(view.subjectTyped).toContain("L=UTF8STRING:杭州");
    expect(view.subjectTyped).toContain("C=PRINTABLESTRING:CN");
    expect(view.sans).toEqual([
      "DNS:www.xn--fsqu00a.xn--0zwm56d",
      "DNS:api.xn--fsqu00a.xn--0zwm56d",
      "IP Address:10.1.2.3",
      "IP Address:2001:DB8:0:0:0:0:0:1",
    ]);
  });

  it("multi-valued RDNs and escaped specials survive the trip through OpenSSL", async () => {
    const keyPair = await generateKeyPair("EC_P256", { extractable: false });
    const subject = 'CN=www.example.com+serialNumber=42,O=A\\+B \\"C\\" \\<D\\>\\; E,C=US';
    const csr = await createCsr(keyPair, { subject });
    const view = opensslReadCsr(writeTemp("multi.csr.pem", csr.pem));
    expect(view.verified).toBe(true);
    const sortRdn = (dn: string) => typesAndValues(dn).map((rdn) => [...rdn].sort((a, b) => a.type.localeCompare(b.type)));
    expect(sortRdn(view.subject)).toEqual(sortRdn(subject));
  });
});

describe("OpenSSL-made CSRs read by inspectCsr", () => {
  const cases: { spec: KeySpecId; newkey: string[] }[] = [
    { spec: "RSA_2048", newkey: ["-newkey", "rsa:2048", "-sha256"] },
    { spec: "EC_P256", newkey: ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-sha256"] },
    { spec: "EC_P384", newkey: ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384", "-sha384"] },
    { spec: "EC_SM2", newkey: ["-newkey", "sm2", "-sm3", "-sigopt", `distid:${SM2_DISTID}`] },
  ];
  it.each(cases)("$spec: signature verifies, subject/SANs/spec as OpenSSL wrote them", async ({ spec, newkey }) => {
    const dir = tempDir();
    const csrPath = join(dir, "o.csr");
    const r = openssl([
      "req", "-new", ...newkey, "-nodes", "-keyout", join(dir, "o.key"), "-out", csrPath, "-utf8",
      "-subj", "/C=CN/O=Example/CN=www.example.com", "-addext", "subjectAltName=DNS:www.example.com,DNS:api.example.com",
    ]);
    expect(r.status, r.stderr).toBe(0);
    const info = await inspectCsr(readFileSync(csrPath, "utf8"));
    expect(info.signatureValid).toBe(true);
    expect(info.keySpec).toBe(spec);
    expect(info.subjectDn).toBe("CN=www.example.com,O=Example,C=CN");
    expect(info.sans.map((s) => s.value)).toEqual(["www.example.com", "api.example.com"]);
    expect(info.findings.filter((f) => f.severity === "error")).toEqual([]);
    // DER in, same answer.
    const der = openssl(["req", "-in", csrPath, "-outform", "DER"]);
    expect(der.status).toBe(0);
  });

  it("an RSA 1024 CSR: RSA < 2048 is an error finding", async () => {
    const dir = tempDir();
    const csrPath = join(dir, "weak.csr");
    openssl(["req", "-new", "-newkey", "rsa:1024", "-nodes", "-keyout", join(dir, "k"), "-out", csrPath, "-subj", "/CN=www.example.com"]);
    const info = await inspectCsr(readFileSync(csrPath));
    expect(info.signatureValid).toBe(true);
    expect(info.keySpec).toBeUndefined();
    expect(info.findings.some((f) => f.severity === "error" && f.field === "key")).toBe(true);
  });

  it("a tampered CSR does not verify", async () => {
    const keyPair = await generateKeyPair("EC_P256", { extractable: false });
    const csr = await createCsr(keyPair, { subject: SUBJECT, sans: SANS });
    const der = csr.der.slice();
    const at = findBytes(der, new TextEncoder().encode("Example"));
    der[at] = "F".charCodeAt(0);
    const info = await inspectCsr(der);
    expect(info.signatureValid).toBe(false);
    expect(info.findings.some((f) => f.severity === "error" && f.field === "signature")).toBe(true);
    const view = opensslReadCsr(writeTemp("bad.csr.der.pem", derToPem(der)));
    expect(view.verified).toBe(false);
  });
});

function findBytes(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i <= haystack.length - needle.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  throw new Error("not found");
}

function derToPem(der: Uint8Array): string {
  const b64 = Buffer.from(der).toString("base64").replace(/.{64}/g, "$&\n");
  return `-----BEGIN CERTIFICATE REQUEST-----\n${b64}\n-----END CERTIFICATE REQUEST-----\n`;
}
