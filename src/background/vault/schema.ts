// The vault's IndexedDB schema and its upgrade path. Each version is one step applied in order inside
// the versionchange transaction, so an extension update never loses a key, a CSR or an order:
//  v1: stores keys (keyPath id), secrets (keyPath id), meta (keyPath name); records have `created`
//      as epoch milliseconds and no SPKI hash.
//  v2: `created` becomes `createdAt` (ISO 8601), every record gets `spkiSha256` and keys gets the
//      "bySpki" index, so an imported certificate finds its key without decrypting anything.
// Steps use raw IDB cursors (synchronous callbacks): awaiting anything else would commit the upgrade.
import { sha256 } from "@noble/hashes/sha2";
import { wrap, type IDBPDatabase } from "idb";
import { KeysmithError } from "../../core/errors";

export const VAULT_DB_NAME = "keysmith-vault";
export const VAULT_DB_VERSION = 2;
export const STORE_KEYS = "keys";
export const STORE_SECRETS = "secrets";
export const STORE_META = "meta";
export const INDEX_BY_SPKI = "bySpki";

export function spkiHash(spkiDer: Uint8Array): string {
  return Array.from(sha256(spkiDer), (b) => b.toString(16).padStart(2, "0")).join("");
}

type UpgradeStep = (db: IDBDatabase, tx: IDBTransaction) => void;

const UPGRADES: Record<number, UpgradeStep> = {
  1: (db) => {
    db.createObjectStore(STORE_KEYS, { keyPath: "id" });
    db.createObjectStore(STORE_SECRETS, { keyPath: "id" });
    db.createObjectStore(STORE_META, { keyPath: "name" });
  },
  2: (_db, tx) => {
    const keys = tx.objectStore(STORE_KEYS);
    keys.createIndex(INDEX_BY_SPKI, "spkiSha256", { unique: false });
    const request = keys.openCursor();
    request.onsuccess = () => {
      const cursor = request.result;
      if (!cursor) return;
      const record = { ...(cursor.value as Record<string, unknown>) };
      if (typeof record.created === "number") {
        record.createdAt = new Date(record.created).toISOString();
        delete record.created;
      }
      if (record.spkiDer instanceof Uint8Array) record.spkiSha256 = spkiHash(record.spkiDer);
      cursor.update(record);
      cursor.continue();
    };
  },
};

/**
 * Open (creating or upgrading) the vault database. `version` exists for tests that build an older
 * database to upgrade from; everyone else gets the current version.
 */
export function openVaultDatabase(factory: IDBFactory, name = VAULT_DB_NAME, version = VAULT_DB_VERSION): Promise<IDBPDatabase> {
  return new Promise((resolve, reject) => {
    let request: IDBOpenDBRequest;
    try {
      request = factory.open(name, version);
    } catch (error) {
      reject(new KeysmithError("vault.unavailable", { field: "indexedDB", params: { detail: String(error) }, cause: error }));
      return;
    }
    request.onupgradeneeded = (event) => {
      const tx = request.transaction!;
      for (let v = event.oldVersion + 1; v <= (event.newVersion ?? version); v++) UPGRADES[v]!(request.result, tx);
    };
    request.onsuccess = () => {
      const db = request.result;
      // Another tab or worker upgrading: let it, and reopen on next use.
      db.onversionchange = () => db.close();
      resolve(wrap(db));
    };
    request.onerror = () =>
      reject(new KeysmithError("vault.unavailable", { field: "indexedDB", params: { detail: String(request.error?.message ?? request.error) } }));
    request.onblocked = () => undefined;
  });
}
