// PKCS#8 (RFC 5208/5958): the private key format every export starts from. Plain PrivateKeyInfo for
// WebCrypto keys comes from `exportKey("pkcs8")`; SM2 keys (no WebCrypto) are written as OpenSSL and CAs
// expect: id-ecPublicKey on the SM2 curve around a SEC1 ECPrivateKey. Encryption is PBES2 (pbes2.ts).
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import { ECParameters, ECPrivateKey } from "@peculiar/asn1-ecc";
import { EncryptedPrivateKeyInfo, PrivateKeyInfo } from "@peculiar/asn1-pkcs8";
import { AlgorithmIdentifier } from "@peculiar/asn1-x509";
import { KeysmithError } from "../errors";
import { derFromPemOrDer, pemDecodeAll, pemEncode, isPem } from "../pem";
import { toArrayBuffer } from "./bytes";
import { OID_CURVE_SM2, OID_EC_PUBLIC_KEY, type ExportableKeyPair } from "./key-material";
import { pbes2Decrypt, pbes2Encrypt, type Pbes2Options } from "./pbes2";
import { describePkcs8, type PrivateKeyDescription } from "./private-key-description";
import { pkcs1ToPkcs8, sec1ToPkcs8 } from "./traditional-pem";

export const PEM_LABEL_PKCS8 = "PRIVATE KEY";
export const PEM_LABEL_ENCRYPTED_PKCS8 = "ENCRYPTED PRIVATE KEY";

/** The PKCS#8 DER of a key pair. A WebCrypto key must be extractable (exportable keys are, transiently). */
export async function privateKeyToPkcs8(keyPair: ExportableKeyPair, options: { crypto?: Crypto } = {}): Promise<Uint8Array> {
  if (keyPair.kind === "sm2") return sm2PrivateKeyToPkcs8(keyPair.privateKey, keyPair.publicKey);
  if (!keyPair.privateKey.extractable) throw new KeysmithError("export.key.not_exportable", { field: "key" });
  const crypto = options.crypto ?? globalThis.crypto;
  return new Uint8Array(await crypto.subtle.exportKey("pkcs8", keyPair.privateKey));
}

/** SM2 as PKCS#8: id-ecPublicKey + curve 1.2.156.10197.1.301 + ECPrivateKey (with the public point). */
export function sm2PrivateKeyToPkcs8(privateKey: Uint8Array, publicKey: Uint8Array): Uint8Array {
  if (privateKey.length !== 32) throw new KeysmithError("export.key.invalid", { field: "key", params: { detail: "SM2 private key length" } });
  if (publicKey.length !== 65 || publicKey[0] !== 0x04) throw new KeysmithError("export.key.invalid", { field: "key", params: { detail: "SM2 public key" } });
  const ecPrivateKey = new ECPrivateKey({
    version: 1,
    privateKey: new OctetString(toArrayBuffer(privateKey)),
    publicKey: toArrayBuffer(publicKey),
  });
  const info = new PrivateKeyInfo({
    privateKeyAlgorithm: new AlgorithmIdentifier({
      algorithm: OID_EC_PUBLIC_KEY,
      parameters: AsnConvert.serialize(new ECParameters({ namedCurve: OID_CURVE_SM2 })),
    }),
    privateKey: new OctetString(AsnConvert.serialize(ecPrivateKey)),
  });
  return new Uint8Array(AsnConvert.serialize(info));
}

export function pkcs8Pem(pkcs8Der: Uint8Array): string {
  return pemEncode(PEM_LABEL_PKCS8, pkcs8Der);
}

/** EncryptedPrivateKeyInfo DER (also the PKCS#12 shrouded key bag's content). */
export async function encryptPkcs8(pkcs8Der: Uint8Array, passphrase: string, options: Pbes2Options = {}): Promise<Uint8Array> {
  parsePrivateKeyInfo(pkcs8Der);
  const { algorithm, ciphertext } = await pbes2Encrypt(pkcs8Der, passphrase, options);
  const info = new EncryptedPrivateKeyInfo({ encryptionAlgorithm: algorithm, encryptedData: new OctetString(toArrayBuffer(ciphertext)) });
  return new Uint8Array(AsnConvert.serialize(info));
}

