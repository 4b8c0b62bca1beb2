// The vault's IndexedDB schema and its upgrade path. Each version is one step applied in order inside
// the versionchange transaction, so an extension update never loses a key, a CSR or an order:
//  v1: stores keys (keyPath id), secrets (keyPath id), meta (keyPath name); records have `created`
//      as epoch milliseconds and no SPKI hash.
//  v2: `created` becomes `createdAt` (ISO 8601), every record gets `spkiSha256` and keys gets the
//      "bySpki" index, so an imported certificate finds its key without decrypting anything.
//  v3: every record gets `origin` ("local": made here; "cloud" is only written for keys imported from a
//      cas CreateCertificateRequest order, which did not exist before v3).
//  v4: store `credentials` (the AccessKey, moved here from its own database `keysmith-credentials` by the
//      credential store on first use), so that setting, changing or removing the vault passphrase
//      re-encrypts every key and the AccessKey secret in one transaction (rekey.ts).
// Steps use raw IDB cursors (synchronous callbacks): awaiting anything else would commit the upgrade.
import { sha256 } from "@noble/hashes/sha2";
import { wrap, type IDBPDatabase } from "idb";
import { KeysmithError } from "../../core/errors";

export const VAULT_DB_NAME = "keysmith-vault";
export const VAULT_DB_VERSION = 4;
export const STORE_KEYS = "keys";
export const STORE_SECRETS = "secrets";
export const STORE_META = "meta";
export const STORE_CREDENTIALS = "credentials";
export const INDEX_BY_SPKI = "bySpki";

export function spkiHash(spkiDer: Uint8Array): string {
  return Array.from(sha256(spkiDer), (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * One version's step: `schema` changes stores and indexes; `record` rewrites one "keys" record (in place).
 * Record steps of all the versions being crossed run in order in a single cursor pass: two cursors updating
 * the same records in one transaction would interleave and overwrite each other's changes.
 */
interface UpgradeStep {
  schema?: (db: IDBDatabase, tx: IDBTransaction) => void;
  record?: (record: Record<string, unknown>) => void;
}

const UPGRADES: Record<number, UpgradeStep> = {
  1: {
    schema: (db) => {
      db.createObjectStore(STORE_KEYS, { keyPath: "id" });
      db.createObjectStore(STORE_SECRETS, { keyPath: "id" });
      db.createObjectStore(STORE_META, { keyPath: "name" });
    },
  },
  2: {
    schema: (_db, tx) => tx.objectStore(STORE_KEYS).createIndex(INDEX_BY_SPKI, "spkiSha256", { unique: false }),
    record: (record) => {
      if (typeof record.created === "number") {
        record.createdAt = new Date(record.created).toISOString();
        delete record.created;
      }
      if (record.spkiDer instanceof Uint8Array) record.spkiSha256 = spkiHash(record.spkiDer);
    },
  },
  3: {
    record: (record) => {
      if (record.origin !== "local" && record.origin !== "cloud") record.origin = "local";
    },
  },
  4: {
    schema: (db) => void db.createObjectStore(STORE_CREDENTIALS, { keyPath: "id" }),
  },
};

function upgrade(db: IDBDatabase, tx: IDBTransaction, from: number, to: number): void {
  const steps: UpgradeStep[] = [];
  for (let v = from + 1; v <= to; v++) steps.push(UPGRADES[v]!);
  for (const step of steps) step.schema?.(db, tx);
  const recordSteps = steps.flatMap((step) => (step.record ? [step.record] : []));
  if (from === 0 || recordSteps.length === 0) return; // a new database has no records
  const request = tx.objectStore(STORE_KEYS).openCursor();
  request.onsuccess = () => {
    const cursor = request.result;
    if (!cursor) return;
    const record = { ...(cursor.value as Record<string, unknown>) };
    for (const step of recordSteps) step(record);
    cursor.update(record);
    cursor.continue();
  };
}

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
      upgrade(request.result, request.transaction!, event.oldVersion, event.newVersion ?? version);
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
