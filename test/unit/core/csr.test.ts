// The CSR engine without OpenSSL: what createCsr puts in, what inspectCsr reads back, each lint rule on a
// CSR crafted to break it (through @peculiar/x509 directly, since createCsr refuses such input), SM2
// signatures, and the SM2 plug-in signing a certificate the way the emulator will.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import * as x509 from "../../../src/core/csr/x509";
import {
  OID_SM2_WITH_SM3,
  createCsr,
  generateKeyPair,
  inspectCsr,
  lintCsr,
  renderFinding,
  signWithKeyPair,
  sm2Crypto,
  sm2CryptoKeys,
  verifySm2,
  type KeyPair,
} from "../../../src/core/csr/index";
import { KeysmithError } from "../../../src/core/errors";
import { pemEncode } from "../../../src/core/pem";
import { AsnConvert } from "@peculiar/asn1-schema";
import { AttributeTypeAndValue, AttributeValue, Name as AsnName, RelativeDistinguishedName } from "@peculiar/asn1-x509";

const SUBJECT = "CN=www.example.com,O=Example,OU=IT,C=CN";

async function errorOf(p: Promise<unknown>): Promise<KeysmithError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(KeysmithError);
    return e as KeysmithError;
  }
  throw new Error("expected a KeysmithError");
}

/** A CSR with exactly the given subject text and DNS SANs (no validation), signed by an EC P-256 key. */
async function rawCsr(subject: string | x509.Name, dnsNames: string[], keyAlg: RsaHashedKeyGenParams | EcKeyGenParams = { name: "ECDSA", namedCurve: "P-256" }) {
  const keys = (await crypto.subtle.generateKey(keyAlg, false, ["sign", "verify"])) as CryptoKeyPair;
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: subject,
    keys,
    signingAlgorithm: keyAlg.name === "ECDSA" ? { name: "ECDSA", hash: "SHA-256" } : { name: "RSASSA-PKCS1-v1_5" },
    extensions: dnsNames.length ? [new x509.SubjectAlternativeNameExtension(dnsNames.map((value) => ({ type: "dns" as const, value })))] : [],
  });
  return csr.toString("pem");
}

const codes = (findings: { code: string }[]) => findings.map((f) => f.code).sort();