/** "ENCRYPTED PRIVATE KEY" PEM: PBES2, PBKDF2-HMAC-SHA256 (600,000 iterations unless told), AES-256-CBC. */
export async function encryptPkcs8Pem(pkcs8Der: Uint8Array, passphrase: string, options: Pbes2Options = {}): Promise<string> {
  return pemEncode(PEM_LABEL_ENCRYPTED_PKCS8, await encryptPkcs8(pkcs8Der, passphrase, options));
}

/** The PKCS#8 DER inside an encrypted PKCS#8 (PEM or DER). A wrong passphrase is `export.passphrase.wrong`. */
export async function decryptPkcs8(pemOrDer: string | Uint8Array, passphrase: string, options: { crypto?: Crypto } = {}): Promise<Uint8Array> {
  const [der] = derFromPemOrDer(pemOrDer, [PEM_LABEL_ENCRYPTED_PKCS8], "key");
  let info: EncryptedPrivateKeyInfo;
  try {
    info = AsnConvert.parse(der!, EncryptedPrivateKeyInfo);
  } catch {
    throw new KeysmithError("export.key.invalid", { field: "key", params: { detail: "EncryptedPrivateKeyInfo" } });
  }
  const plain = await pbes2Decrypt(info.encryptionAlgorithm, new Uint8Array(info.encryptedData.buffer), passphrase, options);
  try {
    parsePrivateKeyInfo(plain);
  } catch {
    // PBES2-CBC padding may pass by chance with a wrong passphrase; garbage inside says the same.
    throw new KeysmithError("export.passphrase.wrong", { field: "passphrase" });
  }
  return plain;
}

export function parsePrivateKeyInfo(der: Uint8Array): PrivateKeyInfo {
  try {
    return AsnConvert.parse(der, PrivateKeyInfo);
  } catch {
    throw new KeysmithError("export.key.invalid", { field: "key", params: { detail: "PrivateKeyInfo" } });
  }
}

export interface ReadPrivateKeyOptions {
  crypto?: Crypto;
  /** For WebCrypto keys: import the private CryptoKey extractable (default false). */
  extractable?: boolean;
}

/**
 * Read a private key as people have them: PKCS#8 ("PRIVATE KEY"), encrypted PKCS#8 (needs `passphrase`),
 * PKCS#1 ("RSA PRIVATE KEY") or SEC1 ("EC PRIVATE KEY"), PEM or DER. Returns a KeyPair-like value plus
 * its PKCS#8 and SubjectPublicKeyInfo DER.
 */
export async function readPrivateKey(
  input: string | Uint8Array, passphrase?: string, options: ReadPrivateKeyOptions = {},
): Promise<PrivateKeyDescription> {
  return describePkcs8(await privateKeyInputToPkcs8(input, passphrase, options), options);
}

async function privateKeyInputToPkcs8(input: string | Uint8Array, passphrase: string | undefined, options: ReadPrivateKeyOptions): Promise<Uint8Array> {
  const text = typeof input === "string" ? input : input.length > 0 && input[0] !== 0x30 ? new TextDecoder().decode(input) : undefined;
  if (text === undefined) {
    const der = input as Uint8Array;
    try {
      AsnConvert.parse(der, PrivateKeyInfo);
      return der;
    } catch {
      return decryptWith(der, passphrase, options);
    }
  }
  if (!isPem(text)) throw new KeysmithError("export.key.not_a_key", { field: "key" });
  const block = pemDecodeAll(text, "key").find((b) => KEY_LABELS.includes(b.label));
  if (!block) throw new KeysmithError("export.key.not_a_key", { field: "key" });
  switch (block.label) {
    case PEM_LABEL_PKCS8:
      parsePrivateKeyInfo(block.der);
      return block.der;
    case PEM_LABEL_ENCRYPTED_PKCS8:
      return decryptWith(block.der, passphrase, options);
    case "RSA PRIVATE KEY":
      return pkcs1ToPkcs8(block.der);
    default:
      return sec1ToPkcs8(block.der);
  }
}

const KEY_LABELS = [PEM_LABEL_PKCS8, PEM_LABEL_ENCRYPTED_PKCS8, "RSA PRIVATE KEY", "EC PRIVATE KEY"];

function decryptWith(der: Uint8Array, passphrase: string | undefined, options: ReadPrivateKeyOptions): Promise<Uint8Array> {
  if (passphrase === undefined) throw new KeysmithError("export.passphrase.required", { field: "passphrase" });
  return decryptPkcs8(der, passphrase, options);
}

export type { PrivateKeyDescription };
