// The one thing the signers need from a key: an HMAC over bytes. In the extension it is a
// non-extractable WebCrypto CryptoKey, so the secret string never has to live past import.

export interface Hmac {
  sign(data: Uint8Array): Promise<Uint8Array>;
}

/** Both keys a credential needs: SHA-1 over `secret + "&"` (V1) and SHA-256 over `secret` (V3). */
export interface HmacKeys {
  v1: Hmac;
  v3: Hmac;
}

const utf8 = new TextEncoder();

export function hmacFromCryptoKey(key: CryptoKey, subtle: SubtleCrypto = globalThis.crypto.subtle): Hmac {
  return { sign: async (data) => new Uint8Array(await subtle.sign("HMAC", key, data as BufferSource)) };
}

/** Imports the secret as two non-extractable HMAC keys; the caller drops the string afterwards. */
export async function importHmacCryptoKeys(
  secret: string,
  subtle: SubtleCrypto = globalThis.crypto.subtle,
): Promise<{ v1: CryptoKey; v3: CryptoKey }> {
  const [v1, v3] = await Promise.all([
    subtle.importKey("raw", utf8.encode(`${secret}&`), { name: "HMAC", hash: "SHA-1" }, false, ["sign"]),
    subtle.importKey("raw", utf8.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]),
  ]);
  return { v1, v3 };
}

export async function hmacKeysFromSecret(secret: string, subtle: SubtleCrypto = globalThis.crypto.subtle): Promise<HmacKeys> {
  const keys = await importHmacCryptoKeys(secret, subtle);
  return { v1: hmacFromCryptoKey(keys.v1, subtle), v3: hmacFromCryptoKey(keys.v3, subtle) };
}

export async function sha256Hex(data: Uint8Array, subtle: SubtleCrypto = globalThis.crypto.subtle): Promise<string> {
  return toHex(new Uint8Array(await subtle.digest("SHA-256", data as BufferSource)));
}

export function toHex(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += b.toString(16).padStart(2, "0");
  return out;
}

export function toBase64(bytes: Uint8Array): string {
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

export { utf8 };
