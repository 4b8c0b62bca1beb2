// PKCS#8 private keys: make them from a key pair, encrypt them (PBES2, see pbes2.ts), read them back
// (plain or encrypted) with the public key they imply, and re-express them as PKCS#1 / SEC1 for the
// servers and Alibaba Cloud products that take only those.
import { AsnConvert, AsnParser, AsnSerializer } from "@peculiar/asn1-schema";
import { AlgorithmIdentifier, SubjectPublicKeyInfo } from "@peculiar/asn1-x509";
import { EncryptedData, EncryptedPrivateKeyInfo, PrivateKey, PrivateKeyInfo } from "@peculiar/asn1-pkcs8";
import { ECParameters, ECPrivateKey } from "@peculiar/asn1-ecc";
import { RSAPrivateKey, RSAPublicKey } from "@peculiar/asn1-rsa";
import { OctetString } from "@peculiar/asn1-schema";
import { sm2 } from "sm-crypto-v2";
import { KeysmithError } from "../errors";
import { derFromPemOrDer, pemEncode } from "../pem";
import { toArrayBuffer } from "./bytes";
import {
  CURVE_BY_OID, OID_BY_CURVE, OID_CURVE_SM2, OID_EC_PUBLIC_KEY, OID_RSA_ENCRYPTION,
  type KeyFamily, type NamedCurve,
} from "./key-algorithms";
import { pbes2Decrypt, pbes2Encrypt, type Pbes2Options } from "./pbes2";

/** The key pair shapes the core makes (see src/core/csr): WebCrypto keys, or raw SM2 bytes. */
export type KeyPairLike =
  | { kind: "webcrypto"; privateKey: CryptoKey; publicKey: CryptoKey }
  | { kind: "sm2"; privateKey: Uint8Array; publicKey: Uint8Array };

/** A private key read back from PKCS#8, with the public key it belongs to. */
export interface PrivateKeyMaterial {
  pkcs8: Uint8Array;
  family: KeyFamily;
  curve?: NamedCurve;
  /** SubjectPublicKeyInfo DER of the matching public key. */
  spki: Uint8Array;
}

