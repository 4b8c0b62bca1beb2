// The stored AccessKey (store "credentials" of the vault database, v4). The secret becomes HMAC key
// material once (secret+"&" for signature V1's SHA-1, the secret for V3's SHA-256), sealed at once with
// AES-GCM; it is unwrapped inside WebCrypto into non-extractable HMAC keys (unwrapKey), so after `set` the
// secret never exists as a JS string or byte array again. Two shapes:
//  - no vault passphrase: sealed under a non-extractable AES-GCM key stored in the same record
//    (`wrappingKey`). Chromium writes that key's bytes into the profile's files, so this keeps the secret
//    from script and from a logical storage dump, not from whoever reads the disk;
//  - with a vault passphrase (`sealed: "passphrase"`): sealed under the passphrase key
//    (lock.ts; additional data `keysmith-sealed:credentials:v1` / `:v3`), no key stored.
import { sealedAad } from "./lock";

/** The record of the profile "default" (and the only record before profiles). Other profiles' records have their profile's id. */
export const CREDENTIALS_RECORD_ID = "default";

export interface WrappedKey {
  iv: Uint8Array;
  wrapped: ArrayBuffer;
}

export interface StoredCredentials {
  /** The profile's id (src/background/profiles/profile-store.ts). */
  id: string;
  accessKeyId: string;
  /** Device-protected only: AES-GCM, non-extractable; seals new material (encrypt) and unwraps it into HMAC keys. */
  wrappingKey?: CryptoKey;
  /** "passphrase": v1/v3 are sealed under the vault passphrase key. */
  sealed?: "passphrase";
  v1: WrappedKey;
  v3: WrappedKey;
  securityToken?: string;
  securityTokenExpiresAt?: string;
  savedAt: string;
}

export type CredentialMaterial = { v1: Uint8Array; v3: Uint8Array };

export const V1_ALGORITHM = { name: "HMAC", hash: "SHA-1" } as const;
export const V3_ALGORITHM = { name: "HMAC", hash: "SHA-256" } as const;

function gcm(iv: Uint8Array, which: "v1" | "v3" | undefined): AesGcmParams {
  return which ? { name: "AES-GCM", iv: iv as BufferSource, additionalData: sealedAad(`credentials:${which}`) } : { name: "AES-GCM", iv: iv as BufferSource };
}

/** The HMAC material of a secret (the caller wipes it). */
export function materialOf(secret: string): CredentialMaterial {
  const utf8 = new TextEncoder();
  return { v1: utf8.encode(`${secret}&`), v3: utf8.encode(secret) };
}

/** Seal material: under `passphraseKey`, or under a new device wrapping key. Wipes the material. */
export async function sealMaterial(
  material: CredentialMaterial,
  subtle: SubtleCrypto,
  passphraseKey: CryptoKey | undefined,
): Promise<Pick<StoredCredentials, "wrappingKey" | "sealed" | "v1" | "v3">> {
  const wrappingKey = passphraseKey ?? (await subtle.generateKey({ name: "AES-GCM", length: 256 }, false, ["encrypt", "unwrapKey"]));
  const seal = async (which: "v1" | "v3"): Promise<WrappedKey> => {
    const iv = globalThis.crypto.getRandomValues(new Uint8Array(12));
    const wrapped = await subtle.encrypt(gcm(iv, passphraseKey ? which : undefined), wrappingKey, material[which] as BufferSource);
    material[which].fill(0);
    return { iv, wrapped };
  };
  const v1 = await seal("v1");
  const v3 = await seal("v3");
  return passphraseKey ? { sealed: "passphrase", v1, v3 } : { wrappingKey, v1, v3 };
}

/** A non-extractable HMAC key from the record (`passphraseKey` for a passphrase-sealed record). */
export async function unwrapHmac(record: StoredCredentials, which: "v1" | "v3", subtle: SubtleCrypto, passphraseKey: CryptoKey | undefined, extractable = false): Promise<CryptoKey> {
  const w = record[which];
  const key = record.sealed === "passphrase" ? passphraseKey : record.wrappingKey;
  if (!key) throw new Error("credentials: no key to unwrap with");
  return subtle.unwrapKey("raw", w.wrapped, key, gcm(w.iv, record.sealed === "passphrase" ? which : undefined), which === "v1" ? V1_ALGORITHM : V3_ALGORITHM, extractable, ["sign"]);
}

/** The material back (re-encryption only): unwrapped extractable for a moment, exported, dropped. */
export async function openMaterial(record: StoredCredentials, subtle: SubtleCrypto, passphraseKey: CryptoKey | undefined): Promise<CredentialMaterial> {
  const raw = async (which: "v1" | "v3") => new Uint8Array(await subtle.exportKey("raw", await unwrapHmac(record, which, subtle, passphraseKey, true)));
  return { v1: await raw("v1"), v3: await raw("v3") };
}
