// SM2 as a plug-in of @peculiar/x509, so CSRs (and the emulator's certificates) of every key spec go
// through the library's one generator:
//  - Sm2Algorithm maps {name:"SM2", hash:"SM3"} <-> SM2-with-SM3 (1.2.156.10197.1.501, no parameters) and
//    {name:"SM2", namedCurve:"SM2"} <-> id-ecPublicKey + curve 1.2.156.10197.1.301; registered at load.
//  - Sm2CapableCrypto is a Crypto whose subtle signs/verifies/imports/exports/generates SM2 keys with
//    sm-crypto-v2 (Z from the default id 1234567812345678, DER signatures) and hands everything else to
//    the platform's WebCrypto. SM2 keys are Sm2Key objects shaped like CryptoKey; their bytes stay in a
//    WeakMap, so logging or JSON-serialising a key shows no key material.
import { diAlgorithm } from "./x509"; // first: loads the Reflect metadata polyfill tsyringe needs
import { AsnConvert } from "@peculiar/asn1-schema";
import { ECParameters } from "@peculiar/asn1-ecc";
import { AlgorithmIdentifier, SubjectPublicKeyInfo } from "@peculiar/asn1-x509";
import { sm2 } from "sm-crypto-v2";
import { container } from "tsyringe";
import { KeysmithError } from "../errors";
import { OID_EC_PUBLIC_KEY, OID_SM2_CURVE, OID_SM2_WITH_SM3, SM2_DEFAULT_USER_ID } from "./oids";

export const SM2_ALGORITHM_NAME = "SM2";

export function toHex(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += b.toString(16).padStart(2, "0");
  return out;
}

export function fromHex(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function bytesOf(data: BufferSource): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(data);
}

/** A fresh SM2 key pair: 32-byte private scalar and 65-byte uncompressed public point (04 || X || Y). */
export function generateSm2KeyPair(): { privateKey: Uint8Array; publicKey: Uint8Array } {
  const kp = sm2.generateKeyPairHex();
  return { privateKey: fromHex(kp.privateKey.padStart(64, "0")), publicKey: fromHex(kp.publicKey) };
}

export function sm2PublicKeyFromPrivate(privateKey: Uint8Array): Uint8Array {
  return fromHex(sm2.getPublicKeyFromPrivateKey(toHex(privateKey)));
}

/** SM2-with-SM3 signature over `data` (Z from `userId`), DER SEQUENCE { r, s }. */
export function signSm2(data: Uint8Array, privateKey: Uint8Array, publicKey: Uint8Array, userId = SM2_DEFAULT_USER_ID): Uint8Array {
  const sigHex = sm2.doSignature(data, toHex(privateKey), { hash: true, der: true, userId, publicKey: toHex(publicKey) });
  return fromHex(sigHex);
}

export function verifySm2(data: Uint8Array, signature: Uint8Array, publicKey: Uint8Array, userId = SM2_DEFAULT_USER_ID): boolean {
  try {
    return sm2.doVerifySignature(data, toHex(signature), toHex(publicKey), { hash: true, der: true, userId });
  } catch {
    return false; // malformed signature or point: does not verify
  }
}

/** DER SubjectPublicKeyInfo of an SM2 public point: id-ecPublicKey with the SM2 named curve. */
export function sm2Spki(publicKey: Uint8Array): Uint8Array {
  const spki = new SubjectPublicKeyInfo({
    algorithm: new AlgorithmIdentifier({
      algorithm: OID_EC_PUBLIC_KEY,
      parameters: AsnConvert.serialize(new ECParameters({ namedCurve: OID_SM2_CURVE })),
    }),
    subjectPublicKey: publicKey.slice().buffer,
  });
  return new Uint8Array(AsnConvert.serialize(spki));
}

