// Reading what the user selected on a console page. Chrome's `selectionText` collapses line breaks into
// spaces, so a PEM is found by its armour and its base64 body re-wrapped; domains are picked out as
// host names (wildcards allowed as the whole left-most label). A certificate to import is shown before it is
// stored: `certificatePreview` parses it and finds the key it pairs with among the vault's keys.
import { AsnConvert } from "@peculiar/asn1-schema";
import { CertificationRequest } from "@peculiar/asn1-csr";
import { certificateMatchesKey, parseCertificates } from "../core/cert/certificate";
import { fail } from "../core/errors";
import { derFromPemOrDer } from "../core/pem";
import type { CertificatePreview, KeyView } from "../messages";

export function extractPem(text: string, label: "CERTIFICATE REQUEST" | "CERTIFICATE"): string | undefined {
  const blocks = extractPems(text, label);
  return blocks.length > 0 ? blocks.join("") : undefined;
}

/** Every PEM block with this label (a certificate selection may hold leaf + chain). */
export function extractPems(text: string, label: string): string[] {
  const labels = label === "CERTIFICATE REQUEST" ? "(?:NEW )?CERTIFICATE REQUEST" : label;
  const re = new RegExp(`-----BEGIN ${labels}-----([\\s\\S]*?)-----END ${labels}-----`, "g");
  const out: string[] = [];
  for (const m of text.matchAll(re)) {
    const body = m[1]!.replace(/[^A-Za-z0-9+/=]/g, "");
    if (!body) continue;
    const lines = body.match(/.{1,64}/g) ?? [];
    out.push(`-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`);
  }
  return out;
}

const HOST = /(?:\*\.)?(?:[a-z0-9\u00a1-\uffff](?:[a-z0-9\u00a1-\uffff-]{0,61}[a-z0-9\u00a1-\uffff])?\.)+[a-z\u00a1-\uffff]{2,63}/giu;

/** Host names in a selection, in order, without duplicates; the first becomes the CN. */
export function extractDomains(text: string, limit = 100): string[] {
  const seen = new Set<string>();
  for (const m of text.matchAll(HOST)) {
    const name = m[0].toLowerCase().replace(/\.$/, "");
    if (/^[\d.]+$/.test(name)) continue;
    seen.add(name);
    if (seen.size >= limit) break;
  }
  return [...seen];
}

export function requirePem(text: string, label: "CERTIFICATE REQUEST" | "CERTIFICATE", field: string): string {
  return extractPem(text, label) ?? fail("selection.pem.missing", field, { label });
}

/** The public key (SPKI DER) a vault key shows: its current certificate's, else its CSR's. */
function keySpki(key: KeyView): Uint8Array | undefined {
  try {
    if (key.certificate?.pem) return parseCertificates(key.certificate.pem, "certificate").leaf.spkiDer;
    if (key.csrPem) {
      const [der] = derFromPemOrDer(key.csrPem, ["CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST"], "csr");
      return new Uint8Array(AsnConvert.serialize(AsnConvert.parse(der!, CertificationRequest).certificationRequestInfo.subjectPKInfo));
    }
  } catch {
    // A key whose stored PEM does not parse cannot be matched here; the vault still pairs by its stored SPKI.
  }
  return undefined;
}

/**
 * What importing `pem` (leaf + chain) would do: the leaf's facts, the key it pairs with and the certificate it
 * replaces (issuer changed or not). Not a certificate: `cert.not_a_certificate` / `cert.invalid`.
 */
export function certificatePreview(pem: string, keys: readonly KeyView[]): CertificatePreview {
  const chain = parseCertificates(pem, "certificate");
  const leaf = chain.leaf;
  const key = keys.find((k) => {
    const spki = keySpki(k);
    return spki !== undefined && certificateMatchesKey(leaf.spkiDer, spki);
  });
  const current = key?.certificate;
  const sameCertificate = current?.fingerprintSha256 === leaf.fingerprintSha256;
  const preview: CertificatePreview = {
    subject: leaf.subject,
    commonName: leaf.commonName,
    sans: [...leaf.sans],
    issuer: leaf.issuer,
    serial: leaf.serial,
    notBefore: leaf.notBefore.toISOString(),
    notAfter: leaf.notAfter.toISOString(),
    fingerprintSha256: leaf.fingerprintSha256,
    chainLength: chain.chain.length,
    issuerChanged: Boolean(current && !sameCertificate && current.issuer !== leaf.issuer),
    sameCertificate,
  };
  if (key) preview.key = { id: key.id, label: key.label, commonName: key.commonName };
  if (current && !sameCertificate) preview.replaces = { issuer: current.issuer, notAfter: current.notAfter, fingerprintSha256: current.fingerprintSha256 };
  return preview;
}
