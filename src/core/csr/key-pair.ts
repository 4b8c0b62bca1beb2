// Making key pairs for a key spec: RSA and EC through WebCrypto (keys can be non-extractable), SM2 through
// sm-crypto-v2 (raw bytes: WebCrypto has no SM2, so the caller — the vault — decides where the bytes live).
import { AsnEcSignatureFormatter } from "./x509";
import { generateSm2KeyPair, signSm2 } from "./sm2";
import { KEY_SPECS, type KeySpecId } from "../key-spec";

export type KeyPair =
  | { spec: KeySpecId; kind: "webcrypto"; privateKey: CryptoKey; publicKey: CryptoKey }
  | { spec: KeySpecId; kind: "sm2"; privateKey: Uint8Array /* 32 bytes */; publicKey: Uint8Array /* 65 bytes, 04||X||Y */ };

export interface GenerateOptions {
  /** Whether the private key may be exported (PKCS#8 download); WebCrypto keys only. */
  extractable: boolean;
  crypto?: Crypto;
}

export async function generateKeyPair(spec: KeySpecId, options: GenerateOptions): Promise<KeyPair> {
  const entry = KEY_SPECS[spec];
  if (entry.family === "SM2") {
    const { privateKey, publicKey } = generateSm2KeyPair();
    return { spec, kind: "sm2", privateKey, publicKey };
  }
  const crypto = options.crypto ?? globalThis.crypto;
  const pair = (await crypto.subtle.generateKey(entry.generate!, options.extractable, ["sign", "verify"])) as CryptoKeyPair;
  return { spec, kind: "webcrypto", privateKey: pair.privateKey, publicKey: pair.publicKey };
}

/**
 * Sign `data` with the key's CSR signature algorithm; the value is as X.509 carries it (PKCS#1 v1.5 for RSA,
 * DER SEQUENCE { r, s } for ECDSA and SM2-with-SM3, the latter with Z from the default id).
 */
export async function signWithKeyPair(keyPair: KeyPair, data: Uint8Array, options: { crypto?: Crypto } = {}): Promise<Uint8Array> {
  if (keyPair.kind === "sm2") return signSm2(data, keyPair.privateKey, keyPair.publicKey);
  const crypto = options.crypto ?? globalThis.crypto;
  const spec = KEY_SPECS[keyPair.spec];
  const signature = await crypto.subtle.sign({ ...spec.sign }, keyPair.privateKey, data.slice());
  if (spec.family !== "EC") return new Uint8Array(signature);
  const algorithm = { name: "ECDSA", namedCurve: spec.curve } as EcKeyAlgorithm;
  return new Uint8Array(new AsnEcSignatureFormatter().toAsnSignature(algorithm, signature)!);
}
