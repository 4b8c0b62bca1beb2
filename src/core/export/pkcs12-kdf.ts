// The PKCS#12 key derivation (RFC 7292 appendix B.2), still what every PFX MAC and the legacy 3DES bags
// use. WebCrypto has no such KDF, so it runs on @noble/hashes (synchronous, audited, already bundled by
// sm-crypto-v2). Passwords are BMPString (UTF-16BE) with a two-byte zero terminator, as B.1 says.
import { sha1 } from "@noble/hashes/legacy";
import { sha256 } from "@noble/hashes/sha2";

export type Pkcs12Hash = "SHA-1" | "SHA-256";
const HASHES: Record<Pkcs12Hash, { fn: (data: Uint8Array) => Uint8Array; u: number; v: number }> = {
  "SHA-1": { fn: sha1, u: 20, v: 64 },
  "SHA-256": { fn: sha256, u: 32, v: 64 },
};

/** Purpose bytes: 1 = cipher key, 2 = IV, 3 = MAC key. */
export const PKCS12_KDF_KEY = 1;
export const PKCS12_KDF_IV = 2;
export const PKCS12_KDF_MAC = 3;

export function bmpPassword(passphrase: string): Uint8Array {
  const out = new Uint8Array(passphrase.length * 2 + 2);
  for (let i = 0; i < passphrase.length; i++) {
    const c = passphrase.charCodeAt(i);
    out[i * 2] = c >> 8;
    out[i * 2 + 1] = c & 0xff;
  }
  return out;
}

function repeatTo(data: Uint8Array, v: number): Uint8Array {
  if (data.length === 0) return new Uint8Array(0);
  const out = new Uint8Array(v * Math.ceil(data.length / v));
  for (let i = 0; i < out.length; i++) out[i] = data[i % data.length]!;
  return out;
}

export function pkcs12Kdf(hash: Pkcs12Hash, passphrase: string, salt: Uint8Array, id: number, iterations: number, length: number): Uint8Array {
  const { fn, u, v } = HASHES[hash];
  const D = new Uint8Array(v).fill(id);
  const I = new Uint8Array([...repeatTo(salt, v), ...repeatTo(bmpPassword(passphrase), v)]);
  const out = new Uint8Array(Math.ceil(length / u) * u);
  for (let block = 0; block * u < length; block++) {
    let A = fn(new Uint8Array([...D, ...I]));
    for (let r = 1; r < iterations; r++) A = fn(A);
    out.set(A, block * u);
    const B = repeatTo(A, v).subarray(0, v);
    // I_j = (I_j + B + 1) mod 2^(8v) for every v-byte block of I
    for (let j = 0; j < I.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const sum = I[j + k]! + B[k]! + carry;
        I[j + k] = sum & 0xff;
        carry = sum >> 8;
      }
    }
  }
  return out.slice(0, length);
}
