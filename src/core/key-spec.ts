// The key-spec catalogue: one entry per key type Keysmith makes, mapping it to WebCrypto parameters,
// to KMS KeySpec names and to cas CreateCsr Algorithm/KeySize pairs. Adding a spec is adding an entry.
import { fail } from "./errors";

export type KeySpecId = "RSA_2048" | "RSA_3072" | "RSA_4096" | "EC_P256" | "EC_P384" | "EC_SM2";
export type KeyFamily = "RSA" | "EC" | "SM2";
export type KmsKeySpec = "RSA_2048" | "EC_P256" | "EC_SM2";
export type CasCsrAlgorithm = "RSA" | "ECC" | "SM2";

export interface KeySpec {
  id: KeySpecId;
  family: KeyFamily;
  /** RSA modulus length or the curve's size in bits. */
  bits: number;
  /** WebCrypto curve name, or "SM2" (not a WebCrypto curve: the SM2 plug-in handles it). */
  curve?: "P-256" | "P-384" | "SM2";
  /** OID of the named curve in the SPKI (EC and SM2). */
  curveOid?: string;
  /** Parameters for crypto.subtle.generateKey; absent for SM2. */
  generate?: RsaHashedKeyGenParams | EcKeyGenParams;
  /** Signing algorithm for crypto.subtle.sign (SM2: the plug-in's own name). */
  sign: { name: string; hash: string };
  /** Digest used in the CSR signature. */
  hash: "SHA-256" | "SHA-384" | "SM3";
  kms?: KmsKeySpec;
  casCsr?: { algorithm: CasCsrAlgorithm; keySize: number };
}

const RSA_EXPONENT = new Uint8Array([1, 0, 1]);

function rsa(id: KeySpecId, bits: number, kms?: KmsKeySpec): KeySpec {
  return {
    id,
    family: "RSA",
    bits,
    generate: { name: "RSASSA-PKCS1-v1_5", modulusLength: bits, publicExponent: RSA_EXPONENT, hash: "SHA-256" },
    sign: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
    hash: "SHA-256",
    kms,
    casCsr: { algorithm: "RSA", keySize: bits },
  };
}

export const SM2_CURVE_OID = "1.2.156.10197.1.301";

export const KEY_SPECS: Record<KeySpecId, KeySpec> = {
  RSA_2048: rsa("RSA_2048", 2048, "RSA_2048"),
  RSA_3072: rsa("RSA_3072", 3072),
  RSA_4096: rsa("RSA_4096", 4096),
  EC_P256: {
    id: "EC_P256",
    family: "EC",
    bits: 256,
    curve: "P-256",
    curveOid: "1.2.840.10045.3.1.7",
    generate: { name: "ECDSA", namedCurve: "P-256" },
    sign: { name: "ECDSA", hash: "SHA-256" },
    hash: "SHA-256",
    kms: "EC_P256",
    casCsr: { algorithm: "ECC", keySize: 256 },
  },
  EC_P384: {
    id: "EC_P384",
    family: "EC",
    bits: 384,
    curve: "P-384",
    curveOid: "1.3.132.0.34",
    generate: { name: "ECDSA", namedCurve: "P-384" },
    // P-384 pairs with SHA-384 (same security level; what CAs and OpenSSL default to).
    sign: { name: "ECDSA", hash: "SHA-384" },
    hash: "SHA-384",
    // cas CreateCsr offers ECC only at 256 bits and KMS only P-256: no cloud mapping.
  },
  EC_SM2: {
    id: "EC_SM2",
    family: "SM2",
    bits: 256,
    curve: "SM2",
    curveOid: SM2_CURVE_OID,
    sign: { name: "SM2", hash: "SM3" },
    hash: "SM3",
    kms: "EC_SM2",
    casCsr: { algorithm: "SM2", keySize: 256 },
  },
};

export const KEY_SPEC_IDS = Object.keys(KEY_SPECS) as KeySpecId[];

export function isKeySpecId(text: unknown): text is KeySpecId {
  return typeof text === "string" && Object.prototype.hasOwnProperty.call(KEY_SPECS, text);
}

/** Accepts the ids case-insensitively, with "-" for "_" (ec-p256). Unknown (e.g. RSA_1024): typed error. */
export function parseKeySpec(text: string, field = "keySpec"): KeySpecId {
  const id = text.trim().toUpperCase().replace(/-/g, "_");
  if (isKeySpecId(id)) return id;
  return fail("key_spec.unknown", field, { value: text, allowed: KEY_SPEC_IDS.join(", ") });
}

export function keySpecFromKms(kmsSpec: string): KeySpecId | undefined {
  return KEY_SPEC_IDS.find((id) => KEY_SPECS[id].kms === kmsSpec);
}

export function keySpecFromCasCsr(algorithm: string, keySize: number | string): KeySpecId | undefined {
  const size = Number(keySize);
  return KEY_SPEC_IDS.find((id) => KEY_SPECS[id].casCsr?.algorithm === algorithm.toUpperCase() && KEY_SPECS[id].casCsr?.keySize === size);
}

/** Operations that take a key spec or a CSR, with the rule each applies. */
export type SpecOperation =
  | "kms"
  | "casCreateCsr"
  | "CreateCertificateWithCsrRequest"
  | "CreateCertificateForPackageRequest"
  | "offline";

const OPERATION_RULES: Record<SpecOperation, (spec: KeySpec) => boolean> = {
  kms: (s) => s.kms !== undefined,
  casCreateCsr: (s) => s.casCsr !== undefined,
  // The cas docs: "RSA at least 2048 bits, or ECC; not SM2".
  CreateCertificateWithCsrRequest: (s) => (s.family === "RSA" && s.bits >= 2048) || s.family === "EC",
  CreateCertificateForPackageRequest: (s) => (s.family === "RSA" && s.bits >= 2048) || s.family === "EC",
  offline: () => true,
};

export const SPEC_OPERATIONS = Object.keys(OPERATION_RULES) as SpecOperation[];

export function isSpecOperation(text: unknown): text is SpecOperation {
  return typeof text === "string" && Object.prototype.hasOwnProperty.call(OPERATION_RULES, text);
}

export function acceptsSpec(operation: SpecOperation, spec: KeySpecId): boolean {
  return OPERATION_RULES[operation](KEY_SPECS[spec]);
}

export function specsAcceptedBy(operation: SpecOperation): KeySpecId[] {
  return KEY_SPEC_IDS.filter((id) => acceptsSpec(operation, id));
}
