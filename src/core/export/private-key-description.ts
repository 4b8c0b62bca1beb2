// What a PKCS#8 private key is: its spec, its SubjectPublicKeyInfo (to match certificates by public key)
// and a usable KeyPair-like value (WebCrypto CryptoKeys, or SM2 raw bytes for sm-crypto-v2).
import { AsnConvert } from "@peculiar/asn1-schema";
import { ECParameters, ECPrivateKey } from "@peculiar/asn1-ecc";
import { RSAPrivateKey, RSAPublicKey } from "@peculiar/asn1-rsa";
import { AlgorithmIdentifier, SubjectPublicKeyInfo } from "@peculiar/asn1-x509";
import { sm2 } from "sm-crypto-v2";
import { KeysmithError } from "../errors";
import { bytesEqual, toArrayBuffer } from "./bytes";
import {
  EC_CURVES, OID_EC_PUBLIC_KEY, OID_RSA_ENCRYPTION, RSA_SPEC_BY_BITS, webCryptoAlgorithmFor,
  type ExportKeySpecId,
} from "./key-material";
import { parsePrivateKeyInfo } from "./pkcs8";

interface DescriptionCommon {
  spec: ExportKeySpecId;
  pkcs8Der: Uint8Array;
  spkiDer: Uint8Array;
}
export type PrivateKeyDescription =
  | (DescriptionCommon & { kind: "webcrypto"; privateKey: CryptoKey; publicKey: CryptoKey })
  | (DescriptionCommon & { kind: "sm2"; privateKey: Uint8Array; publicKey: Uint8Array });

function invalid(detail: string): never {
  throw new KeysmithError("export.key.invalid", { field: "key", params: { detail } });
}

function unsupported(detail: string): never {
  throw new KeysmithError("export.key.unsupported", { field: "key", params: { detail } });
}

/** The key parses but its parts do not belong together (a flipped bit, a public key of another key). */
function inconsistent(detail: string): never {
  throw new KeysmithError("export.key.inconsistent", { field: "key", params: { detail } });
}

/** The order n of each supported curve's base point: a private scalar d must be in [1, n-1]. */
const CURVE_ORDERS: Record<string, bigint> = {
  "1.2.840.10045.3.1.7": 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
  "1.3.132.0.34": 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
  "1.2.156.10197.1.301": 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n,
};

function toBigInt(bytes: ArrayBuffer | Uint8Array): bigint {
  const hex = bytesToHex(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes));
  return hex === "" ? 0n : BigInt(`0x${hex}`);
}

function gcd(a: bigint, b: bigint): bigint {
  while (b) [a, b] = [b, a % b];
  return a;
}

/**
 * An RSA private key whose numbers disagree signs with one key and publishes another: a flipped bit in
 * the modulus made CSRs whose signature did not verify. Checks n = p·q, e·d ≡ 1 (mod λ(n)) and the CRT
 * values (dP, dQ, qInv), which is what signing uses.
 */
function checkRsaConsistency(rsa: RSAPrivateKey): void {
  if (rsa.version !== 0 || rsa.otherPrimeInfos) unsupported("multi-prime RSA");
  // No number of a well-formed key is longer than the modulus; refusing longer ones first also keeps the
  // arithmetic below bounded on a hostile file.
  const size = unsignedLength(new Uint8Array(rsa.modulus));
  const fields = [rsa.publicExponent, rsa.privateExponent, rsa.prime1, rsa.prime2, rsa.exponent1, rsa.exponent2, rsa.coefficient];
  if (fields.some((f) => unsignedLength(new Uint8Array(f)) > size)) inconsistent("a number longer than the modulus");
  const n = toBigInt(rsa.modulus);
  const e = toBigInt(rsa.publicExponent);
  const d = toBigInt(rsa.privateExponent);
  const p = toBigInt(rsa.prime1);
  const q = toBigInt(rsa.prime2);
  if (p < 3n || q < 3n || e < 3n || d < 1n) inconsistent("RSA parameters out of range");
  if (p * q !== n) inconsistent("modulus is not prime1 × prime2");
  const lambda = ((p - 1n) * (q - 1n)) / gcd(p - 1n, q - 1n);
  if ((e * d) % lambda !== 1n) inconsistent("privateExponent is not the inverse of publicExponent");
  if (toBigInt(rsa.exponent1) !== d % (p - 1n) || toBigInt(rsa.exponent2) !== d % (q - 1n)) inconsistent("CRT exponents");
  if ((toBigInt(rsa.coefficient) * q) % p !== 1n) inconsistent("CRT coefficient");
}

