// Setting, changing and removing the vault passphrase: every secret (each key's PKCS#8, each profile's
// AccessKey HMAC material) is opened under what protects it now and sealed under what will, ALL in memory first;
// then one IndexedDB transaction over secrets, credentials and meta writes them, with the passphrase
// record (or its removal) and the device wrapping key (or its removal). A failure before the write changes
// nothing; the transaction is all or nothing.
// What cannot be moved: a non-exportable RSA/EC key made before the passphrase is a stored non-extractable
// CryptoKey, whose PKCS#8 nobody (this code included) can read; it stays as it is and `unprotectedKeys`
// counts it.
import { KeysmithError } from "../../core/errors";
import { toArrayBuffer } from "../../core/export/bytes";
import { webCryptoAlgorithmFor } from "../../core/export/key-material";
import { KEY_SPECS } from "../../core/key-spec";
import { openMaterial, sealMaterial, type StoredCredentials } from "./credential-record";
import { KeyWrapper, WRAPPING_KEY_NAME } from "./key-wrapping";
import { openWith, PASSPHRASE_RECORD, sealWith, type PassphraseRecord, type Protection, type VaultLock } from "./lock";
import type { KeyRecord, SecretRecord } from "./records";
import { STORE_CREDENTIALS, STORE_KEYS, STORE_META, STORE_SECRETS } from "./schema";

/** Open a stored secret's PKCS#8 under the current protection; undefined for a stored CryptoKey. */
export async function openSecret(crypto: Crypto, secret: SecretRecord, protection: Protection, device: () => Promise<KeyWrapper>): Promise<Uint8Array | undefined> {
  if (secret.kind === "cryptokey") return undefined;
  if (secret.kind === "sealed") {
    if (protection.kind !== "passphrase") throw new KeysmithError("vault.record.damaged", { field: "key", params: { id: secret.id } });
    return openWith(crypto, protection.key, `key:${secret.id}`, secret);
  }
  return (await device()).unwrap(secret.id, secret);
}

/** The stored form of a key's PKCS#8 under `protection` (device: the shapes a vault without passphrase keeps). */
export async function sealSecret(
  crypto: Crypto,
  record: Pick<KeyRecord, "id" | "spec" | "exportable">,
  pkcs8Der: Uint8Array,
  protection: Protection,
  device: () => Promise<KeyWrapper>,
): Promise<SecretRecord> {
  const id = record.id;
  if (protection.kind === "passphrase") return { id, kind: "sealed", ...(await sealWith(crypto, protection.key, `key:${id}`, pkcs8Der)) };
  const algorithm = webCryptoAlgorithmFor(record.spec);
  if (algorithm && !record.exportable) {
    const privateKey = await crypto.subtle.importKey("pkcs8", toArrayBuffer(pkcs8Der), algorithm, false, ["sign"]);
    return { id, kind: "cryptokey", privateKey };
  }
  const wrapped = await (await device()).wrap(id, pkcs8Der);
  if (!algorithm) return { id, kind: "wrapped", ...wrapped };
  const signingKey = await crypto.subtle.importKey("pkcs8", toArrayBuffer(pkcs8Der), algorithm, false, ["sign"]);
  return { id, kind: "wrapped", ...wrapped, signingKey };
}

export interface RekeyTarget {
  /** The new protection; for a passphrase, with the record to store and the raw key to remember. */
  protection: Protection;
  raw?: Uint8Array;
}

/**
 * Re-encrypt everything from `from` to `to` in one transaction. Runs inside `lock.serial` (the caller's),
 * so no key is written meanwhile.
 */
export async function rekeyVault(lock: VaultLock, from: Protection, to: RekeyTarget): Promise<void> {
  const crypto = lock.crypto;
  const db = await lock.db();
  const [records, secrets, credentials, oldWrapping] = await Promise.all([
    db.getAll(STORE_KEYS) as Promise<KeyRecord[]>,
    db.getAll(STORE_SECRETS) as Promise<SecretRecord[]>,
    db.getAll(STORE_CREDENTIALS) as Promise<StoredCredentials[]>,
    db.get(STORE_META, WRAPPING_KEY_NAME) as Promise<{ key: CryptoKey } | undefined>,
  ]);
  const byId = new Map(records.map((r) => [r.id, r]));
  let oldDevice: KeyWrapper | undefined;
  const oldDeviceWrapper = async () => {
    if (!oldWrapping) throw new KeysmithError("vault.record.damaged", { field: "key", params: { id: WRAPPING_KEY_NAME } });
    return (oldDevice ??= KeyWrapper.fromKey(crypto, oldWrapping.key));
  };
  // A fresh device key when going back to no passphrase: the one from before may be in old disk files.
  let newDeviceKey: CryptoKey | undefined;
  const newDeviceWrapper = async () => {
    newDeviceKey ??= await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
    return KeyWrapper.fromKey(crypto, newDeviceKey);
  };

  const newSecrets: SecretRecord[] = [];
  for (const secret of secrets) {
    const record = byId.get(secret.id);
    const pkcs8 = await openSecret(crypto, secret, from, oldDeviceWrapper);
    if (!pkcs8 || !record || !KEY_SPECS[record.spec]) {
      newSecrets.push(secret); // a stored CryptoKey (cannot be read), or an orphan: kept as it is
      continue;
    }
    try {
      newSecrets.push(await sealSecret(crypto, record, pkcs8, to.protection, newDeviceWrapper));
    } finally {
      pkcs8.fill(0);
    }
  }

  // Every profile's AccessKey (one record per profile), in the same transaction as the keys.
  const newCredentials: StoredCredentials[] = [];
  for (const record of credentials) {
    const material = await openMaterial(record, crypto.subtle, from.kind === "passphrase" ? from.key : undefined);
    const sealed = await sealMaterial(material, crypto.subtle, to.protection.kind === "passphrase" ? to.protection.key : undefined);
    const { wrappingKey: _w, sealed: _s, v1: _v1, v3: _v3, ...rest } = record;
    newCredentials.push({ ...rest, ...sealed });
  }

  const tx = db.transaction([STORE_SECRETS, STORE_CREDENTIALS, STORE_META], "readwrite");
  const writes: Promise<unknown>[] = newSecrets.map((s) => tx.objectStore(STORE_SECRETS).put(s));
  for (const record of newCredentials) writes.push(tx.objectStore(STORE_CREDENTIALS).put(record));
  const meta = tx.objectStore(STORE_META);
  if (to.protection.kind === "passphrase") {
    writes.push(meta.put(to.protection.record satisfies PassphraseRecord), meta.delete(WRAPPING_KEY_NAME));
  } else {
    writes.push(meta.delete(PASSPHRASE_RECORD));
    if (newDeviceKey) writes.push(meta.put({ name: WRAPPING_KEY_NAME, key: newDeviceKey }));
    else writes.push(meta.delete(WRAPPING_KEY_NAME)); // the vault makes a new one when it next needs one
  }
  await Promise.all([...writes, tx.done]);
  await lock.afterRekey(to.protection.kind === "passphrase" ? to.protection.record : undefined, to.raw);
}
