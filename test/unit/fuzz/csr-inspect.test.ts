// Fuzzing CSR inspection (src/core/csr/inspect.ts): inspectCsr on corrupted CSRs, on CSRs whose
// extensions carry arbitrary content, and on arbitrary bytes and text, throws only KeysmithError, in
// bounded time. A CSR it accepts has a subject that formats, and SANs of the kinds it models.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import { Attributes, CertificationRequest } from "@peculiar/asn1-csr";
import { Attribute, Extension, Extensions } from "@peculiar/asn1-x509";
import { createCsr, generateKeyPair, inspectCsr } from "../../../src/core/csr/index";
import { pemEncode } from "../../../src/core/pem";
import { TEST_TIMEOUT, codeOfAsync, mutatedBytes, params, typedOnlyAsync } from "./fuzz-support";
import { CSR_MALFORMED_EKU, CSR_MALFORMED_KU, CSR_MALFORMED_SAN } from "./outside-inputs";

const OID_EXTENSION_REQUEST = "1.2.840.113549.1.9.14";
const EXTENSION_OIDS = ["2.5.29.15", "2.5.29.17", "2.5.29.37", "2.5.29.19", "2.5.29.14", "1.2.3.4"];

let seeds: Uint8Array[] = [];

beforeAll(async () => {
  const ec = await generateKeyPair("EC_P256", { extractable: false });
  const sm2 = await generateKeyPair("EC_SM2", { extractable: false });
  const options = { subject: "CN=www.example.com,O=Example,C=CN", sans: ["api.example.com", "192.0.2.1", "ops@example.com"], keyUsage: true, extKeyUsage: true } as const;
  seeds = [(await createCsr(ec, options)).der, (await createCsr(sm2, options)).der];
});

/** `csrDer` with its extensionRequest replaced by `extensions` (the signature no longer verifies: reported, not thrown). */
function withExtensions(csrDer: Uint8Array, extensions: { oid: string; critical: boolean; content: Uint8Array }[]): Uint8Array {
  const csr = AsnConvert.parse(csrDer, CertificationRequest);
  const list = new Extensions(extensions.map((e) => new Extension({ extnID: e.oid, critical: e.critical, extnValue: new OctetString(e.content) })));
  const attributes = csr.certificationRequestInfo.attributes.filter((a) => a.type !== OID_EXTENSION_REQUEST);
  attributes.push(new Attribute({ type: OID_EXTENSION_REQUEST, values: [AsnConvert.serialize(list)] }));
  csr.certificationRequestInfo.attributes = new Attributes(attributes);
  return new Uint8Array(AsnConvert.serialize(csr));
}

/** Extension content: arbitrary bytes, or a DER-ish TLV with a plausible tag and arbitrary body. */
const contentArb = fc.oneof(
  fc.uint8Array({ maxLength: 24 }),
  fc.tuple(fc.constantFrom(0x03, 0x30, 0x05, 0x04, 0x06, 0x82, 0xa0, 0x87), fc.uint8Array({ maxLength: 20 }), fc.boolean()).map(([tag, body, lie]) =>
    new Uint8Array([tag, lie ? (body.length + 3) & 0x7f : body.length, ...body]),
  ),
  fc.tuple(fc.constantFrom(0x82, 0x81, 0x87, 0x86, 0xa0, 0xa4, 0x88), fc.uint8Array({ maxLength: 16 })).map(([tag, body]) =>
    new Uint8Array([0x30, body.length + 2, tag, body.length, ...body]),
  ),
);

async function checkInspect(input: string | Uint8Array): Promise<void> {
  const { value } = await typedOnlyAsync(() => inspectCsr(input, { operation: "CreateCertificateWithCsrRequest" }));
  if (!value) return;
  expect(typeof value.subjectDn).toBe("string");
  for (const san of value.sans) expect(["dns", "ip", "email"]).toContain(san.type);
}

describe("fuzz: inspectCsr", () => {
  it("corrupted CSRs (bit flips, edits, truncation) give a CsrInfo or a KeysmithError", { timeout: TEST_TIMEOUT }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: 1 }).chain((i) => mutatedBytes(seeds[i]!)), fc.boolean(), async (der, asPem) => {
        await checkInspect(asPem ? pemEncode("CERTIFICATE REQUEST", der) : der);
      }),
      params(0.5),
    );
  });

  it("arbitrary keyUsage / SAN / EKU / other extension content gives a CsrInfo or a KeysmithError", { timeout: TEST_TIMEOUT }, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: 1 }),
        fc.array(fc.record({ oid: fc.constantFrom(...EXTENSION_OIDS), critical: fc.boolean(), content: contentArb }), { maxLength: 4 }),
        async (i, extensions) => {
          await checkInspect(withExtensions(seeds[i]!, extensions));
        },
      ),
      params(0.5),
    );
  });

  it("arbitrary bytes and PEM-looking text give a KeysmithError", { timeout: TEST_TIMEOUT }, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.uint8Array({ maxLength: 64 }), fc.string({ maxLength: 64 }), fc.uint8Array({ maxLength: 64 }).map((b) => pemEncode("CERTIFICATE REQUEST", b))),
        async (input) => {
          await checkInspect(input);
        },
      ),
      params(),
    );
  });
});

describe("CSR regressions found by fuzzing", () => {
  it("an OpenSSL-made CSR with malformed keyUsage, SAN or EKU content is csr.extension.invalid naming the extension", async () => {
    for (const [pem, name] of [[CSR_MALFORMED_KU, "keyUsage"], [CSR_MALFORMED_SAN, "subjectAltName"], [CSR_MALFORMED_EKU, "extKeyUsage"]] as const) {
      expect(await codeOfAsync(() => inspectCsr(pem))).toBe("csr.extension.invalid");
      await inspectCsr(pem).catch((e: { field?: string }) => expect(e.field).toBe(`csr.extensions.${name}`));
    }
  });

  it("still reads the extensions of a well-formed CSR", async () => {
    const info = await inspectCsr(seeds[0]!);
    expect(info.signatureValid).toBe(true);
    expect(info.extensions.keyUsage).toBeDefined();
    expect(info.extensions.extKeyUsage).toEqual(["serverAuth"]);
    expect(info.sans.map((s) => s.value)).toEqual(["www.example.com", "api.example.com", "192.0.2.1", "ops@example.com"]);
  });
});
