// The device wrapping key of a vault WITHOUT a passphrase: one non-extractable AES-256-GCM key, kept in
// the vault's own "meta" store. Non-extractable means script cannot read its bytes, but Chromium writes a
// stored CryptoKey's raw bytes into the profile's IndexedDB files: whoever can read the disk can unwrap
// what it wraps (docs/vault.md, threat model). With a vault passphrase there is no wrapping key at all:
// secrets are sealed under the passphrase key (lock.ts). The key id is the GCM additional data: a
// ciphertext moved to another record fails to decrypt.
import type { IDBPDatabase } from "idb";
import { KeysmithError } from "../../core/errors";
import { toArrayBuffer } from "../../core/export/bytes";
import { STORE_META } from "./schema";

export const WRAPPING_KEY_NAME = "wrappingKey";

export interface Wrapped {
  iv: Uint8Array;
  ciphertext: Uint8Array;
}

export class KeyWrapper {
  private constructor(private readonly crypto: Crypto, private readonly key: CryptoKey) {}

  /** A wrapper over a key not stored yet (re-encryption writes it in its own transaction). */
  static fromKey(crypto: Crypto, key: CryptoKey): KeyWrapper {
    return new KeyWrapper(crypto, key);
  }

  static async load(db: IDBPDatabase, crypto: Crypto): Promise<KeyWrapper> {
    const existing = (await db.get(STORE_META, WRAPPING_KEY_NAME)) as { key: CryptoKey } | undefined;
    if (existing) return new KeyWrapper(crypto, existing.key);
    const key = await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
    const tx = db.transaction(STORE_META, "readwrite");
    // Two contexts opening a fresh vault at once: the first stored key wins, both use it.
    const raced = (await tx.store.get(WRAPPING_KEY_NAME)) as { key: CryptoKey } | undefined;
    if (!raced) await tx.store.put({ name: WRAPPING_KEY_NAME, key });
    await tx.done;
    return new KeyWrapper(crypto, raced?.key ?? key);
  }

  async wrap(id: string, plaintext: Uint8Array): Promise<Wrapped> {
    const iv = this.crypto.getRandomValues(new Uint8Array(12));
    const ciphertext = await this.crypto.subtle.encrypt(
      { name: "AES-GCM", iv: toArrayBuffer(iv), additionalData: aad(id) }, this.key, toArrayBuffer(plaintext),
    );
    return { iv, ciphertext: new Uint8Array(ciphertext) };
  }

  async unwrap(id: string, wrapped: Wrapped): Promise<Uint8Array> {
    try {
      return new Uint8Array(await this.crypto.subtle.decrypt(
        { name: "AES-GCM", iv: toArrayBuffer(wrapped.iv), additionalData: aad(id) }, this.key, toArrayBuffer(wrapped.ciphertext),
      ));
    } catch {
      throw new KeysmithError("vault.record.damaged", { field: "key", params: { id } });
    }
  }
}

function aad(id: string): ArrayBuffer {
  return toArrayBuffer(new TextEncoder().encode(`keysmith-vault:${id}`));
}