describe("createCsr → inspectCsr", () => {
  it("EC_P256: subject, CN in SANs, IP and e-mail SANs, requested extensions, valid signature, no findings", async () => {
    const kp = await generateKeyPair("EC_P256", { extractable: false });
    const made = await createCsr(kp, { subject: SUBJECT, sans: ["api.example.com", "192.0.2.7", "ops@example.com"], keyUsage: true, extKeyUsage: true });
    expect(made.pem).toMatch(/^-----BEGIN CERTIFICATE REQUEST-----\n/);
    for (const input of [made.pem, made.der, new TextEncoder().encode(made.pem)]) {
      const info = await inspectCsr(input);
      expect(info.subjectDn).toBe(SUBJECT);
      expect(info.sans).toEqual([
        { type: "dns", value: "www.example.com" },
        { type: "dns", value: "api.example.com" },
        { type: "ip", value: "192.0.2.7" },
        { type: "email", value: "ops@example.com" },
      ]);
      expect(info.keySpec).toBe("EC_P256");
      expect(info.signatureAlgorithm).toBe("ecdsa-with-SHA256");
      expect(info.signatureValid).toBe(true);
      expect(info.extensions).toEqual({ keyUsage: ["digitalSignature"], extKeyUsage: ["serverAuth"] });
      expect(info.findings).toEqual([]);
    }
  });

  it("RSA_2048 asks for digitalSignature + keyEncipherment by default; no keyUsage unless asked", async () => {
    const kp = await generateKeyPair("RSA_2048", { extractable: false });
    const withKu = await inspectCsr((await createCsr(kp, { subject: SUBJECT, keyUsage: true })).pem);
    expect(withKu.keySpec).toBe("RSA_2048");
    expect(withKu.key).toEqual({ algorithm: "RSA", bits: 2048 });
    expect(withKu.extensions.keyUsage).toEqual(["digitalSignature", "keyEncipherment"]);
    const plain = await inspectCsr((await createCsr(kp, { subject: SUBJECT })).pem);
    expect(plain.extensions).toEqual({});
    expect(plain.sans).toEqual([{ type: "dns", value: "www.example.com" }]);
  });

  it("EC_SM2: SM2-with-SM3, the SPKI on the SM2 curve, the signature verifies; SM2 refused by CreateCertificateWithCsrRequest", async () => {
    const kp = await generateKeyPair("EC_SM2", { extractable: false });
    expect(kp.kind).toBe("sm2");
    if (kp.kind !== "sm2") return;
    expect(kp.privateKey).toHaveLength(32);
    expect(kp.publicKey).toHaveLength(65);
    const made = await createCsr(kp, { subject: SUBJECT, sans: ["api.example.com"] });
    const info = await inspectCsr(made.pem, { operation: "CreateCertificateWithCsrRequest" });
    expect(info.signatureAlgorithmOid).toBe(OID_SM2_WITH_SM3);
    expect(info.keySpec).toBe("EC_SM2");
    expect(info.signatureValid).toBe(true);
    expect(codes(info.findings)).toEqual(["spec.refused"]);
    expect(renderFinding(info.findings[0]!, "en")).toContain("CreateCertificateWithCsrRequest");
    expect(renderFinding(info.findings[0]!, "zh_CN")).toContain("不接受");
    expect((await inspectCsr(made.pem, { operation: "kms" })).findings).toEqual([]);
  });

  it("refuses bad input with typed errors before signing", async () => {
    const kp = await generateKeyPair("EC_P256", { extractable: false });
    expect((await errorOf(createCsr(kp, { subject: "CN=a.com,C=China" }))).code).toBe("subject.country.invalid");
    expect((await errorOf(createCsr(kp, { subject: "O=Example,C=CN", sans: ["a.com"] }))).code).toBe("subject.attribute.required");
    expect((await errorOf(createCsr(kp, { subject: "CN=a.com", sans: ["*.*.example.com"] }))).code).toBe("san.wildcard.invalid");
    expect((await errorOf(createCsr(kp, { subject: "CN=a.com,,C=CN" }))).code).toBe("subject.dn.malformed");
    expect((await errorOf(createCsr(kp, { subject: "CN=Example Server" }))).code).toBe("csr.san.required");
    const kms = await errorOf(createCsr(kp, { subject: "CN=a.com,C=CN,O=X", rules: "kms" }));
    expect([kms.code, kms.field]).toEqual(["subject.attribute.required", "subject.OU"]);
  });

  it("signWithKeyPair gives X.509-shaped signatures (DER ECDSA, SM2 with the default id)", async () => {
    const data = new Uint8Array(new TextEncoder().encode("to be signed"));
    const ec = (await generateKeyPair("EC_P384", { extractable: false })) as Extract<KeyPair, { kind: "webcrypto" }>;
    const ecSig = await signWithKeyPair(ec, data);
    expect(ecSig[0]).toBe(0x30);
    const raw = new x509.AsnEcSignatureFormatter().toWebSignature({ name: "ECDSA", namedCurve: "P-384" } as EcKeyAlgorithm, ecSig.slice())!;
    expect(await crypto.subtle.verify({ name: "ECDSA", hash: "SHA-384" }, ec.publicKey, raw, data)).toBe(true);
    const sm2 = (await generateKeyPair("EC_SM2", { extractable: true })) as Extract<KeyPair, { kind: "sm2" }>;
    const sm2Sig = await signWithKeyPair(sm2, data);
    expect(sm2Sig[0]).toBe(0x30);
    expect(verifySm2(data, sm2Sig, sm2.publicKey)).toBe(true);
    expect(verifySm2(data, sm2Sig, sm2.publicKey, "another id")).toBe(false);
    expect(verifySm2(new TextEncoder().encode("other"), sm2Sig, sm2.publicKey)).toBe(false);
  });

  it("SM2 keys wrapped for the provider show no key bytes when serialised", async () => {
    const sm2 = (await generateKeyPair("EC_SM2", { extractable: true })) as Extract<KeyPair, { kind: "sm2" }>;
    const keys = sm2CryptoKeys(sm2.privateKey, sm2.publicKey);
    const hex = Buffer.from(sm2.privateKey).toString("hex");
    expect(JSON.stringify(keys)).not.toContain(hex);
    expect(JSON.stringify(keys)).not.toMatch(/\d{2,},\d{2,}/);
  });
});