export function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function bytesToHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Unsigned big-endian integer bytes without leading zeros (ASN.1 INTEGERs may carry one). */
function unsignedLength(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  return bytes.length - i;
}

function leftPad(bytes: Uint8Array, length: number): Uint8Array {
  if (bytes.length === length) return bytes;
  if (bytes.length > length) return bytes.slice(bytes.length - length);
  const out = new Uint8Array(length);
  out.set(bytes, length - bytes.length);
  return out;
}

export function ecSpki(curveOid: string, point: Uint8Array): Uint8Array {
  const spki = new SubjectPublicKeyInfo({
    algorithm: new AlgorithmIdentifier({
      algorithm: OID_EC_PUBLIC_KEY,
      parameters: AsnConvert.serialize(new ECParameters({ namedCurve: curveOid })),
    }),
    subjectPublicKey: toArrayBuffer(point),
  });
  return new Uint8Array(AsnConvert.serialize(spki));
}

/** The named curve of an EC PrivateKeyInfo (algorithm parameters, else the ECPrivateKey's own). */
export function ecCurveOid(algorithmParameters: ArrayBuffer | null | undefined, ecKey: ECPrivateKey): string {
  if (algorithmParameters) {
    let params: ECParameters;
    try {
      params = AsnConvert.parse(algorithmParameters, ECParameters);
    } catch {
      // Explicit curve parameters (specifiedCurve) the schema cannot read, or not parameters at all.
      return unsupported("EC key without a named curve");
    }
    if (params.namedCurve) return params.namedCurve;
  }
  if (ecKey.parameters?.namedCurve) return ecKey.parameters.namedCurve;
  return unsupported("EC key without a named curve");
}

