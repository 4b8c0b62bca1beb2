// One CSR path for every key spec: @peculiar/x509's Pkcs10CertificateRequestGenerator, handed a Crypto
// that also speaks SM2 (sm2.ts). The subject is encoded by subject.ts (UTF8String; PrintableString for
// C, IA5String for emailAddress); subjectAltName is always requested, with the CN among the names.
import * as x509 from "./x509";
import { sm2Crypto, sm2CryptoKeys } from "./sm2";
import type { KeyPair } from "./key-pair";
import { KEY_SPECS } from "../key-spec";
import { KeysmithError, fail } from "../errors";
import { pemEncode } from "../pem";
import { normalizeSans, type San } from "../san";
import { parseDn, subjectToDer, subjectValue, validateSubject, type Rdn, type SubjectRulesName } from "../subject";
import { EXT_KEY_USAGES, KEY_USAGE_FLAGS, TLS_SERVER_EXT_KEY_USAGE, defaultKeyUsage, type ExtKeyUsageName, type KeyUsageName } from "./usages";

export const PEM_LABEL_CSR = "CERTIFICATE REQUEST";

export interface CreateCsrOptions {
  /** RDNs (from parseDn / subjectFromFields) or RFC 4514 text. */
  subject: readonly Rdn[] | string;
  /** Extra names (DNS, IP, e-mail) as text or as normalised SANs; the CN is added when it is a name. */
  sans?: readonly (San | string)[];
  /** keyUsage to request (critical); `true` picks the usual set for the key family. */
  keyUsage?: readonly KeyUsageName[] | true;
  /** extKeyUsage to request; `true` means serverAuth. */
  extKeyUsage?: readonly ExtKeyUsageName[] | true;
  /** Subject rules to enforce (default "offline": CN required). */
  rules?: SubjectRulesName;
  /** SAN count limit (KMS: 10). */
  sanLimit?: number;
  crypto?: Crypto;
}

export interface CsrResult {
  pem: string;
  der: Uint8Array;
  /** What went in, after validation: the subject (CN as A-label) and the SANs. */
  subject: Rdn[];
  sans: San[];
}

export { defaultKeyUsage } from "./usages";

/** The validated subject and SANs a CSR would carry, without signing anything (for forms and the CLI). */
export function prepareCsrContent(options: Pick<CreateCsrOptions, "subject" | "sans" | "rules" | "sanLimit">): { subject: Rdn[]; sans: San[] } {
  const rdns = typeof options.subject === "string" ? parseDn(options.subject) : options.subject;
  const subject = validateSubject(rdns, options.rules ?? "offline");
  const names = (options.sans ?? []).map((s) => (typeof s === "string" ? s : s.value));
  const sans = normalizeSans(subjectValue(subject, "CN"), names, { limit: options.sanLimit });
  if (sans.length === 0) fail("csr.san.required", "san");
  return { subject, sans };
}

/** Same as prepareCsrContent (the name the CLI uses). */
export const prepareCsrRequest = prepareCsrContent;
/** Same as CreateCsrOptions. */
export type CsrRequest = CreateCsrOptions;

export async function createCsr(keyPair: KeyPair, options: CreateCsrOptions): Promise<CsrResult> {
  const { subject, sans } = prepareCsrContent(options);
  const spec = KEY_SPECS[keyPair.spec];
  const extensions: x509.Extension[] = [new x509.SubjectAlternativeNameExtension(sans.map((s) => ({ type: s.type, value: s.value })))];
  if (options.keyUsage === true || (options.keyUsage && options.keyUsage.length > 0)) {
    const names = options.keyUsage === true ? defaultKeyUsage(keyPair) : options.keyUsage;
    const flags = names.reduce((acc, n) => acc | KEY_USAGE_FLAGS[n], 0);
    extensions.push(new x509.KeyUsagesExtension(flags, true));
  }
  if (options.extKeyUsage === true || (options.extKeyUsage && options.extKeyUsage.length > 0)) {
    const names = options.extKeyUsage === true ? TLS_SERVER_EXT_KEY_USAGE : options.extKeyUsage;
    extensions.push(new x509.ExtendedKeyUsageExtension(names.map((n) => EXT_KEY_USAGES[n])));
  }
  const crypto = sm2Crypto(options.crypto);
  let keys: CryptoKeyPair;
  if (keyPair.kind === "sm2") {
    const wrapped = sm2CryptoKeys(keyPair.privateKey, keyPair.publicKey);
    keys = { privateKey: wrapped.privateKey!, publicKey: wrapped.publicKey };
  } else {
    keys = { privateKey: keyPair.privateKey, publicKey: keyPair.publicKey };
  }
  let csr: x509.Pkcs10CertificateRequest;
  try {
    csr = await x509.Pkcs10CertificateRequestGenerator.create(
      { name: new x509.Name(subjectToDer(subject).slice()), keys, signingAlgorithm: { ...spec.sign }, extensions },
      crypto,
    );
  } catch (cause) {
    if (cause instanceof KeysmithError) throw cause;
    // WebCrypto refusing the key (wrong algorithm or usages) is a caller mistake, not the user's input.
    throw new KeysmithError("csr.sign.failed", { field: "key", params: { spec: keyPair.spec }, cause });
  }
  const der = new Uint8Array(csr.rawData);
  return { pem: pemEncode(PEM_LABEL_CSR, der), der, subject, sans };
}
