// The credential store. The AccessKey secret becomes HMAC key material ONCE and is sealed at once
// (src/background/vault/credential-record.ts): under the vault passphrase key when the vault has a
// passphrase, else under a non-extractable AES-GCM key kept beside it. Only the sealed material, the
// AccessKey ID and an optional STS token are kept, in the vault database's "credentials" store (so a
// passphrase change re-encrypts keys and secret in one transaction), one record per profile
// (src/background/profiles/profile-store.ts) under the profile's id. Why sealed rather than the HMAC
// CryptoKeys themselves: Chromium writes a stored CryptoKey's raw bytes into the profile's IndexedDB
// files, and an HMAC key's raw bytes ARE the secret. Unwrapping happens inside WebCrypto into
// non-extractable keys, so after set() the secret never exists as a JS string or byte array again; keys are
// unwrapped once per worker life (and unlock) and cached in memory. A locked vault answers `vault.locked`.
import type { IDBPDatabase } from "idb";
import { KeysmithError, fail } from "../core/errors";
import { hmacFromCryptoKey } from "../core/aliyun/hmac";
import { accessKeyIdHint } from "../core/aliyun/redact";
import type { AliyunClient, CredentialSource, SigningCredentials } from "../core/aliyun/client";
import type { CredentialsStatus, CredentialsTestResult, PackageState } from "../messages";
import { CREDENTIALS_RECORD_ID, materialOf, sealMaterial, unwrapHmac, type StoredCredentials } from "./vault/credential-record";
import { sharedVaultLock, VaultLock } from "./vault/lock";
import { STORE_CREDENTIALS } from "./vault/schema";

/** Where credentials were kept before vault schema v4 (moved into the vault database on first open, lock.ts). */
export const CREDENTIALS_DB = "keysmith-credentials";

export interface CredentialInput {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
  securityTokenExpiresAt?: string;
}

/**
 * What set() takes, and what credentials.test takes in a draft: an AccessKeyId (trimmed) and a secret, neither
 * empty nor holding whitespace. Throws api.credentials.invalid naming the field.
 */
export function checkCredentialInput(input: Pick<CredentialInput, "accessKeyId" | "accessKeySecret">): void {
  const accessKeyId = input.accessKeyId.trim();
  if (!accessKeyId || /\s/.test(accessKeyId)) fail("api.credentials.invalid", "AccessKeyId");
  if (!input.accessKeySecret || /\s/.test(input.accessKeySecret)) fail("api.credentials.invalid", "AccessKeySecret");
}

/** Also a CredentialSource: hand the store itself to createClient({ credentials: store }). */
export interface CredentialStore extends CredentialSource {
  set(input: CredentialInput): Promise<CredentialsStatus>;
  clear(): Promise<CredentialsStatus>;
  status(): Promise<CredentialsStatus>;
  /** What the client signs with; throws api.credentials.missing when nothing is stored, vault.locked while locked. */
  signingCredentials(): Promise<SigningCredentials>;
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

/**
 * `lock`: the vault lock whose database and passphrase the store uses. Default: the worker's shared lock,
 * or a lock over database `dbName` of `indexedDB` when either is given (tests).
 */
export function createCredentialStore(
  options: { dbName?: string; indexedDB?: IDBFactory; subtle?: SubtleCrypto; now?: () => Date; lock?: VaultLock; profileId?: string } = {},
): CredentialStore {
  const lock = options.lock ?? (options.dbName || options.indexedDB ? new VaultLock({ dbName: options.dbName, indexedDB: options.indexedDB }) : sharedVaultLock());
  const db = (): Promise<IDBPDatabase> => lock.db();
  // One record per profile, its id the profile's (the record kept before profiles has id "default": the
  // profile "default" it migrated into).
  const recordId = options.profileId ?? CREDENTIALS_RECORD_ID;
  const load = async () => (await (await db()).get(STORE_CREDENTIALS, recordId)) as StoredCredentials | undefined;
  const subtle = options.subtle ?? globalThis.crypto.subtle;
  // Unwrapped keys for the record last read, so a worker unwraps once per life, not per call.
  let cache: { savedAt: string; generation: number; creds: Promise<SigningCredentials> } | undefined;
  lock.onChange(() => {
    cache = undefined;
  });

  return {
    async set(input) {
      checkCredentialInput(input);
      const accessKeyId = input.accessKeyId.trim();
      return lock.serial(async () => {
        const protection = await lock.protection(); // locked: vault.locked, nothing stored
        const record: StoredCredentials = {
          id: recordId,
          accessKeyId,
          ...(await sealMaterial(materialOf(input.accessKeySecret), subtle, protection.kind === "passphrase" ? protection.key : undefined)),
          savedAt: `${(options.now?.() ?? new Date()).toISOString()}#${globalThis.crypto.randomUUID()}`,
        };
        cache = undefined;
        if (input.securityToken) record.securityToken = input.securityToken;
        if (input.securityToken && input.securityTokenExpiresAt) record.securityTokenExpiresAt = input.securityTokenExpiresAt;
        await (await db()).put(STORE_CREDENTIALS, record);
        return statusOf(record);
      });
    },
    async clear() {
      await lock.serial(async () => (await db()).delete(STORE_CREDENTIALS, recordId));
      cache = undefined;
      return statusOf(undefined);
    },
    async status() {
      return statusOf(await load());
    },
    async signingCredentials() {
      const record = await load();
      if (!record) fail("api.credentials.missing", "AccessKey");
      const protection = await lock.protection(); // locked: vault.locked (checked on every signed call)
      const passphraseKey = protection.kind === "passphrase" ? protection.key : undefined;
      if (cache?.savedAt !== record.savedAt || cache.generation !== lock.generation) {
        const creds = (async (): Promise<SigningCredentials> => {
          const [v1, v3] = await Promise.all([unwrapHmac(record, "v1", subtle, passphraseKey), unwrapHmac(record, "v3", subtle, passphraseKey)]);
          return {
            accessKeyId: record.accessKeyId,
            securityToken: record.securityToken,
            securityTokenExpiresAt: record.securityTokenExpiresAt,
            hmac: { v1: hmacFromCryptoKey(v1, subtle), v3: hmacFromCryptoKey(v3, subtle) },
          };
        })();
        const entry = { savedAt: record.savedAt, generation: lock.generation, creds };
        cache = entry;
        creds.catch(() => {
          if (cache === entry) cache = undefined;
        });
      }
      return cache!.creds;
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
