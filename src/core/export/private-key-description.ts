// What a PKCS#8 private key is: its spec, its SubjectPublicKeyInfo (to match certificates by public key)
// and a usable KeyPair-like value (WebCrypto CryptoKeys, or SM2 raw bytes for sm-crypto-v2).
import { AsnConvert } from "@peculiar/asn1-schema";
import { ECParameters, ECPrivateKey } from "@peculiar/asn1-ecc";
import { RSAPrivateKey, RSAPublicKey } from "@peculiar/asn1-rsa";
import { AlgorithmIdentifier, SubjectPublicKeyInfo } from "@peculiar/asn1-x509";
import { sm2 } from "sm-crypto-v2";
import { KeysmithError } from "../errors";
import { toArrayBuffer } from "./bytes";
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
    const params = AsnConvert.parse(algorithmParameters, ECParameters);
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
  const d = leftPad(new Uint8Array(ecKey.privateKey.buffer), curve.coordinateBytes);

  if (curve.spec === "EC_SM2") {
    const publicKey = ecKey.publicKey
      ? new Uint8Array(ecKey.publicKey)
      : hexToBytes(sm2.getPublicKeyFromPrivateKey(bytesToHex(d)));
    return { spec: "EC_SM2", kind: "sm2", privateKey: d, publicKey, pkcs8Der, spkiDer: ecSpki(curveOid, publicKey) };
  }

  let point = ecKey.publicKey ? new Uint8Array(ecKey.publicKey) : undefined;
  if (!point) {
    // No public point in the file: let WebCrypto compute it (JWK export carries x and y).
    const temp = await crypto.subtle.importKey("pkcs8", toArrayBuffer(pkcs8Der), { name: "ECDSA", namedCurve: curve.namedCurve! }, true, ["sign"]);
    const jwk = await crypto.subtle.exportKey("jwk", temp);
    const b64url = (s: string) => Uint8Array.from(atob(s.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
    point = new Uint8Array([4, ...b64url(jwk.x!), ...b64url(jwk.y!)]);
  }
  return importWebCrypto(crypto, curve.spec, pkcs8Der, ecSpki(curveOid, point), options.extractable ?? false);
}

async function importWebCrypto(
  crypto: Crypto, spec: ExportKeySpecId, pkcs8Der: Uint8Array, spkiDer: Uint8Array, extractable: boolean,
): Promise<PrivateKeyDescription> {
  const algorithm = webCryptoAlgorithmFor(spec)!;
  let privateKey: CryptoKey;
  try {
    privateKey = await crypto.subtle.importKey("pkcs8", toArrayBuffer(pkcs8Der), algorithm, extractable, ["sign"]);
  } catch {
    return invalid("WebCrypto refused the key");
  }
  const publicKey = await crypto.subtle.importKey("spki", toArrayBuffer(spkiDer), algorithm, true, ["verify"]);
  return { spec, kind: "webcrypto", privateKey, publicKey, pkcs8Der, spkiDer };
}
