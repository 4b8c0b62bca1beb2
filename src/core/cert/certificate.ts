// Reading X.509 certificates as they arrive: a PEM with the leaf then its chain (also the `Certificate`
// field of cas DescribeCertificateState), a DER file, or several PEM files concatenated. Pairing with
// a key is by SubjectPublicKeyInfo bytes, never by name.
import { AsnConvert } from "@peculiar/asn1-schema";
import { Certificate, SubjectAlternativeName, SubjectPublicKeyInfo, id_ce_subjectAltName } from "@peculiar/asn1-x509";
import { sha256 } from "@noble/hashes/sha2";
import { KeysmithError } from "../errors";
import { isPem, pemDecodeAll, pemEncode } from "../pem";
import { bytesEqual, concatBytes } from "../export/bytes";
import { formatName, nameAttribute } from "./distinguished-name";

export interface CertificateInfo {
  der: Uint8Array;
  pem: string;
  subject: string;
  commonName: string;
  issuer: string;
  /** Hex, as `openssl x509 -serial` prints it (upper case). */
  serial: string;
  notBefore: Date;
  notAfter: Date;
  /** dNSName, iPAddress and rfc822Name entries, as text. */
  sans: string[];
  spkiDer: Uint8Array;
  /** SHA-256 of the DER, upper-case hex with colons (as `openssl x509 -fingerprint -sha256`). */
  fingerprintSha256: string;
  selfIssued: boolean;
}

export interface CertificateChain {
  leaf: CertificateInfo;
  /** Everything after the leaf, in the given order. */
  chain: CertificateInfo[];
  /** Leaf then chain, one PEM, no blank lines. */
  pem: string;
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("").toUpperCase();
}

function parseOne(der: Uint8Array, field: string): CertificateInfo {
  let cert: Certificate;
  try {
    cert = AsnConvert.parse(der, Certificate);
  } catch {
    throw new KeysmithError("cert.not_a_certificate", { field });
  }
  const tbs = cert.tbsCertificate;
  const sans: string[] = [];
  const sanExt = tbs.extensions?.find((e) => e.extnID === id_ce_subjectAltName);
  if (sanExt) {
    try {
      for (const name of AsnConvert.parse(sanExt.extnValue.buffer, SubjectAlternativeName)) {
        if (name.dNSName !== undefined) sans.push(name.dNSName);
        else if (name.iPAddress !== undefined) sans.push(name.iPAddress);
        else if (name.rfc822Name !== undefined) sans.push(name.rfc822Name);
      }
    } catch {
      throw new KeysmithError("cert.invalid", { field, params: { detail: "subjectAltName" } });
    }
  }
  let serial = hex(new Uint8Array(tbs.serialNumber));
  if (serial.length > 2 && serial.startsWith("00")) serial = serial.slice(2);
  const subject = formatName(tbs.subject);
  const issuer = formatName(tbs.issuer);
  return {
    der,
    pem: pemEncode("CERTIFICATE", der),
    subject,
    commonName: nameAttribute(tbs.subject, "CN"),
    issuer,
    serial,
    notBefore: tbs.validity.notBefore.getTime(),
    notAfter: tbs.validity.notAfter.getTime(),
    sans,
    spkiDer: new Uint8Array(AsnConvert.serialize(tbs.subjectPublicKeyInfo)),
    fingerprintSha256: hex(sha256(der)).match(/../g)!.join(":"),
    selfIssued: subject === issuer,
  };
}

/**
 * Parse a leaf and its chain. Text input must hold PEM "CERTIFICATE" blocks (other blocks, such as a
 * private key pasted along, are ignored); bytes not starting like text are one DER certificate.
 */
export function parseCertificates(input: string | Uint8Array, field = "certificate"): CertificateChain {
  let ders: Uint8Array[];
  const text = typeof input === "string" ? input : input.length > 0 && input[0] !== 0x30 ? new TextDecoder().decode(input) : undefined;
  if (text === undefined) ders = [input as Uint8Array];
  else {
    if (!isPem(text)) throw new KeysmithError("cert.not_a_certificate", { field });
    ders = pemDecodeAll(text, field).filter((b) => b.label === "CERTIFICATE" || b.label === "X509 CERTIFICATE").map((b) => b.der);
    if (ders.length === 0) throw new KeysmithError("cert.not_a_certificate", { field });
  }
  const [leaf, ...chain] = ders.map((der) => parseOne(der, field));
  return { leaf: leaf!, chain, pem: [leaf!, ...chain].map((c) => c.pem).join("") };
}

export function certificateMatchesKey(certSpkiDer: Uint8Array, keySpkiDer: Uint8Array): boolean {
  return bytesEqual(normalizeSpki(certSpkiDer), normalizeSpki(keySpkiDer));
}

// RSA SPKIs carry NULL parameters and some writers omit them: compare algorithm, curve and key bits.
function normalizeSpki(der: Uint8Array): Uint8Array {
  let spki: SubjectPublicKeyInfo;
  try {
    spki = AsnConvert.parse(der, SubjectPublicKeyInfo);
  } catch {
    return der;
  }
  const params = spki.algorithm.parameters;
  const isNull = !params || (params.byteLength === 2 && new Uint8Array(params)[0] === 0x05);
  return concatBytes(
    new TextEncoder().encode(`${spki.algorithm.algorithm}|`),
    isNull ? new Uint8Array(0) : new Uint8Array(params),
    new TextEncoder().encode("|"),
    new Uint8Array(spki.subjectPublicKey),
  );
}