const FIELD = "privateKey";

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
function unhex(text: string): Uint8Array {
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** SM2 private key as PKCS#8: id-ecPublicKey with the SM2 curve around a SEC1 ECPrivateKey. */
export function sm2PrivateKeyToPkcs8(privateKey: Uint8Array, publicKey: Uint8Array): Uint8Array {
  if (privateKey.length !== 32 || publicKey.length !== 65 || publicKey[0] !== 0x04) {
    throw new KeysmithError("export.key.malformed", { field: FIELD, params: { family: "SM2" } });
  }
  const ecKey = new ECPrivateKey({
    version: 1,
    privateKey: new OctetString(toArrayBuffer(privateKey)),
    publicKey: toArrayBuffer(publicKey),
  });
  const info = new PrivateKeyInfo({
    version: 0,
    privateKeyAlgorithm: new AlgorithmIdentifier({
      algorithm: OID_EC_PUBLIC_KEY,
      parameters: AsnConvert.serialize(new ECParameters({ namedCurve: OID_CURVE_SM2 })),
    }),
    privateKey: new PrivateKey(AsnConvert.serialize(ecKey)),
  });
  return new Uint8Array(AsnConvert.serialize(info));
}

/** PKCS#8 DER of a key pair. A non-extractable WebCrypto key refuses, with a typed error. */
export async function privateKeyToPkcs8(keyPair: KeyPairLike, crypto: Crypto = globalThis.crypto): Promise<Uint8Array> {
  if (keyPair.kind === "sm2") return sm2PrivateKeyToPkcs8(keyPair.privateKey, keyPair.publicKey);
  if (!keyPair.privateKey.extractable) throw new KeysmithError("export.key.not_exportable", { field: FIELD });
  return new Uint8Array(await crypto.subtle.exportKey("pkcs8", keyPair.privateKey));
}

export function pkcs8Pem(pkcs8Der: Uint8Array): string {
  return pemEncode("PRIVATE KEY", pkcs8Der);
}

/** EncryptedPrivateKeyInfo DER (PBES2, PBKDF2-HMAC-SHA256, AES-256-CBC). */
export async function encryptPkcs8(pkcs8Der: Uint8Array, passphrase: string, options: Pbes2Options = {}): Promise<Uint8Array> {
  const { algorithm, ciphertext } = await pbes2Encrypt(pkcs8Der, passphrase, options);
  const info = new EncryptedPrivateKeyInfo({ encryptionAlgorithm: algorithm, encryptedData: new EncryptedData(toArrayBuffer(ciphertext)) });
  return new Uint8Array(AsnConvert.serialize(info));
}

export async function encryptPkcs8Pem(pkcs8Der: Uint8Array, passphrase: string, options: Pbes2Options = {}): Promise<string> {
  return pemEncode("ENCRYPTED PRIVATE KEY", await encryptPkcs8(pkcs8Der, passphrase, options));
}

/** PKCS#8 DER from an encrypted key (PEM or DER). */
export async function decryptPkcs8(input: string | Uint8Array, passphrase: string, options: { crypto?: Crypto } = {}): Promise<Uint8Array> {
  const [der] = derFromPemOrDer(input, ["ENCRYPTED PRIVATE KEY"], FIELD);
  let info: EncryptedPrivateKeyInfo;
  try {
    info = AsnParser.parse(toArrayBuffer(der!), EncryptedPrivateKeyInfo);
  } catch {
    throw new KeysmithError("export.key.malformed", { field: FIELD, params: { family: "PKCS#8" } });
  }
  return pbes2Decrypt(info.encryptionAlgorithm, new Uint8Array(info.encryptedData.buffer), passphrase, options);
}

/**
 * Read a private key: `PRIVATE KEY` as is, `ENCRYPTED PRIVATE KEY` with the passphrase. PKCS#1 and SEC1
 * PEM are accepted too (converted to PKCS#8), since that is what many servers hold.
 */
export async function readPrivateKey(input: string | Uint8Array, passphrase?: string, crypto: Crypto = globalThis.crypto): Promise<PrivateKeyMaterial> {
  const text = typeof input === "string" ? input : new TextDecoder().decode(input);
  let pkcs8: Uint8Array;
  if (text.includes("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
    if (passphrase === undefined) throw new KeysmithError("export.passphrase.required", { field: FIELD });
    pkcs8 = await decryptPkcs8(text, passphrase, { crypto });
  } else if (text.includes("-----BEGIN RSA PRIVATE KEY-----")) {
    pkcs8 = rsaPkcs1ToPkcs8(derFromPemOrDer(text, ["RSA PRIVATE KEY"], FIELD)[0]!);
  } else if (text.includes("-----BEGIN EC PRIVATE KEY-----")) {
    pkcs8 = sec1ToPkcs8(derFromPemOrDer(text, ["EC PRIVATE KEY"], FIELD)[0]!);
  } else {
    pkcs8 = derFromPemOrDer(input, ["PRIVATE KEY"], FIELD)[0]!;
  }
  return describePkcs8(pkcs8, crypto);
}

function parsePrivateKeyInfo(pkcs8: Uint8Array): PrivateKeyInfo {
  try {
    return AsnParser.parse(toArrayBuffer(pkcs8), PrivateKeyInfo);
  } catch {
    throw new KeysmithError("export.key.malformed", { field: FIELD, params: { family: "PKCS#8" } });
  }
}

function curveOf(parameters: ArrayBuffer | null | undefined): NamedCurve {
  const oid = parameters ? AsnParser.parse(parameters, ECParameters).namedCurve : undefined;
  const curve = oid ? CURVE_BY_OID[oid] : undefined;
  if (!curve) throw new KeysmithError("export.key.unsupported", { field: FIELD, params: { algorithm: oid ?? "EC" } });
  return curve;
}

/** What a PKCS#8 key is and its public key. */
export async function describePkcs8(pkcs8: Uint8Array, crypto: Crypto = globalThis.crypto): Promise<PrivateKeyMaterial> {
  const info = parsePrivateKeyInfo(pkcs8);
  const alg = info.privateKeyAlgorithm;
  if (alg.algorithm === OID_RSA_ENCRYPTION) {
    const rsa = AsnParser.parse(info.privateKey.buffer, RSAPrivateKey);
    const pub = new RSAPublicKey({ modulus: rsa.modulus, publicExponent: rsa.publicExponent });
    const spki = new SubjectPublicKeyInfo({
      algorithm: new AlgorithmIdentifier({ algorithm: OID_RSA_ENCRYPTION, parameters: null }),
      subjectPublicKey: AsnSerializer.serialize(pub),
    });
    return { pkcs8, family: "RSA", spki: new Uint8Array(AsnConvert.serialize(spki)) };
  }
  if (alg.algorithm !== OID_EC_PUBLIC_KEY) {
    throw new KeysmithError("export.key.unsupported", { field: FIELD, params: { algorithm: alg.algorithm } });
  }
  const curve = curveOf(alg.parameters);
  const ec = AsnParser.parse(info.privateKey.buffer, ECPrivateKey);
  let point: Uint8Array;
  if (ec.publicKey) point = new Uint8Array(ec.publicKey);
  else if (curve === "SM2") point = unhex(sm2.getPublicKeyFromPrivateKey(hex(new Uint8Array(ec.privateKey.buffer))));
  else {
    // WebCrypto can only give the public half of a key it can export; import a throwaway extractable copy.
    const key = await crypto.subtle.importKey("pkcs8", toArrayBuffer(pkcs8), { name: "ECDSA", namedCurve: curve }, true, ["sign"]);
    const jwk = await crypto.subtle.exportKey("jwk", key);
    point = new Uint8Array([4, ...b64urlDecode(jwk.x!), ...b64urlDecode(jwk.y!)]);
  }
  const spki = new SubjectPublicKeyInfo({
    algorithm: new AlgorithmIdentifier({
      algorithm: OID_EC_PUBLIC_KEY,
      parameters: AsnConvert.serialize(new ECParameters({ namedCurve: OID_BY_CURVE[curve] })),
    }),
    subjectPublicKey: toArrayBuffer(point),
  });
  return { pkcs8, family: curve === "SM2" ? "SM2" : "EC", curve, spki: new Uint8Array(AsnConvert.serialize(spki)) };
}

function b64urlDecode(text: string): Uint8Array {
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (text.length % 4)) % 4);
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

/** `BEGIN RSA PRIVATE KEY` (PKCS#1): what Function Compute and CDN uploads ask for. */
export function pkcs8ToPkcs1Pem(pkcs8: Uint8Array): string {
  const info = parsePrivateKeyInfo(pkcs8);
  if (info.privateKeyAlgorithm.algorithm !== OID_RSA_ENCRYPTION) {
    throw new KeysmithError("export.format.wrong_family", { field: "format", params: { format: "PKCS#1", family: "RSA" } });
  }
  return pemEncode("RSA PRIVATE KEY", new Uint8Array(info.privateKey.buffer));
}

/** `BEGIN EC PRIVATE KEY` (SEC1, RFC 5915) with the curve named inside, as OpenSSL writes it. */
export function pkcs8ToSec1Pem(pkcs8: Uint8Array): string {
  const info = parsePrivateKeyInfo(pkcs8);
  if (info.privateKeyAlgorithm.algorithm !== OID_EC_PUBLIC_KEY) {
    throw new KeysmithError("export.format.wrong_family", { field: "format", params: { format: "SEC1", family: "EC/SM2" } });
  }
  const curve = curveOf(info.privateKeyAlgorithm.parameters);
  const ec = AsnParser.parse(info.privateKey.buffer, ECPrivateKey);
  ec.parameters = new ECParameters({ namedCurve: OID_BY_CURVE[curve] });
  return pemEncode("EC PRIVATE KEY", new Uint8Array(AsnConvert.serialize(ec)));
}

function rsaPkcs1ToPkcs8(pkcs1: Uint8Array): Uint8Array {
  const info = new PrivateKeyInfo({
    version: 0,
    privateKeyAlgorithm: new AlgorithmIdentifier({ algorithm: OID_RSA_ENCRYPTION, parameters: null }),
    privateKey: new PrivateKey(toArrayBuffer(pkcs1)),
  });
  return new Uint8Array(AsnConvert.serialize(info));
}

function sec1ToPkcs8(sec1: Uint8Array): Uint8Array {
  const ec = AsnParser.parse(toArrayBuffer(sec1), ECPrivateKey);
  const curveOid = ec.parameters?.namedCurve;
  if (!curveOid || !CURVE_BY_OID[curveOid]) throw new KeysmithError("export.key.unsupported", { field: FIELD, params: { algorithm: curveOid ?? "EC" } });
  ec.parameters = undefined;
  const info = new PrivateKeyInfo({
    version: 0,
    privateKeyAlgorithm: new AlgorithmIdentifier({
      algorithm: OID_EC_PUBLIC_KEY,
      parameters: AsnConvert.serialize(new ECParameters({ namedCurve: curveOid })),
    }),
    privateKey: new PrivateKey(AsnConvert.serialize(ec)),
  });
  return new Uint8Array(AsnConvert.serialize(info));
}
