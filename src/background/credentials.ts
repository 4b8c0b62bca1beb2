// The credential store. The AccessKey secret becomes HMAC key material ONCE (secret+"&" for V1's SHA-1,
// secret for V3's SHA-256), sealed at once with AES-GCM under a non-extractable wrapping key (the sealed
// bytes are exactly what wrapKey("raw") would give, without ever making an extractable HMAC key);
// only the wrapped blobs, the wrapping key, the AccessKey ID and an optional STS token are kept, in their
// own IndexedDB database. Why wrapped rather than the HMAC CryptoKeys themselves: Chromium writes a stored
// CryptoKey's raw bytes into the profile's IndexedDB files, and an HMAC key's raw bytes ARE the secret.
// Unwrapping happens inside WebCrypto into non-extractable keys, so after set() the secret never exists
// as a JS string or byte array again; keys are unwrapped once per worker life and cached.
import { openDB, type IDBPDatabase } from "idb";
import { KeysmithError, fail } from "../core/errors";
import { hmacFromCryptoKey } from "../core/aliyun/hmac";
import type { AliyunClient, CredentialSource, SigningCredentials } from "../core/aliyun/client";
import type { CredentialsStatus, CredentialsTestResult, PackageState } from "../messages";

export const CREDENTIALS_DB = "keysmith-credentials";
const STORE = "credentials";
const RECORD_ID = "default";

interface StoredCredentials {
  id: typeof RECORD_ID;
  accessKeyId: string;
  /** AES-GCM, non-extractable; seals new material (encrypt) and unwraps it into HMAC keys (unwrapKey). */
  wrappingKey: CryptoKey;
  v1: WrappedKey;
  v3: WrappedKey;
  securityToken?: string;
  securityTokenExpiresAt?: string;
  savedAt: string;
}

interface WrappedKey {
  iv: Uint8Array;
  wrapped: ArrayBuffer;
}

const V1_ALGORITHM = { name: "HMAC", hash: "SHA-1" } as const;
const V3_ALGORITHM = { name: "HMAC", hash: "SHA-256" } as const;

async function wrapSecret(secret: string, subtle: SubtleCrypto): Promise<Pick<StoredCredentials, "wrappingKey" | "v1" | "v3">> {
  const wrappingKey = await subtle.generateKey({ name: "AES-GCM", length: 256 }, false, ["encrypt", "unwrapKey"]);
  const utf8 = new TextEncoder();
  const seal = async (material: Uint8Array): Promise<WrappedKey> => {
    const iv = globalThis.crypto.getRandomValues(new Uint8Array(12));
    const wrapped = await subtle.encrypt({ name: "AES-GCM", iv: iv as BufferSource }, wrappingKey, material as BufferSource);
    material.fill(0);
    return { iv, wrapped };
  };
  return { wrappingKey, v1: await seal(utf8.encode(`${secret}&`)), v3: await seal(utf8.encode(secret)) };
}

async function unwrapHmac(record: StoredCredentials, which: "v1" | "v3", subtle: SubtleCrypto): Promise<CryptoKey> {
  const w = record[which];
  return subtle.unwrapKey("raw", w.wrapped, record.wrappingKey, { name: "AES-GCM", iv: w.iv as BufferSource }, which === "v1" ? V1_ALGORITHM : V3_ALGORITHM, false, ["sign"]);
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
  const subtle = options.subtle ?? globalThis.crypto.subtle;
  // Unwrapped keys for the record last read, so a worker unwraps once per life, not per call.
  let cache: { savedAt: string; creds: Promise<SigningCredentials> } | undefined;

  return {
    async set(input) {
      const accessKeyId = input.accessKeyId.trim();
      if (!accessKeyId || /\s/.test(accessKeyId)) fail("api.credentials.invalid", "AccessKeyId");
      if (!input.accessKeySecret || /\s/.test(input.accessKeySecret)) fail("api.credentials.invalid", "AccessKeySecret");
      const record: StoredCredentials = {
        id: RECORD_ID,
        accessKeyId,
        ...(await wrapSecret(input.accessKeySecret, subtle)),
        savedAt: `${(options.now?.() ?? new Date()).toISOString()}#${globalThis.crypto.randomUUID()}`,
      };
      cache = undefined;
      if (input.securityToken) record.securityToken = input.securityToken;
      if (input.securityToken && input.securityTokenExpiresAt) record.securityTokenExpiresAt = input.securityTokenExpiresAt;
      await (await db()).put(STORE, record);
      return statusOf(record);
    },
    async clear() {
      await (await db()).delete(STORE, RECORD_ID);
      cache = undefined;
      return statusOf(undefined);
    },
    async status() {
      return statusOf(await load());
    },
    async signingCredentials() {
      const record = await load();
      if (!record) fail("api.credentials.missing", "AccessKey");
      if (cache?.savedAt !== record.savedAt) {
        const creds = (async (): Promise<SigningCredentials> => {
          const [v1, v3] = await Promise.all([unwrapHmac(record, "v1", subtle), unwrapHmac(record, "v3", subtle)]);
          return {
            accessKeyId: record.accessKeyId,
            securityToken: record.securityToken,
            securityTokenExpiresAt: record.securityTokenExpiresAt,
            hmac: { v1: hmacFromCryptoKey(v1, subtle), v3: hmacFromCryptoKey(v3, subtle) },
          };
        })();
        cache = { savedAt: record.savedAt, creds };
        creds.catch(() => {
          if (cache?.creds === creds) cache = undefined;
        });
      }
      return cache.creds;
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