/** The public point of an SM2 SPKI, or undefined when the SPKI is not SM2. */
export function sm2PublicKeyFromSpki(spkiDer: BufferSource): Uint8Array | undefined {
  try {
    const spki = AsnConvert.parse(bytesOf(spkiDer), SubjectPublicKeyInfo);
    if (spki.algorithm.algorithm !== OID_EC_PUBLIC_KEY || !spki.algorithm.parameters) return undefined;
    const params = AsnConvert.parse(spki.algorithm.parameters, ECParameters);
    if (params.namedCurve !== OID_SM2_CURVE) return undefined;
    return new Uint8Array(spki.subjectPublicKey);
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------
// The algorithm plug-in

interface AlgorithmLike {
  name: string;
  hash?: string | { name: string };
  namedCurve?: string;
}

export class Sm2Algorithm {
  toAsnAlgorithm(alg: Algorithm): AlgorithmIdentifier | null {
    const a = alg as AlgorithmLike;
    if (a.name.toUpperCase() !== SM2_ALGORITHM_NAME) return null;
    const hash = typeof a.hash === "string" ? a.hash : a.hash?.name;
    if (hash?.toUpperCase() === "SM3") return new AlgorithmIdentifier({ algorithm: OID_SM2_WITH_SM3 });
    if (a.namedCurve?.toUpperCase() === "SM2") {
      return new AlgorithmIdentifier({
        algorithm: OID_EC_PUBLIC_KEY,
        parameters: AsnConvert.serialize(new ECParameters({ namedCurve: OID_SM2_CURVE })),
      });
    }
    return null;
  }

  toWebAlgorithm(alg: AlgorithmIdentifier): Algorithm | null {
    if (alg.algorithm === OID_SM2_WITH_SM3) return { name: SM2_ALGORITHM_NAME, hash: { name: "SM3" } } as Algorithm;
    if (alg.algorithm === OID_EC_PUBLIC_KEY && alg.parameters) {
      try {
        if (AsnConvert.parse(alg.parameters, ECParameters).namedCurve === OID_SM2_CURVE) {
          return { name: SM2_ALGORITHM_NAME, namedCurve: "SM2" } as Algorithm;
        }
      } catch {
        return null;
      }
    }
    return null;
  }
}

let registered = false;
/** Idempotent; runs when this module loads. */
export function registerSm2Algorithm(): void {
  if (registered) return;
  registered = true;
  container.registerInstance(diAlgorithm, new Sm2Algorithm());
}
registerSm2Algorithm();

// ---------------------------------------------------------------------------------------------------------
// SM2 keys shaped like CryptoKey, and a Crypto that understands them

const KEY_BYTES = new WeakMap<Sm2Key, { privateKey?: Uint8Array; publicKey: Uint8Array }>();

export class Sm2Key implements CryptoKey {
  readonly algorithm: KeyAlgorithm = { name: SM2_ALGORITHM_NAME, namedCurve: "SM2" } as KeyAlgorithm;
  constructor(
    readonly type: "private" | "public",
    readonly extractable: boolean,
    readonly usages: KeyUsage[],
  ) {}
}

/** Wrap raw SM2 bytes as CryptoKey-shaped keys for Sm2CapableCrypto (and so for @peculiar/x509). */
export function sm2CryptoKeys(privateKey: Uint8Array | undefined, publicKey: Uint8Array, extractable = false): { privateKey?: Sm2Key; publicKey: Sm2Key } {
  const pub = new Sm2Key("public", true, ["verify"]);
  KEY_BYTES.set(pub, { publicKey });
  if (!privateKey) return { publicKey: pub };
  const priv = new Sm2Key("private", extractable, ["sign"]);
  KEY_BYTES.set(priv, { privateKey, publicKey });
  return { privateKey: priv, publicKey: pub };
}

function isSm2Algorithm(alg: unknown): boolean {
  const name = typeof alg === "string" ? alg : (alg as { name?: unknown } | null)?.name;
  return typeof name === "string" && name.toUpperCase() === SM2_ALGORITHM_NAME;
}

function sm2Bytes(key: CryptoKey): { privateKey?: Uint8Array; publicKey: Uint8Array } {
  const bytes = key instanceof Sm2Key ? KEY_BYTES.get(key) : undefined;
  if (!bytes) throw new KeysmithError("csr.sm2.key_invalid", { field: "key" });
  return bytes;
}

/**
 * A Crypto that adds SM2 (sign, verify, generateKey, importKey/exportKey of "spki" and "raw" public keys)
 * to `base` and passes every other call through. Hand it to @peculiar/x509 as the `crypto` argument.
 */
export class Sm2CapableCrypto {
  readonly subtle: SubtleCrypto;
  constructor(private readonly base: Crypto = globalThis.crypto) {
    const baseSubtle = base.subtle;
    const sm2Subtle = {
      async sign(alg: unknown, key: CryptoKey, data: BufferSource): Promise<ArrayBuffer> {
        if (!isSm2Algorithm(alg)) return baseSubtle.sign(alg as Algorithm, key, data);
        const { privateKey, publicKey } = sm2Bytes(key);
        if (!privateKey) throw new KeysmithError("csr.sm2.key_invalid", { field: "key" });
        return signSm2(bytesOf(data), privateKey, publicKey).slice().buffer;
      },
      async verify(alg: unknown, key: CryptoKey, signature: BufferSource, data: BufferSource): Promise<boolean> {
        if (!isSm2Algorithm(alg)) return baseSubtle.verify(alg as Algorithm, key, signature, data);
        return verifySm2(bytesOf(data), bytesOf(signature), sm2Bytes(key).publicKey);
      },
      async exportKey(format: KeyFormat, key: CryptoKey): Promise<ArrayBuffer | JsonWebKey> {
        if (!(key instanceof Sm2Key)) return baseSubtle.exportKey(format, key);
        const { publicKey } = sm2Bytes(key);
        if (key.type === "public" && format === "spki") return sm2Spki(publicKey).slice().buffer;
        if (key.type === "public" && format === "raw") return publicKey.slice().buffer;
        // Private SM2 keys leave only through src/core/export (PKCS#8), never through this provider.
        throw new KeysmithError("csr.sm2.export_unsupported", { field: "key", params: { format } });
      },
      async importKey(format: KeyFormat, keyData: BufferSource | JsonWebKey, alg: unknown, extractable: boolean, usages: KeyUsage[]): Promise<CryptoKey> {
        if (!isSm2Algorithm(alg)) {
          // Overloads of importKey differ by format; the pass-through keeps the caller's arguments as given.
          return (baseSubtle.importKey as (...args: unknown[]) => Promise<CryptoKey>)(format, keyData, alg, extractable, usages);
        }
        const point = format === "spki" ? sm2PublicKeyFromSpki(keyData as BufferSource) : format === "raw" ? bytesOf(keyData as BufferSource) : undefined;
        if (!point) throw new KeysmithError("csr.sm2.key_invalid", { field: "key" });
        return sm2CryptoKeys(undefined, point).publicKey;
      },
      async generateKey(alg: unknown, extractable: boolean, usages: KeyUsage[]): Promise<CryptoKeyPair | CryptoKey> {
        if (!isSm2Algorithm(alg)) return (baseSubtle.generateKey as (...args: unknown[]) => Promise<CryptoKeyPair | CryptoKey>)(alg, extractable, usages);
        const kp = generateSm2KeyPair();
        const keys = sm2CryptoKeys(kp.privateKey, kp.publicKey, extractable);
        return { privateKey: keys.privateKey!, publicKey: keys.publicKey };
      },
    };
    // Everything not overridden goes to the platform's subtle, bound to it (native methods check `this`).
    this.subtle = new Proxy(baseSubtle, {
      get(target, prop) {
        if (Object.prototype.hasOwnProperty.call(sm2Subtle, prop)) return sm2Subtle[prop as keyof typeof sm2Subtle];
        const value = Reflect.get(target, prop) as unknown;
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  }

  getRandomValues<T extends ArrayBufferView | null>(array: T): T {
    return this.base.getRandomValues(array as ArrayBufferView<ArrayBuffer>) as T;
  }

  randomUUID(): `${string}-${string}-${string}-${string}-${string}` {
    return this.base.randomUUID();
  }

  /** As the `Crypto` type @peculiar/x509 and WebCrypto callers expect. */
  asCrypto(): Crypto {
    return this as unknown as Crypto;
  }
}

/** The SM2-capable crypto over the platform's WebCrypto, shared. */
let shared: Crypto | undefined;
export function sm2Crypto(base?: Crypto): Crypto {
  if (base) return new Sm2CapableCrypto(base).asCrypto();
  shared ??= new Sm2CapableCrypto(globalThis.crypto).asCrypto();
  return shared;
}
