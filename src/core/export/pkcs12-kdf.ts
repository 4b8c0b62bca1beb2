// The PKCS#12 key derivation (RFC 7292 appendix B.2), which PKCS#12's MAC uses even with SHA-256.
// Only the single-block case is needed (output no longer than the hash), which keeps this short.
import { concatBytes, toArrayBuffer } from "./bytes";

const HASHES = { "SHA-1": { u: 20, v: 64 }, "SHA-256": { u: 32, v: 64 } } as const;
export type Pkcs12Hash = keyof typeof HASHES;

/** BMPString (UTF-16BE) with a two-byte NUL terminator, as RFC 7292 B.1 formats passwords. */
export function bmpPassword(passphrase: string): Uint8Array {
  const out = new Uint8Array((passphrase.length + 1) * 2);
  for (let i = 0; i < passphrase.length; i++) {
    const c = passphrase.charCodeAt(i);
    out[i * 2] = c >> 8;
    out[i * 2 + 1] = c & 0xff;
  }
  return out;
}

function repeatTo(data: Uint8Array, multiple: number): Uint8Array {
  if (data.length === 0) return data;
  const out = new Uint8Array(multiple * Math.ceil(data.length / multiple));
  for (let i = 0; i < out.length; i++) out[i] = data[i % data.length]!;
  return out;
}

export async function pkcs12Kdf(
  crypto: Crypto, hash: Pkcs12Hash, id: 1 | 2 | 3, passphrase: string, salt: Uint8Array, iterations: number, length: number,
): Promise<Uint8Array> {
  const { u, v } = HASHES[hash];
  if (length > u) throw new RangeError("pkcs12Kdf: only single-block output is implemented");
  const D = new Uint8Array(v).fill(id);
  const I = concatBytes(repeatTo(salt, v), repeatTo(bmpPassword(passphrase), v));
  let A = concatBytes(D, I);
  for (let i = 0; i < iterations; i++) A = new Uint8Array(await crypto.subtle.digest(hash, toArrayBuffer(A)));
  return A.slice(0, length);
}