export async function describePkcs8(
  pkcs8Der: Uint8Array, options: { crypto?: Crypto; extractable?: boolean } = {},
): Promise<PrivateKeyDescription> {
  const crypto = options.crypto ?? globalThis.crypto;
  const info = parsePrivateKeyInfo(pkcs8Der);
  const algorithm = info.privateKeyAlgorithm.algorithm;
  const inner = info.privateKey.buffer;

  if (algorithm === OID_RSA_ENCRYPTION) {
    let rsa: RSAPrivateKey;
    try {
      rsa = AsnConvert.parse(inner, RSAPrivateKey);
    } catch {
      return invalid("RSAPrivateKey");
    }
    const bits = unsignedLength(new Uint8Array(rsa.modulus)) * 8;
    const spec = RSA_SPEC_BY_BITS[bits] ?? unsupported(`RSA ${bits}`);
    checkRsaConsistency(rsa);
    const spkiDer = new Uint8Array(AsnConvert.serialize(new SubjectPublicKeyInfo({
      algorithm: new AlgorithmIdentifier({ algorithm: OID_RSA_ENCRYPTION, parameters: null }),
      subjectPublicKey: AsnConvert.serialize(new RSAPublicKey({ modulus: rsa.modulus, publicExponent: rsa.publicExponent })),
    })));
    return importWebCrypto(crypto, spec, pkcs8Der, spkiDer, options.extractable ?? false);
  }

  if (algorithm !== OID_EC_PUBLIC_KEY) return unsupported(algorithm);
  let ecKey: ECPrivateKey;
  try {
    ecKey = AsnConvert.parse(inner, ECPrivateKey);
  } catch {
    return invalid("ECPrivateKey");
  }
  const curveOid = ecCurveOid(info.privateKeyAlgorithm.parameters, ecKey);
  const curve = EC_CURVES[curveOid] ?? unsupported(`curve ${curveOid}`);
  // d is an integer in [1, n-1], at most the curve's size: leftPad would otherwise cut a longer d to its
  // last bytes (a 40-byte SM2 d was silently truncated) and d = 0 has no public key.
  const dBytes = new Uint8Array(ecKey.privateKey.buffer);
  if (unsignedLength(dBytes) > curve.coordinateBytes) invalid("EC private key longer than the curve");
  const dValue = toBigInt(dBytes);
  if (dValue < 1n || dValue >= CURVE_ORDERS[curveOid]!) invalid("EC private key out of range");
  const d = leftPad(dBytes, curve.coordinateBytes);

  if (curve.spec === "EC_SM2") {
    let derived: Uint8Array;
    try {
      derived = hexToBytes(sm2.getPublicKeyFromPrivateKey(bytesToHex(d)));
    } catch {
      return invalid("SM2 private key");
    }
    // A stored public point must be the one d makes (so also on the curve); compressed form accepted.
    if (ecKey.publicKey && !sameEcPoint(new Uint8Array(ecKey.publicKey), derived)) inconsistent("public key does not match the private key");
    return { spec: "EC_SM2", kind: "sm2", privateKey: d, publicKey: derived, pkcs8Der, spkiDer: ecSpki(curveOid, derived) };
  }

  let point = ecKey.publicKey ? new Uint8Array(ecKey.publicKey) : undefined;
  if (!point) {
    // No public point in the file: let WebCrypto compute it (JWK export carries x and y).
    try {
      const temp = await crypto.subtle.importKey("pkcs8", toArrayBuffer(pkcs8Der), { name: "ECDSA", namedCurve: curve.namedCurve! }, true, ["sign"]);
      const jwk = await crypto.subtle.exportKey("jwk", temp);
      const b64url = (s: string) => Uint8Array.from(atob(s.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
      point = new Uint8Array([4, ...b64url(jwk.x!), ...b64url(jwk.y!)]);
    } catch {
      return invalid("WebCrypto refused the key");
    }
  }
  return importWebCrypto(crypto, curve.spec, pkcs8Der, ecSpki(curveOid, point), options.extractable ?? false);
}

/** `stored` (04‖X‖Y, or 02/03‖X) is the uncompressed point `derived`. */
function sameEcPoint(stored: Uint8Array, derived: Uint8Array): boolean {
  if (stored.length === derived.length) return bytesEqual(stored, derived);
  const size = (derived.length - 1) / 2;
  if (stored.length !== size + 1) return false;
  const yOdd = (derived[derived.length - 1]! & 1) === 1;
  return stored[0] === (yOdd ? 0x03 : 0x02) && bytesEqual(stored.subarray(1), derived.subarray(1, 1 + size));
}

/** Sign a fixed message with the private key and verify it with the public key built from the file. */
async function signsAsItsPublicKey(crypto: Crypto, spec: ExportKeySpecId, privateKey: CryptoKey, publicKey: CryptoKey): Promise<boolean> {
  const params: AlgorithmIdentifierLike = spec.startsWith("RSA") ? { name: "RSASSA-PKCS1-v1_5" } : { name: "ECDSA", hash: spec === "EC_P384" ? "SHA-384" : "SHA-256" };
  const message = new TextEncoder().encode("keysmith private key self-check");
  try {
    const signature = await crypto.subtle.sign(params, privateKey, message);
    return await crypto.subtle.verify(params, publicKey, signature, message);
  } catch {
    return false;
  }
}
type AlgorithmIdentifierLike = { name: string; hash?: string };

async function importWebCrypto(
  crypto: Crypto, spec: ExportKeySpecId, pkcs8Der: Uint8Array, spkiDer: Uint8Array, extractable: boolean,
): Promise<PrivateKeyDescription> {
  const algorithm = webCryptoAlgorithmFor(spec)!;
  let privateKey: CryptoKey;
  let publicKey: CryptoKey;
  try {
    privateKey = await crypto.subtle.importKey("pkcs8", toArrayBuffer(pkcs8Der), algorithm, extractable, ["sign"]);
  } catch {
    return invalid("WebCrypto refused the key");
  }
  try {
    publicKey = await crypto.subtle.importKey("spki", toArrayBuffer(spkiDer), algorithm, true, ["verify"]);
  } catch {
    // An EC point that is not on the curve, for one.
    return inconsistent("public key");
  }
  // WebCrypto imports an EC key whose stored public point belongs to another d: the CSR would carry one
  // key and be signed by another. One signature settles it for every family.
  if (!(await signsAsItsPublicKey(crypto, spec, privateKey, publicKey))) inconsistent("public key does not match the private key");
  return { spec, kind: "webcrypto", privateKey, publicKey, pkcs8Der, spkiDer };
}
