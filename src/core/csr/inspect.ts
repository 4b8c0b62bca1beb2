// Reading a CSR back: subject (with how each value is stored), SANs, key spec, signature algorithm,
// whether the self-signature verifies (SM2 too, through the same SM2-capable crypto) and lint findings.
import * as x509 from "./x509";
import { AsnConvert } from "@peculiar/asn1-schema";
import { ECParameters } from "@peculiar/asn1-ecc";
import { RSAPublicKey } from "@peculiar/asn1-rsa";
import { Extension, Extensions, SubjectPublicKeyInfo } from "@peculiar/asn1-x509";
import { CertificationRequest } from "@peculiar/asn1-csr";
import { sm2Crypto } from "./sm2";
import { OID_EC_PUBLIC_KEY, OID_RSA_ENCRYPTION, OID_SM2_WITH_SM3 } from "./oids";
import { extKeyUsageName, keyUsageNames } from "./usages";
import { lintCsr, type LintFinding, type LintOptions } from "./lint";
import { KEY_SPECS, KEY_SPEC_IDS, type KeySpecId } from "../key-spec";
import { KeysmithError } from "../errors";
import { derFromPemOrDer } from "../pem";
import { formatDn, subjectFromDer, type EncodedAva } from "../subject";
import type { San, SanType } from "../san";
import { PEM_LABEL_CSR } from "./create";

export interface CsrKeyInfo {
  /** "RSA", "EC" (including SM2 keys, which are id-ecPublicKey) or the key algorithm's OID. */
  algorithm: string;
  /** Modulus length for RSA, curve size for EC. */
  bits?: number;
  /** Curve OID for EC keys. */
  curveOid?: string;
}

export interface CsrInfo {
  /** RFC 4514 text, most significant last (as openssl -nameopt RFC2253 shows it). */
  subjectDn: string;
  subject: EncodedAva[][];
  sans: San[];
  /** Names of SAN types Keysmith does not model (URI, directoryName, …), by their x509 type. */
  otherSans: string[];
  keySpec?: KeySpecId;
  key: CsrKeyInfo;
  /** Same as key.algorithm / key.bits. */
  keyAlgorithm: string;
  keyBits?: number;
  spkiDer: Uint8Array;
  /** "sha256WithRSAEncryption", "ecdsa-with-SHA384", "SM2-with-SM3", or the OID. */
  signatureAlgorithm: string;
  signatureAlgorithmOid: string;
  signatureValid: boolean;
  extensions: { keyUsage?: string[]; extKeyUsage?: string[] };
  findings: LintFinding[];
  der: Uint8Array;
}

const SIGNATURE_NAMES: Record<string, string> = {
  "1.2.840.113549.1.1.5": "sha1WithRSAEncryption",
  "1.2.840.113549.1.1.11": "sha256WithRSAEncryption",
  "1.2.840.113549.1.1.12": "sha384WithRSAEncryption",
  "1.2.840.113549.1.1.13": "sha512WithRSAEncryption",
  "1.2.840.113549.1.1.10": "rsassa-pss",
  "1.2.840.10045.4.3.2": "ecdsa-with-SHA256",
  "1.2.840.10045.4.3.3": "ecdsa-with-SHA384",
  "1.2.840.10045.4.3.4": "ecdsa-with-SHA512",
  [OID_SM2_WITH_SM3]: "SM2-with-SM3",
};

/** The key's algorithm, size and (when Keysmith makes such keys) its key spec. */
export function describeSpki(spkiDer: Uint8Array): { key: CsrKeyInfo; keySpec?: KeySpecId } {
  const spki = AsnConvert.parse(spkiDer, SubjectPublicKeyInfo);
  const oid = spki.algorithm.algorithm;
  if (oid === OID_RSA_ENCRYPTION) {
    const rsa = AsnConvert.parse(spki.subjectPublicKey, RSAPublicKey);
    let modulus = new Uint8Array(rsa.modulus);
    while (modulus.length > 0 && modulus[0] === 0) modulus = modulus.subarray(1);
    const bits = modulus.length === 0 ? 0 : (modulus.length - 1) * 8 + (32 - Math.clz32(modulus[0]!));
    const keySpec = KEY_SPEC_IDS.find((id) => KEY_SPECS[id].family === "RSA" && KEY_SPECS[id].bits === bits);
    return { key: { algorithm: "RSA", bits }, keySpec };
  }
  if (oid === OID_EC_PUBLIC_KEY && spki.algorithm.parameters) {
    const curveOid = AsnConvert.parse(spki.algorithm.parameters, ECParameters).namedCurve;
    const keySpec = KEY_SPEC_IDS.find((id) => KEY_SPECS[id].curveOid === curveOid);
    return { key: { algorithm: "EC", curveOid, bits: keySpec ? KEY_SPECS[keySpec].bits : undefined }, keySpec };
  }
  return { key: { algorithm: oid } };
}

