// Making a PKCS#10 CSR for any key spec through @peculiar/x509's one generator. RSA and EC keys sign with
// WebCrypto; SM2 keys sign through the SM2 plug-in (./sm2.ts), which the same generator reaches via the
// SM2-capable crypto provider. subjectAltName is always requested; keyUsage / extKeyUsage when asked.
import {
  ExtendedKeyUsageExtension, KeyUsageFlags, KeyUsagesExtension, Name, Pkcs10CertificateRequestGenerator,
  SubjectAlternativeNameExtension, type Extension,
} from "./x509";
import { sm2Crypto, sm2CryptoKeys } from "./sm2";
import { fail } from "../errors";
import { KEY_SPECS } from "../key-spec";
import { pemEncode } from "../pem";
import { normalizeSans, type San } from "../san";
import { parseDn, subjectToDer, subjectValue, validateSubject, type Rdn, type SubjectRulesName } from "../subject";
import type { KeyPair } from "./key-pair";
import { OID_CLIENT_AUTH, OID_SERVER_AUTH } from "./oids";

export const KEY_USAGES = {
  digitalSignature: KeyUsageFlags.digitalSignature,
  nonRepudiation: KeyUsageFlags.nonRepudiation,
  keyEncipherment: KeyUsageFlags.keyEncipherment,
  dataEncipherment: KeyUsageFlags.dataEncipherment,
  keyAgreement: KeyUsageFlags.keyAgreement,
} as const;
export type KeyUsageName = keyof typeof KEY_USAGES;

export const EXT_KEY_USAGES = { serverAuth: OID_SERVER_AUTH, clientAuth: OID_CLIENT_AUTH } as const;
export type ExtKeyUsageName = keyof typeof EXT_KEY_USAGES;

/** What a TLS server key of each family is used for (RSA key transport; EC/SM2 signatures only). */
export function defaultKeyUsage(keyPair: Pick<KeyPair, "spec">): KeyUsageName[] {
  return KEY_SPECS[keyPair.spec].family === "RSA" ? ["digitalSignature", "keyEncipherment"] : ["digitalSignature"];
}

export function parseKeyUsages(text: string, field = "keyUsage"): KeyUsageName[] {
  return text.split(",").map((s) => s.trim()).filter(Boolean).map((name) => {
    if (!Object.prototype.hasOwnProperty.call(KEY_USAGES, name)) fail("csr.key_usage.unknown", field, { value: name, allowed: Object.keys(KEY_USAGES).join(", ") });
    return name as KeyUsageName;
  });
}

export function parseExtKeyUsages(text: string, field = "extKeyUsage"): ExtKeyUsageName[] {
  return text.split(",").map((s) => s.trim()).filter(Boolean).map((name) => {
    if (!Object.prototype.hasOwnProperty.call(EXT_KEY_USAGES, name)) fail("csr.ext_key_usage.unknown", field, { value: name, allowed: Object.keys(EXT_KEY_USAGES).join(", ") });
    return name as ExtKeyUsageName;
  });
}

export interface CsrRequest {
  /** RFC 4514 text or parsed RDNs (text order, most significant last). */
  subject: string | readonly Rdn[];
  /** Extra names (strings are classified and normalised; the CN is added when it is a host name). */
  sans?: readonly (string | San)[];
  keyUsage?: readonly KeyUsageName[];
  extKeyUsage?: readonly ExtKeyUsageName[];
  /** Required-field rules to apply to the subject (default "offline": CN only). */
  rules?: SubjectRulesName;
  /** Maximum number of SANs (e.g. SAN_LIMITS.kms). */
  sanLimit?: number;
  crypto?: Crypto;
}

export interface CsrResult {
  pem: string;
  der: Uint8Array;
  /** The subject as encoded (CN as A-label). */
  subject: Rdn[];
  sans: San[];
}

/** Validate the request's subject and SANs as createCsr would, without a key (for forms and the CLI). */
export function prepareCsrRequest(request: Pick<CsrRequest, "subject" | "sans" | "rules" | "sanLimit">): { subject: Rdn[]; sans: San[] } {
  const rdns = typeof request.subject === "string" ? parseDn(request.subject) : request.subject;
  const subject = validateSubject(rdns, request.rules ?? "offline");
  const names = (request.sans ?? []).map((s) => (typeof s === "string" ? s : s.value));
  const sans = normalizeSans(subjectValue(subject, "CN"), names, { limit: request.sanLimit });
  if (sans.length === 0) fail("csr.san.required", "san");
  return { subject, sans };
}

export async function createCsr(keyPair: KeyPair, request: CsrRequest): Promise<CsrResult> {
  const { subject, sans } = prepareCsrRequest(request);
  const extensions: Extension[] = [new SubjectAlternativeNameExtension(sans.map((s) => ({ type: s.type, value: s.value })))];
  if (request.keyUsage && request.keyUsage.length > 0) {
    const flags = request.keyUsage.reduce((acc, name) => acc | KEY_USAGES[name], 0);
    extensions.push(new KeyUsagesExtension(flags, true));
  }
  if (request.extKeyUsage && request.extKeyUsage.length > 0) {
    extensions.push(new ExtendedKeyUsageExtension(request.extKeyUsage.map((n) => EXT_KEY_USAGES[n])));
  }
  const spec = KEY_SPECS[keyPair.spec];
  // One provider for every spec: it passes RSA/EC through to WebCrypto and handles SM2 itself.
  const crypto = sm2Crypto(request.crypto);
  const keys =
    keyPair.kind === "sm2"
      ? (sm2CryptoKeys(keyPair.privateKey, keyPair.publicKey) as { privateKey: CryptoKey; publicKey: CryptoKey })
      : { privateKey: keyPair.privateKey, publicKey: keyPair.publicKey };
  const csr = await Pkcs10CertificateRequestGenerator.create(
    {
      name: new Name(subjectToDer(subject).slice().buffer),
      keys,
      signingAlgorithm: { ...spec.sign },
      extensions,
    },
    crypto,
  );
  const der = new Uint8Array(csr.rawData);
  return { der, pem: pemEncode("CERTIFICATE REQUEST", der), subject, sans };
}
