// The credential store: the AccessKey secret is imported ONCE as two non-extractable WebCrypto HMAC keys
// (SHA-1 over secret+"&" for V1, SHA-256 over secret for V3) and only those CryptoKeys are kept, in their
// own IndexedDB database. The secret string is never stored, logged or returned; status() shows only a
// hint of the AccessKey ID. Structured clone keeps the CryptoKeys usable (and non-extractable) after a
// browser restart.
import { openDB, type IDBPDatabase } from "idb";
import { KeysmithError, fail } from "../core/errors";
import { hmacFromCryptoKey, importHmacCryptoKeys } from "../core/aliyun/hmac";
import type { AliyunClient, CredentialSource, SigningCredentials } from "../core/aliyun/client";
import type { CredentialsStatus, CredentialsTestResult, PackageState } from "../messages";

export const CREDENTIALS_DB = "keysmith-credentials";
const STORE = "credentials";
const RECORD_ID = "default";

interface StoredCredentials {
  id: typeof RECORD_ID;
  accessKeyId: string;
  v1: CryptoKey;
  v3: CryptoKey;
  securityToken?: string;
  securityTokenExpiresAt?: string;
  savedAt: string;
}

export interface CredentialInput {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
  securityTokenExpiresAt?: string;
}

/** Also a CredentialSource: hand the store itself to createClient({ credentials: store }). */
export interface CredentialStore extends CredentialSource {
  set(input: CredentialInput): Promise<CredentialsStatus>;
  clear(): Promise<CredentialsStatus>;
  status(): Promise<CredentialsStatus>;
  /** What the client signs with; throws api.credentials.missing when nothing is stored. */
  signingCredentials(): Promise<SigningCredentials>;
}

export function accessKeyIdHint(id: string): string {
  return id.length <= 8 ? `${id.slice(0, 2)}…` : `${id.slice(0, 4)}…${id.slice(-4)}`;
}

function statusOf(record: StoredCredentials | undefined): CredentialsStatus {
  if (!record) return { configured: false, accessKeyIdHint: "", hasSecurityToken: false };
  return {
    configured: true,
    accessKeyIdHint: accessKeyIdHint(record.accessKeyId),
    hasSecurityToken: record.securityToken !== undefined,
    securityTokenExpiresAt: record.securityTokenExpiresAt,
  };
}

export function createCredentialStore(options: { dbName?: string; indexedDB?: IDBFactory; subtle?: SubtleCrypto; now?: () => Date } = {}): CredentialStore {
  const dbName = options.dbName ?? CREDENTIALS_DB;
  let dbPromise: Promise<IDBPDatabase> | undefined;
  const db = () =>
    (dbPromise ??= (async () => {
      const factory = options.indexedDB;
      // idb opens through the global indexedDB; a test may hand its own factory (fake-indexeddb).
      if (factory && globalThis.indexedDB !== factory) (globalThis as { indexedDB: IDBFactory }).indexedDB = factory;
      return openDB(dbName, 1, { upgrade: (d) => void d.createObjectStore(STORE, { keyPath: "id" }) });
    })());
  const load = async () => (await (await db()).get(STORE, RECORD_ID)) as StoredCredentials | undefined;

  return {
    async set(input) {
      const accessKeyId = input.accessKeyId.trim();
      if (!accessKeyId || /\s/.test(accessKeyId)) fail("api.credentials.invalid", "AccessKeyId");
      if (!input.accessKeySecret || /\s/.test(input.accessKeySecret)) fail("api.credentials.invalid", "AccessKeySecret");
      const keys = await importHmacCryptoKeys(input.accessKeySecret, options.subtle);
      const record: StoredCredentials = {
        id: RECORD_ID,
        accessKeyId,
        v1: keys.v1,
        v3: keys.v3,
        savedAt: (options.now?.() ?? new Date()).toISOString(),
      };
      if (input.securityToken) record.securityToken = input.securityToken;
      if (input.securityToken && input.securityTokenExpiresAt) record.securityTokenExpiresAt = input.securityTokenExpiresAt;
      await (await db()).put(STORE, record);
      return statusOf(record);
    },
    async clear() {
      await (await db()).delete(STORE, RECORD_ID);
      return statusOf(undefined);
    },
    async status() {
      return statusOf(await load());
    },
    async signingCredentials() {
      const record = await load();
      if (!record) fail("api.credentials.missing", "AccessKey");
      return {
        accessKeyId: record.accessKeyId,
        securityToken: record.securityToken,
        securityTokenExpiresAt: record.securityTokenExpiresAt,
        hmac: { v1: hmacFromCryptoKey(record.v1, options.subtle), v3: hmacFromCryptoKey(record.v3, options.subtle) },
      };
    },
  };
}

/** "Test credentials": DescribePackageState; success with the packages seen, or the reason as error data. */
export async function testCredentials(client: AliyunClient, productCode?: string): Promise<CredentialsTestResult> {
  try {
    const reply = await client.call("cas", "DescribePackageState", productCode ? { ProductCode: productCode } : {});
    const pkg: PackageState = {
      productCode: String(reply.ProductCode ?? productCode ?? ""),
      totalCount: Number(reply.TotalCount ?? 0),
      usedCount: Number(reply.UsedCount ?? 0),
      issuedCount: Number(reply.IssuedCount ?? 0),
    };
    return { ok: true, packages: [pkg] };
  } catch (err) {
    if (err instanceof KeysmithError) return { ok: false, error: err.toData() };
    throw err;
  }
}
