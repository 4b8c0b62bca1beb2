// The one place the catalogue looks inside a CSR: its key type (SM2 is refused by
// CreateCertificateWithCsrRequest) and its CN (the order's domain, used to reconcile a lost create).
// Synchronous on purpose (validateParams is, and the emulator calls it per request), so it reads the
// SPKI itself rather than awaiting the core's inspectCsr; which specs an operation accepts is the core's
// rule (acceptsSpec in src/core/key-spec.ts), so the two cannot disagree.
import { AsnConvert } from "@peculiar/asn1-schema";
import { CertificationRequest } from "@peculiar/asn1-csr";
import { RSAPublicKey } from "@peculiar/asn1-rsa";
import { fail } from "../errors";
import { pemDecodeAll } from "../pem";
import { acceptsSpec, isKeySpecId } from "../key-spec";

const OID_RSA = "1.2.840.113549.1.1.1";
const OID_EC = "1.2.840.10045.2.1";
const OID_CN = "2.5.4.3";
const CURVES: Record<string, string> = {
  "1.2.840.10045.3.1.7": "EC_P256",
  "1.3.132.0.34": "EC_P384",
  "1.2.156.10197.1.301": "EC_SM2",
};

export interface CsrSummary {
  /** "RSA_<bits>", "EC_P256", "EC_P384", "EC_SM2", or "UNKNOWN". */
  keySpec: string;
  family: "RSA" | "EC" | "SM2" | "UNKNOWN";
  bits: number;
  commonName?: string;
}

export function summarizeCsr(pem: string, field: string): CsrSummary {
  let der: Uint8Array | undefined;
  try {
    der = pemDecodeAll(pem, field).find((b) => b.label === "CERTIFICATE REQUEST" || b.label === "NEW CERTIFICATE REQUEST")?.der;
  } catch {
    der = undefined;
  }
  if (!der) fail("api.param.csr_pem", field);
  let csr: CertificationRequest;
  try {
    csr = AsnConvert.parse(der, CertificationRequest);
  } catch {
    fail("api.param.csr_pem", field);
  }
  const info = csr.certificationRequestInfo;
  const spki = info.subjectPKInfo;
  let commonName: string | undefined;
  for (const rdn of info.subject) for (const atv of rdn) if (atv.type === OID_CN) commonName = atv.value.toString();
  if (spki.algorithm.algorithm === OID_RSA) {
    const key = AsnConvert.parse(spki.subjectPublicKey, RSAPublicKey);
    let modulus = new Uint8Array(key.modulus);
    while (modulus.length > 0 && modulus[0] === 0) modulus = modulus.subarray(1);
    const bits = modulus.length * 8;
    return { keySpec: `RSA_${bits}`, family: "RSA", bits, commonName };
  }
  if (spki.algorithm.algorithm === OID_EC && spki.algorithm.parameters) {
    const oid = readOid(new Uint8Array(spki.algorithm.parameters));
    const keySpec = CURVES[oid] ?? "UNKNOWN";
    return { keySpec, family: keySpec === "EC_SM2" ? "SM2" : "EC", bits: keySpec === "EC_P384" ? 384 : 256, commonName };
  }
  return { keySpec: "UNKNOWN", family: "UNKNOWN", bits: 0, commonName };
}

/** DER OBJECT IDENTIFIER bytes (tag 06) to dotted text. */
function readOid(der: Uint8Array): string {
  const body = der.subarray(2, 2 + der[1]!);
  const parts: number[] = [Math.floor(body[0]! / 40), body[0]! % 40];
  let value = 0;
  for (const byte of body.subarray(1)) {
    value = value * 128 + (byte & 0x7f);
    if ((byte & 0x80) === 0) {
      parts.push(value);
      value = 0;
    }
  }
  return parts.join(".");
}

/** cas CreateCertificateWithCsrRequest / ForPackage: "RSA at least 2048 bits, or ECC; not SM2". */
export function requireCasCsrKey(pem: string, field: string): CsrSummary {
  const summary = summarizeCsr(pem, field);
  if (summary.family === "SM2") fail("api.param.csr_sm2", field, { keySpec: summary.keySpec });
  // RSA sizes outside the core's catalogue (e.g. 8192) follow the documented rule directly.
  const accepted = isKeySpecId(summary.keySpec)
    ? acceptsSpec("CreateCertificateWithCsrRequest", summary.keySpec)
    : summary.family === "RSA" && summary.bits >= 2048;
  if (!accepted) fail("api.param.csr_key", field, { keySpec: summary.keySpec });
  return summary;
}
