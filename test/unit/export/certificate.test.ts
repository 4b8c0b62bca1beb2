// Certificates as they arrive (PEM leaf + chain, DescribeCertificateState's Certificate field, DER) and
// pairing by public key.
import { describe, expect, it } from "vitest";
import { AsnConvert } from "@peculiar/asn1-schema";
import { SubjectPublicKeyInfo } from "@peculiar/asn1-x509";
import { certificateMatchesKey, parseCertificates } from "../../../src/core/cert/certificate";
import { pemDecodeAll } from "../../../src/core/pem";
import { makeCa } from "../vault/helpers";

async function spkiOf(keys: CryptoKeyPair): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.exportKey("spki", keys.publicKey));
}

describe("parseCertificates", () => {
  it("reads leaf then chain from one PEM, as DescribeCertificateState returns it (CRLF, blank lines)", async () => {
    const ca = await makeCa("CN=Parse Root,O=Keysmith");
    const keys = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign"])) as CryptoKeyPair;
    const { leafPem, chainPem } = await ca.issue(await spkiOf(keys), { cn: "a.example.com", dns: ["a.example.com", "b.example.com"], notAfter: new Date(Date.UTC(2027, 1, 2)) });
    const field = `${leafPem}\n\n${chainPem}`.replace(/\n/g, "\r\n");
    const parsed = parseCertificates(field);
    expect(parsed.leaf).toMatchObject({
      subject: "CN=a.example.com",
      commonName: "a.example.com",
      sans: ["a.example.com", "b.example.com"],
      notAfter: new Date(Date.UTC(2027, 1, 2)),
      selfIssued: false,
    });
    expect(parsed.leaf.issuer).toContain("CN=Parse Root");
    expect(parsed.chain).toHaveLength(1);
    expect(parsed.chain[0]!.selfIssued).toBe(true);
    expect(parsed.pem).not.toMatch(/\r|\n\n/);
    expect(parsed.leaf.fingerprintSha256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(certificateMatchesKey(parsed.leaf.spkiDer, await spkiOf(keys))).toBe(true);
    // DER in, same certificate out
    const der = pemDecodeAll(leafPem)[0]!.der;
    expect(parseCertificates(der).leaf.fingerprintSha256).toBe(parsed.leaf.fingerprintSha256);
  });

  it("refuses what is not a certificate", () => {
    for (const input of ["", "hello", "-----BEGIN CERTIFICATE REQUEST-----\nMAA=\n-----END CERTIFICATE REQUEST-----\n", "-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n"]) {
      expect(() => parseCertificates(input), input).toThrowError(expect.objectContaining({ code: "cert.not_a_certificate" }));
    }
  });
});

describe("certificateMatchesKey", () => {
  it("compares public keys, and ignores an RSA SPKI written without NULL parameters", async () => {
    const gen = () => crypto.subtle.generateKey({ name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" }, true, ["sign"]) as Promise<CryptoKeyPair>;
    const a = await spkiOf(await gen());
    const b = await spkiOf(await gen());
    expect(certificateMatchesKey(a, a)).toBe(true);
    expect(certificateMatchesKey(a, b)).toBe(false);
    const spki = AsnConvert.parse(a, SubjectPublicKeyInfo);
    spki.algorithm.parameters = undefined;
    const withoutNull = new Uint8Array(AsnConvert.serialize(spki));
    expect(withoutNull).not.toEqual(a);
    expect(certificateMatchesKey(withoutNull, a)).toBe(true);
  });
});
