// What identifies the result of a create before it exists, for the write-ahead ledger
// (src/core/aliyun/write-ahead.ts) and the catalogue's reconcile specs: the CSR's public key (its SPKI's
// SHA-256, the same for every CSR made from one key), the domain, the DNS record. Pure and synchronous.
import { AsnConvert } from "@peculiar/asn1-schema";
import { CertificationRequest } from "@peculiar/asn1-csr";
import { sha256 } from "@noble/hashes/sha256";
import { sha1 } from "@noble/hashes/legacy";
import { parseCertificates } from "../cert/certificate";
import { pemDecodeAll } from "../pem";

const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

/** SHA-256 (hex) of a PEM CSR's SubjectPublicKeyInfo; undefined when the text is not a CSR. */
export function csrKeyHash(pem: string | undefined): string | undefined {
  if (!pem) return undefined;
  try {
    const block = pemDecodeAll(pem, "Csr").find((b) => b.label === "CERTIFICATE REQUEST" || b.label === "NEW CERTIFICATE REQUEST");
    if (!block) return undefined;
    const csr = AsnConvert.parse(block.der, CertificationRequest);
    return hex(sha256(new Uint8Array(AsnConvert.serialize(csr.certificationRequestInfo.subjectPKInfo))));
  } catch {
    return undefined;
  }
}

/** The CSR's common name (lower case), or undefined. */
export function csrCommonName(pem: string | undefined): string | undefined {
  if (!pem) return undefined;
  try {
    const block = pemDecodeAll(pem, "Csr").find((b) => b.label === "CERTIFICATE REQUEST" || b.label === "NEW CERTIFICATE REQUEST");
    if (!block) return undefined;
    const csr = AsnConvert.parse(block.der, CertificationRequest);
    for (const rdn of csr.certificationRequestInfo.subject) {
      for (const atv of rdn) if (atv.type === "2.5.4.3") return atv.value.toString().trim().toLowerCase();
    }
  } catch {
    // not a CSR: no name
  }
  return undefined;
}

/** Keys that mark one CSR and one domain. */
export function csrIdentity(pem: string | undefined): string[] {
  const key = csrKeyHash(pem);
  const cn = csrCommonName(pem);
  return [...(key ? [`csr:${key}`] : []), ...(cn ? [`domain:${cn}`] : [])];
}

export const lower = (v: unknown): string => (v === undefined || v === null ? "" : String(v).trim().toLowerCase());

/** A comma-separated name list as a sorted set, for comparing SANs. */
export function nameSet(v: unknown): string {
  return lower(v)
    .split(/[,\s]+/)
    .filter(Boolean)
    .sort()
    .join(",");
}

/** What cas lists about an uploaded certificate, read from its PEM: SHA-1 fingerprint (upper-case hex, no
 * colons, as ListUserCertificateOrder's Fingerprint), serial (upper-case hex), CN and SANs. */
export interface CertificateSubstance {
  fingerprint: string;
  serial: string;
  commonName: string;
  sans: string[];
}

export function certificateSubstance(pem: string | undefined): CertificateSubstance | undefined {
  if (!pem) return undefined;
  try {
    const { leaf } = parseCertificates(pem, "Cert");
    return { fingerprint: hex(sha1(leaf.der)).toUpperCase(), serial: leaf.serial, commonName: leaf.commonName.toLowerCase(), sans: leaf.sans.map((s) => s.toLowerCase()) };
  } catch {
    return undefined;
  }
}

/** A fingerprint or serial as listed (any case, colons or not, leading zero bytes or not), for comparing. */
export function hexId(v: unknown): string {
  return lower(v).replace(/[^0-9a-f]/g, "").replace(/^(00)+(?=.)/, "");
}
