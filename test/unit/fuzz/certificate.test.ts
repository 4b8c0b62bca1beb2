// Fuzzing certificate chains (src/core/cert/*): parseCertificates on corrupted certificates, certificates
// whose subjectAltName carries arbitrary content, several PEM blocks and arbitrary input throws only
// KeysmithError in bounded time; certificateMatchesKey never throws.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import { Certificate, Extension, Extensions, id_ce_subjectAltName } from "@peculiar/asn1-x509";
import * as x509 from "../../../src/core/csr/x509";
import { certificateMatchesKey, parseCertificates } from "../../../src/core/cert/certificate";
import { pemEncode } from "../../../src/core/pem";
import { TEST_TIMEOUT, mutatedBytes, params, typedOnly } from "./fuzz-support";

let leaf: Uint8Array;
let root: Uint8Array;

beforeAll(async () => {
  const alg = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };
  const keys = await crypto.subtle.generateKey(alg, false, ["sign", "verify"]);
  const make = async (name: string, serialNumber: string) =>
    new Uint8Array(
      (
        await x509.X509CertificateGenerator.createSelfSigned({
          serialNumber, name, notBefore: new Date("2026-01-01T00:00:00Z"), notAfter: new Date("2027-01-01T00:00:00Z"), keys, signingAlgorithm: alg,
          extensions: [new x509.SubjectAlternativeNameExtension([{ type: "dns", value: "www.example.com" }, { type: "ip", value: "192.0.2.1" }, { type: "email", value: "a@example.com" }])],
        })
      ).rawData,
    );
  leaf = await make("CN=www.example.com, O=Example, C=CN", "01");
  root = await make("CN=Root", "00ff");
});

function withSan(der: Uint8Array, content: Uint8Array): Uint8Array {
  const cert = AsnConvert.parse(der, Certificate);
  const others = (cert.tbsCertificate.extensions ?? []).filter((e) => e.extnID !== id_ce_subjectAltName);
  cert.tbsCertificate.extensions = new Extensions([...others, new Extension({ extnID: id_ce_subjectAltName, critical: false, extnValue: new OctetString(content) })]);
  return new Uint8Array(AsnConvert.serialize(cert));
}

function checkParse(input: string | Uint8Array): void {
  const { value } = typedOnly(() => parseCertificates(input));
  if (!value) return;
  for (const cert of [value.leaf, ...value.chain]) {
    expect(cert.fingerprintSha256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(typeof certificateMatchesKey(cert.spkiDer, leaf)).toBe("boolean");
  }
}

describe("fuzz: parseCertificates", () => {
  it("corrupted certificates, as DER or in a PEM chain, give a chain or a KeysmithError", { timeout: TEST_TIMEOUT }, () => {
    fc.assert(
      fc.property(fc.boolean().chain((first) => mutatedBytes(first ? leaf : root)), fc.nat({ max: 2 }), (der, shape) => {
        if (shape === 0) checkParse(der);
        else if (shape === 1) checkParse(pemEncode("CERTIFICATE", der));
        else checkParse(pemEncode("CERTIFICATE", leaf) + pemEncode("CERTIFICATE", der) + pemEncode("PRIVATE KEY", der));
      }),
      params(),
    );
  });

  it("arbitrary subjectAltName content gives a chain or cert.invalid", { timeout: TEST_TIMEOUT }, () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 24 }),
          fc.tuple(fc.constantFrom(0x82, 0x81, 0x87, 0x86, 0xa0, 0xa4, 0x88, 0x30), fc.uint8Array({ maxLength: 16 })).map(([tag, body]) => new Uint8Array([0x30, body.length + 2, tag, body.length, ...body])),
        ),
        (content) => {
          checkParse(withSan(leaf, content));
        },
      ),
      params(),
    );
  });

  it("arbitrary bytes and text give a KeysmithError; certificateMatchesKey never throws", { timeout: TEST_TIMEOUT }, () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 64 }), fc.string({ maxLength: 64 })), fc.uint8Array({ maxLength: 40 }), (input, spki) => {
        checkParse(input);
        expect(typeof certificateMatchesKey(spki, leaf)).toBe("boolean");
        expect(typeof certificateMatchesKey(leaf, spki)).toBe("boolean");
      }),
      params(),
    );
  });
});