describe("lint", () => {
  it("CN not among the SANs; no SANs at all", async () => {
    const info = await inspectCsr(await rawCsr("CN=www.example.com,C=CN", ["api.example.com"]));
    expect(codes(info.findings)).toEqual(["cn.not_in_sans"]);
    expect(info.findings[0]!.severity).toBe("warning");
    const none = await inspectCsr(await rawCsr("CN=www.example.com", []));
    expect(codes(none.findings)).toEqual(["cn.not_in_sans", "san.missing"]);
  });

  it("bad wildcards and names not in A-label form", async () => {
    const info = await inspectCsr(await rawCsr("CN=*.*.example.com", ["*.*.example.com", "WWW.Example.com", "例子.com", "*.good.example.com"]));
    expect(info.findings.map((f) => [f.code, f.field])).toEqual([
      ["name.wildcard_invalid", "subject.CN"],
      ["name.wildcard_invalid", "san[0]"],
      ["name.not_a_label", "san[1]"],
      ["name.not_a_label", "san[2]"],
    ]);
    expect(info.findings.every((f) => f.severity === "error")).toBe(true);
    expect(renderFinding(info.findings[2]!, "en")).toContain("WWW.Example.com");
  });

  it("PrintableString violations, bad country codes and missing fields for the operation", async () => {
    // A Name whose C is a PrintableString holding "_", outside PrintableString's alphabet.
    const attr = (type: string, value: AttributeValue) => new RelativeDistinguishedName([new AttributeTypeAndValue({ type, value })]);
    const name = new AsnName([attr("2.5.4.6", new AttributeValue({ printableString: "C_" })), attr("2.5.4.3", new AttributeValue({ printableString: "a.example.com" }))]);
    const info = await inspectCsr(await rawCsr(new x509.Name(AsnConvert.serialize(name)), ["a.example.com"]), { operation: "kms" });
    expect(info.findings.map((f) => [f.code, f.field])).toEqual([
      ["subject.required", "subject.O"],
      ["subject.required", "subject.OU"],
      ["subject.not_printable", "subject.C"],
      ["subject.country_invalid", "subject.C"],
    ]);
    for (const f of info.findings) {
      expect(renderFinding(f, "en")).toContain(f.field!);
      expect(renderFinding(f, "zh_CN")).toContain(f.field!);
    }
  });

  it("RSA below 2048 bits is an error; keys outside the catalogue a warning", async () => {
    const small = await inspectCsr(
      await rawCsr("CN=a.example.com", ["a.example.com"], { name: "RSASSA-PKCS1-v1_5", modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" }),
    );
    expect(small.key).toEqual({ algorithm: "RSA", bits: 1024 });
    expect(small.keySpec).toBeUndefined();
    expect(codes(small.findings)).toEqual(["key.rsa_too_small"]);
    const p521 = await inspectCsr(await rawCsr("CN=a.example.com", ["a.example.com"], { name: "ECDSA", namedCurve: "P-521" }));
    expect(codes(p521.findings)).toEqual(["key.unsupported"]);
  });

  it("more than 10 names for KMS", async () => {
    const names = Array.from({ length: 11 }, (_, i) => `n${i}.example.com`);
    const info = await inspectCsr(await rawCsr("CN=n0.example.com,OU=IT,O=X,C=CN", names), { operation: "kms" });
    expect(codes(info.findings)).toEqual(["san.limit_exceeded"]);
  });

  it("a tampered CSR does not verify; lintCsr re-runs on a decoded CSR", async () => {
    const kp = await generateKeyPair("EC_SM2", { extractable: false });
    const made = await createCsr(kp, { subject: SUBJECT });
    const der = made.der.slice();
    const at = Buffer.from(der).indexOf(Buffer.from("Example"));
    der[at] = "e".charCodeAt(0);
    const info = await inspectCsr(pemEncode("CERTIFICATE REQUEST", der));
    expect(info.signatureValid).toBe(false);
    expect(codes(info.findings)).toEqual(["signature.invalid"]);
    expect(codes(lintCsr({ ...info, signatureValid: true }))).toEqual([]);
  });

  it("not a CSR: typed error; random bytes throw nothing else", async () => {
    expect((await errorOf(inspectCsr("hello"))).code).toBe("csr.not_a_csr");
    expect((await errorOf(inspectCsr(pemEncode("CERTIFICATE REQUEST", new Uint8Array([0x30, 0x03, 1, 2, 3]))))).code).toBe("csr.not_a_csr");
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 120 }), async (bytes) => {
        try {
          await inspectCsr(bytes);
        } catch (e) {
          expect(e).toBeInstanceOf(KeysmithError);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe("the SM2 plug-in for certificates (what the emulator uses)", () => {
  it("X509CertificateGenerator signs an SM2 certificate that verifies with its own key", async () => {
    const ca = (await generateKeyPair("EC_SM2", { extractable: false })) as Extract<KeyPair, { kind: "sm2" }>;
    const keys = sm2CryptoKeys(ca.privateKey, ca.publicKey);
    const provider = sm2Crypto();
    const cert = await x509.X509CertificateGenerator.createSelfSigned(
      {
        serialNumber: "01",
        name: "CN=Test SM2 CA",
        notBefore: new Date("2026-01-01T00:00:00Z"),
        notAfter: new Date("2027-01-01T00:00:00Z"),
        keys: { privateKey: keys.privateKey!, publicKey: keys.publicKey },
        signingAlgorithm: { name: "SM2", hash: "SM3" },
      },
      provider,
    );
    expect(cert.signatureAlgorithm).toMatchObject({ name: "SM2" });
    expect(await cert.verify({ signatureOnly: true }, provider)).toBe(true);
  });
});
