// PBES2 (RFC 8018) with PBKDF2-HMAC-SHA256 and AES-256-CBC: the encryption OpenSSL 3 writes and reads by
// default for `openssl pkey -aes256` and for PKCS#12 bags. Everything through WebCrypto, so it runs in the
// worker, the CLI and tests alike. Only our own parameters are accepted on decryption: what we wrote,
// and what `openssl pkcs8 -topk8 -v2 aes-256-cbc` writes (PBKDF2 with HMAC-SHA1/256, AES-128/192/256-CBC).
import * as asn1js from "asn1js";
import { AlgorithmIdentifier } from "@peculiar/asn1-x509";
import { KeysmithError } from "../errors";
import { randomBytes, toArrayBuffer } from "./bytes";

export const OID_PBES2 = "1.2.840.113549.1.5.13";
export const OID_PBKDF2 = "1.2.840.113549.1.5.12";
const PRF_BY_OID: Record<string, string> = {
  "1.2.840.113549.2.7": "SHA-1",
  "1.2.840.113549.2.9": "SHA-256",
  "1.2.840.113549.2.10": "SHA-384",
  "1.2.840.113549.2.11": "SHA-512",
};
const OID_HMAC_SHA256 = "1.2.840.113549.2.9";
const AES_CBC_BY_OID: Record<string, number> = {
  "2.16.840.1.101.3.4.1.2": 16,
  "2.16.840.1.101.3.4.1.22": 24,
  "2.16.840.1.101.3.4.1.42": 32,
};
const OID_AES256_CBC = "2.16.840.1.101.3.4.1.42";

/** OWASP's 2023 figure for PBKDF2-HMAC-SHA256; the floor. */
export const DEFAULT_PBKDF2_ITERATIONS = 600_000;

export interface Pbes2Options {
  iterations?: number;
  crypto?: Crypto;
}

export interface Pbes2Result {
  algorithm: AlgorithmIdentifier;
  ciphertext: Uint8Array;
}

function passphraseBytes(passphrase: string, field: string): Uint8Array {
  if (passphrase.length === 0) throw new KeysmithError("export.passphrase.empty", { field });
  return new TextEncoder().encode(passphrase);
}

async function deriveAesKey(
  crypto: Crypto, passphrase: Uint8Array, salt: Uint8Array, iterations: number, hash: string, keyBytes: number,
): Promise<CryptoKey> {
  const base = await crypto.subtle.importKey("raw", toArrayBuffer(passphrase), "PBKDF2", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "PBKDF2", salt: toArrayBuffer(salt), iterations, hash },
    base,
    { name: "AES-CBC", length: keyBytes * 8 },
    false,
    ["encrypt", "decrypt"],
  );
}

/** Encrypt `plaintext` under a passphrase; returns the PBES2 AlgorithmIdentifier and the ciphertext. */
export async function pbes2Encrypt(plaintext: Uint8Array, passphrase: string, options: Pbes2Options = {}): Promise<Pbes2Result> {
  const crypto = options.crypto ?? globalThis.crypto;
  const iterations = options.iterations ?? DEFAULT_PBKDF2_ITERATIONS;
  const salt = randomBytes(crypto, 16);
  const iv = randomBytes(crypto, 16);
  const key = await deriveAesKey(crypto, passphraseBytes(passphrase, "passphrase"), salt, iterations, "SHA-256", 32);
  const ciphertext = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-CBC", iv: toArrayBuffer(iv) }, key, toArrayBuffer(plaintext)));
  const params = new asn1js.Sequence({
    value: [
      new asn1js.Sequence({
        value: [
          new asn1js.ObjectIdentifier({ value: OID_PBKDF2 }),
          new asn1js.Sequence({
            value: [
              new asn1js.OctetString({ valueHex: toArrayBuffer(salt) }),
              new asn1js.Integer({ value: iterations }),
              new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: OID_HMAC_SHA256 }), new asn1js.Null()] }),
            ],
          }),
        ],
      }),
      new asn1js.Sequence({
        value: [new asn1js.ObjectIdentifier({ value: OID_AES256_CBC }), new asn1js.OctetString({ valueHex: toArrayBuffer(iv) })],
      }),
    ],
  });
  return { algorithm: new AlgorithmIdentifier({ algorithm: OID_PBES2, parameters: params.toBER(false) }), ciphertext };
}

function unsupported(detail: string): never {
  throw new KeysmithError("export.encryption.unsupported", { field: "encryptionAlgorithm", params: { detail } });
}

function oidOf(node: asn1js.AsnType | undefined): string {
  return node instanceof asn1js.ObjectIdentifier ? node.valueBlock.toString() : "";
}

/** Decrypt what pbes2Encrypt (or OpenSSL's PBES2) made. A wrong passphrase is a typed error, not a crash. */
export async function pbes2Decrypt(
  algorithm: AlgorithmIdentifier, ciphertext: Uint8Array, passphrase: string, options: { crypto?: Crypto } = {},
): Promise<Uint8Array> {
  const crypto = options.crypto ?? globalThis.crypto;
  if (algorithm.algorithm !== OID_PBES2 || !algorithm.parameters) unsupported(algorithm.algorithm);
  const parsed = asn1js.fromBER(algorithm.parameters);
  const root = parsed.result;
  if (parsed.offset === -1 || !(root instanceof asn1js.Sequence)) unsupported("PBES2-params");
  const [kdf, enc] = root.valueBlock.value as asn1js.Sequence[];
  if (!(kdf instanceof asn1js.Sequence) || !(enc instanceof asn1js.Sequence)) unsupported("PBES2-params");
  if (oidOf(kdf.valueBlock.value[0]) !== OID_PBKDF2) unsupported(oidOf(kdf.valueBlock.value[0]));
  const kdfParams = kdf.valueBlock.value[1];
  if (!(kdfParams instanceof asn1js.Sequence)) unsupported("PBKDF2-params");
  const [saltNode, iterNode, ...rest] = kdfParams.valueBlock.value;
  if (!(saltNode instanceof asn1js.OctetString) || !(iterNode instanceof asn1js.Integer)) unsupported("PBKDF2-params");
  let hash = "SHA-1"; // RFC 8018's default PRF
  for (const node of rest) {
    if (node instanceof asn1js.Sequence) {
      const prf = PRF_BY_OID[oidOf(node.valueBlock.value[0])];
      if (!prf) unsupported(oidOf(node.valueBlock.value[0]));
      hash = prf;
    }
  }
  const encOid = oidOf(enc.valueBlock.value[0]);
  const keyBytes = AES_CBC_BY_OID[encOid];
  const ivNode = enc.valueBlock.value[1];
  if (!keyBytes || !(ivNode instanceof asn1js.OctetString)) unsupported(encOid);
  const salt = new Uint8Array(saltNode.valueBlock.valueHexView);
  const iv = new Uint8Array(ivNode.valueBlock.valueHexView);
  const iterations = iterNode.valueBlock.valueDec;
  if (iterations < 1 || iterations > 10_000_000) unsupported(`iterations ${iterations}`);
  const key = await deriveAesKey(crypto, passphraseBytes(passphrase, "passphrase"), salt, iterations, hash, keyBytes);
  try {
    return new Uint8Array(await crypto.subtle.decrypt({ name: "AES-CBC", iv: toArrayBuffer(iv) }, key, toArrayBuffer(ciphertext)));
  } catch {
    // CBC padding failure is what a wrong passphrase looks like.
    throw new KeysmithError("export.passphrase.wrong", { field: "passphrase" });
  }
}