const OID_EXTENSION_REQUEST = "1.2.840.113549.1.9.14";

const EXTENSION_NAMES: Record<string, string> = {
  "2.5.29.15": "keyUsage",
  "2.5.29.17": "subjectAltName",
  "2.5.29.19": "basicConstraints",
  "2.5.29.37": "extKeyUsage",
};

/** The extensions of the PKCS#9 extensionRequest attribute, undecoded (an unreadable list is a typed error). */
function requestedExtensions(asn: CertificationRequest): Extension[] {
  const out: Extension[] = [];
  for (const attribute of asn.certificationRequestInfo.attributes) {
    if (attribute.type !== OID_EXTENSION_REQUEST) continue;
    for (const value of attribute.values) {
      try {
        for (const ext of AsnConvert.parse(value, Extensions)) out.push(ext);
      } catch (cause) {
        throw new KeysmithError("csr.extension.invalid", { field: "csr.extensions", params: { extension: "extensionRequest" }, cause });
      }
    }
  }
  return out;
}

function sanOf(item: x509.GeneralName): San | undefined {
  const map: Partial<Record<string, SanType>> = { dns: "dns", ip: "ip", email: "email" };
  const type = map[item.type];
  return type ? { type, value: item.value } : undefined;
}

/**
 * Decode a CSR (PEM text, PEM bytes or DER). Not a CSR: KeysmithError "csr.not_a_csr". A signature that
 * does not verify is reported (`signatureValid: false` plus an error finding), not thrown.
 */
export async function inspectCsr(pemOrDer: string | Uint8Array, options: LintOptions & { crypto?: Crypto } = {}): Promise<CsrInfo> {
  let der: Uint8Array;
  try {
    [der] = derFromPemOrDer(pemOrDer, [PEM_LABEL_CSR, "NEW CERTIFICATE REQUEST"], "csr") as [Uint8Array];
  } catch (cause) {
    throw new KeysmithError("csr.not_a_csr", { field: "csr", cause });
  }
  let csr: x509.Pkcs10CertificateRequest;
  let asn: CertificationRequest;
  let spkiDer: Uint8Array;
  let described: ReturnType<typeof describeSpki>;
  try {
    asn = AsnConvert.parse(der, CertificationRequest);
    csr = new x509.Pkcs10CertificateRequest(der.slice());
    spkiDer = new Uint8Array(AsnConvert.serialize(asn.certificationRequestInfo.subjectPKInfo));
    described = describeSpki(spkiDer);
  } catch (cause) {
    throw new KeysmithError("csr.not_a_csr", { field: "csr", cause });
  }
  const subject = subjectFromDer(AsnConvert.serialize(asn.certificationRequestInfo.subject));
  const sans: San[] = [];
  const otherSans: string[] = [];
  const extensions: CsrInfo["extensions"] = {};
  // Each requested extension is decoded here, one at a time, so that malformed content (OpenSSL makes and
  // verifies a CSR with `-addext 2.5.29.15=DER:0302`) is a typed error naming that extension: through
  // `csr.extensions` @peculiar/x509 throws whatever its ASN.1 layer throws.
  for (const raw of requestedExtensions(asn)) {
    const name = EXTENSION_NAMES[raw.extnID] ?? raw.extnID;
    try {
      const ext = x509.ExtensionFactory.create(AsnConvert.serialize(raw));
      if (ext instanceof x509.SubjectAlternativeNameExtension) {
        for (const item of ext.names.items) {
          const san = sanOf(item);
          if (san) sans.push(san);
          else otherSans.push(item.type);
        }
      } else if (ext instanceof x509.KeyUsagesExtension) {
        extensions.keyUsage = keyUsageNames(ext.usages);
      } else if (ext instanceof x509.ExtendedKeyUsageExtension) {
        extensions.extKeyUsage = Array.from(ext.usages, (u) => extKeyUsageName(String(u)));
      }
    } catch (cause) {
      throw new KeysmithError("csr.extension.invalid", { field: `csr.extensions.${name}`, params: { extension: name }, cause });
    }
  }
  let signatureValid = false;
  try {
    signatureValid = await csr.verify(sm2Crypto(options.crypto));
  } catch {
    signatureValid = false; // an unsupported or malformed key/signature does not verify
  }
  const signatureAlgorithmOid = asn.signatureAlgorithm.algorithm;
  const info: CsrInfo = {
    subjectDn: formatDn(subject),
    subject,
    sans,
    otherSans,
    keySpec: described.keySpec,
    key: described.key,
    keyAlgorithm: described.key.algorithm,
    keyBits: described.key.bits,
    spkiDer,
    signatureAlgorithm: SIGNATURE_NAMES[signatureAlgorithmOid] ?? signatureAlgorithmOid,
    signatureAlgorithmOid,
    signatureValid,
    extensions,
    findings: [],
    der,
  };
  info.findings = lintCsr(info, options);
  return info;
}
