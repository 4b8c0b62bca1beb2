// The vault lock: an optional passphrase that every private key and the AccessKey secret are stored under.
//  - Without a passphrase, the vault keeps its own non-extractable AES-GCM wrapping key in IndexedDB
//    (key-wrapping.ts) and the credential store its own: the operating-system account and disk encryption
//    are what protect them, because Chromium writes a stored CryptoKey's bytes into the profile's files.
//  - With one, a 256-bit key is derived from it (PBKDF2-HMAC-SHA256, PASSPHRASE_KDF_ITERATIONS, 16-byte salt)
//    and every secret is AES-GCM ciphertext under it; no wrapping key and no private CryptoKey is stored.
//    The derived key lives only in this worker's memory (a non-extractable CryptoKey) and, as raw bytes, in
//    `storage.session` (in memory, cleared when the browser closes, not readable by content scripts) so a
//    stopped and restarted MV3 worker stays unlocked. The "meta" record holds the salt, the iteration count
//    and a check ciphertext that tells a wrong passphrase from a right one.
// Wrong passphrases are counted (in memory and storage.session); after the third, each further try waits
// twice as long as the one before (1 s, 2 s, 4 s … at most 5 minutes).
import type { IDBPDatabase } from "idb";
import { KeysmithError } from "../../core/errors";
import { toArrayBuffer } from "../../core/export/bytes";
import type { LockPolicy, VaultStatus } from "../../messages";
import { openVaultDatabase, STORE_CREDENTIALS, STORE_META, STORE_SECRETS, VAULT_DB_NAME } from "./schema";

export const PASSPHRASE_KDF_ITERATIONS = 600_000;
export const PASSPHRASE_RECORD = "passphrase";
export const LOCK_POLICY_RECORD = "lockPolicy";
export const DEFAULT_LOCK_POLICY: LockPolicy = { kind: "browser-close" };
/** Failures allowed before the growing delay starts. */
export const FREE_ATTEMPTS = 3;
export const MAX_DELAY_MS = 5 * 60_000;
const SESSION_KEY = "keysmith.vault.key";
const SESSION_FAILURES = "keysmith.vault.failures";
const CHECK_TEXT = "keysmith-vault-passphrase-check";
const OLD_CREDENTIALS_DB = "keysmith-credentials";

/** chrome.storage.session (or any in-memory stand-in), one JSON value per key. */
export interface SessionArea {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
  remove(key: string): Promise<void>;
}

export function memorySession(): SessionArea {
  const map = new Map<string, unknown>();
  return {
    get: async (key) => map.get(key),
    set: async (key, value) => void map.set(key, structuredClone(value)),
    remove: async (key) => void map.delete(key),
  };
}

/** The "meta" record of a vault with a passphrase. */
export interface PassphraseRecord {
  name: typeof PASSPHRASE_RECORD;
  kdf: "PBKDF2-SHA256";
  salt: Uint8Array;
  iterations: number;
  check: { iv: Uint8Array; ciphertext: Uint8Array };
}

interface SessionKey {
  /** Raw derived key, base64. */
  raw: string;
  /** Hex of the passphrase record's salt: a key for an older passphrase is ignored. */
  salt: string;
  lastUsed: number;
}

interface Failures {
  count: number;
  notBefore: number;
}

export interface VaultLockOptions {
  indexedDB?: IDBFactory;
  dbName?: string;
  crypto?: Crypto;
  session?: SessionArea;
  now?: () => number;
  /** PBKDF2 iterations for a new passphrase (default PASSPHRASE_KDF_ITERATIONS; unit tests lower it). */
  iterations?: number;
}

/** What protects the secrets at one moment: the device wrapping keys, or the passphrase key. */
export type Protection = { kind: "device" } | { kind: "passphrase"; key: CryptoKey; record: PassphraseRecord };

/** AES-GCM additional data of a record sealed under the passphrase key. */
export function sealedAad(purpose: string): ArrayBuffer {
  return toArrayBuffer(new TextEncoder().encode(`keysmith-sealed:${purpose}`));
}

export async function derivePassphraseBits(crypto: Crypto, passphrase: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const base = await crypto.subtle.importKey("raw", toArrayBuffer(new TextEncoder().encode(passphrase.normalize("NFC"))), "PBKDF2", false, ["deriveBits"]);
  return new Uint8Array(await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt: toArrayBuffer(salt), iterations }, base, 256));
}

export async function importPassphraseKey(crypto: Crypto, raw: Uint8Array): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", toArrayBuffer(raw), { name: "AES-GCM" }, false, ["encrypt", "decrypt", "wrapKey", "unwrapKey"]);
}

export async function sealWith(crypto: Crypto, key: CryptoKey, purpose: string, plaintext: Uint8Array): Promise<{ iv: Uint8Array; ciphertext: Uint8Array }> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ciphertext = await crypto.subtle.encrypt({ name: "AES-GCM", iv: toArrayBuffer(iv), additionalData: sealedAad(purpose) }, key, toArrayBuffer(plaintext));
  return { iv, ciphertext: new Uint8Array(ciphertext) };
}

export async function openWith(crypto: Crypto, key: CryptoKey, purpose: string, sealed: { iv: Uint8Array; ciphertext: Uint8Array }): Promise<Uint8Array> {
  try {
    return new Uint8Array(
      await crypto.subtle.decrypt({ name: "AES-GCM", iv: toArrayBuffer(sealed.iv), additionalData: sealedAad(purpose) }, key, toArrayBuffer(sealed.ciphertext)),
    );
  } catch {
    throw new KeysmithError("vault.record.damaged", { field: "key", params: { id: purpose } });
  }
}

/** A new passphrase record and its key (nothing stored yet). */
export async function newPassphraseProtection(crypto: Crypto, passphrase: string, iterations: number): Promise<{ protection: Protection & { kind: "passphrase" }; raw: Uint8Array }> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const raw = await derivePassphraseBits(crypto, passphrase, salt, iterations);
  const key = await importPassphraseKey(crypto, raw);
  const check = await sealWith(crypto, key, "check", new TextEncoder().encode(CHECK_TEXT));
  const record: PassphraseRecord = { name: PASSPHRASE_RECORD, kdf: "PBKDF2-SHA256", salt, iterations, check };
  return { protection: { kind: "passphrase", key, record }, raw };
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function b64(bytes: Uint8Array): string {
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

function unb64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

export class VaultLock {
  readonly crypto: Crypto;
  readonly iterations: number;
  private session: SessionArea;
  private readonly now: () => number;
  private dbPromise: Promise<IDBPDatabase> | undefined;
  /** The passphrase record as last read (undefined: none; null: not read yet). */
  private record: PassphraseRecord | undefined | null = null;
  private memoryKey: { salt: string; key: CryptoKey } | undefined;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private listeners = new Set<() => void>();
  /** Bumped whenever what protects the secrets changes (set, change, remove, lock): caches of unlocked keys go. */
  generation = 0;

  constructor(private readonly options: VaultLockOptions = {}) {
    this.crypto = options.crypto ?? globalThis.crypto;
    this.session = options.session ?? memorySession();
    this.now = options.now ?? (() => Date.now());
    this.iterations = options.iterations ?? PASSPHRASE_KDF_ITERATIONS;
  }

  /** The worker gives the real storage.session once it knows its platform (before any message is handled). */
  useSession(session: SessionArea): void {
    this.session = session;
  }

  /** Called after every change of protection or lock state (the vault and credential store drop caches). */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  db(): Promise<IDBPDatabase> {
    return (this.dbPromise ??= (async () => {
      const factory = this.options.indexedDB ?? globalThis.indexedDB;
      if (!factory) throw new KeysmithError("vault.unavailable", { field: "indexedDB", params: { detail: "no IndexedDB here" } });
      const db = await openVaultDatabase(factory, this.options.dbName ?? VAULT_DB_NAME);
      if (this.options.dbName === undefined) await moveOldCredentials(factory, db).catch(() => undefined);
      return db;
    })().catch((err) => {
      this.dbPromise = undefined;
      throw err;
    }));
  }

  /** Run `fn` alone: re-encryption and writes of secrets never interleave. */
  serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  async passphraseRecord(): Promise<PassphraseRecord | undefined> {
    if (this.record === null) this.record = (await (await this.db()).get(STORE_META, PASSPHRASE_RECORD)) as PassphraseRecord | undefined;
    return this.record;
  }

  async lockPolicy(): Promise<LockPolicy> {
    const stored = (await (await this.db()).get(STORE_META, LOCK_POLICY_RECORD)) as { policy?: LockPolicy } | undefined;
    return stored?.policy ?? DEFAULT_LOCK_POLICY;
  }

  async setLockPolicy(policy: LockPolicy): Promise<void> {
    await (await this.db()).put(STORE_META, { name: LOCK_POLICY_RECORD, policy });
    await this.armIdle(policy);
  }

  async status(): Promise<VaultStatus> {
    const record = await this.passphraseRecord();
    const lockPolicy = await this.lockPolicy();
    const locked = record ? !(await this.currentKey(record, lockPolicy, false)) : false;
    return { hasPassphrase: !!record, locked, lockPolicy, unprotectedKeys: await this.unprotectedKeys() };
  }

  /** Non-exportable keys stored as browser-held CryptoKeys (made before a passphrase): it cannot cover them. */
  async unprotectedKeys(): Promise<number> {
    if (!(await this.passphraseRecord())) return 0;
    const secrets = (await (await this.db()).getAll(STORE_SECRETS)) as { kind: string }[];
    return secrets.filter((s) => s.kind === "cryptokey").length;
  }

  /**
   * What protects the secrets now. With a passphrase and no key in memory: `vault.locked` (every key use,
   * signed call and re-encryption asks for it). A use counts as activity for the idle policy.
   */
  async protection(): Promise<Protection> {
    const record = await this.passphraseRecord();
    if (!record) return { kind: "device" };
    const key = await this.currentKey(record, await this.lockPolicy(), true);
    if (!key) throw new KeysmithError("vault.locked", { field: "passphrase" });
    return { kind: "passphrase", key, record };
  }

  async isLocked(): Promise<boolean> {
    const record = await this.passphraseRecord();
    return !!record && !(await this.currentKey(record, await this.lockPolicy(), false));
  }

  private async currentKey(record: PassphraseRecord, policy: LockPolicy, touch: boolean): Promise<CryptoKey | undefined> {
    const salt = hex(record.salt);
    const stored = (await this.session.get(SESSION_KEY)) as SessionKey | undefined;
    if (!stored || stored.salt !== salt) {
      this.memoryKey = undefined;
      return undefined;
    }
    if (policy.kind === "idle" && this.now() - stored.lastUsed > policy.minutes * 60_000) {
      await this.lock();
      return undefined;
    }
    if (this.memoryKey?.salt !== salt) {
      const raw = unb64(stored.raw);
      this.memoryKey = { salt, key: await importPassphraseKey(this.crypto, raw) };
      raw.fill(0);
    }
    if (touch && policy.kind === "idle") {
      await this.session.set(SESSION_KEY, { ...stored, lastUsed: this.now() });
      await this.armIdle(policy);
    }
    return this.memoryKey.key;
  }

  /** While the worker lives, lock when the idle time is up even if nothing asks (a restarted worker checks on use). */
  private async armIdle(policy: LockPolicy): Promise<void> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    if (policy.kind !== "idle") return;
    this.idleTimer = setTimeout(() => void this.isLocked().catch(() => undefined), policy.minutes * 60_000 + 1000);
    (this.idleTimer as { unref?: () => void }).unref?.();
  }

  async unlock(passphrase: string): Promise<void> {
    const record = await this.passphraseRecord();
    if (!record) throw new KeysmithError("vault.passphrase.none", { field: "passphrase" });
    const raw = await this.verify(record, passphrase);
    await this.remember(record, raw);
    raw.fill(0);
  }

  /** Derive and check a passphrase against the record, with the growing delay; the raw key on success. */
  async verify(record: PassphraseRecord, passphrase: string, field = "passphrase"): Promise<Uint8Array> {
    const failures = ((await this.session.get(SESSION_FAILURES)) as Failures | undefined) ?? { count: 0, notBefore: 0 };
    const wait = failures.notBefore - this.now();
    if (wait > 0) throw new KeysmithError("vault.unlock.wait", { field, params: { seconds: Math.ceil(wait / 1000) } });
    const raw = await derivePassphraseBits(this.crypto, passphrase, record.salt, record.iterations);
    const key = await importPassphraseKey(this.crypto, raw);
    try {
      await openWith(this.crypto, key, "check", record.check);
    } catch {
      raw.fill(0);
      const count = failures.count + 1;
      const delay = count < FREE_ATTEMPTS ? 0 : Math.min(MAX_DELAY_MS, 1000 * 2 ** (count - FREE_ATTEMPTS));
      await this.session.set(SESSION_FAILURES, { count, notBefore: this.now() + delay });
      throw new KeysmithError("vault.passphrase.wrong", { field, params: { attempts: count, free: FREE_ATTEMPTS, seconds: Math.ceil(delay / 1000) } });
    }
    await this.session.remove(SESSION_FAILURES);
    return raw;
  }

  /** Keep the derived key (memory and storage.session) for this record. */
  async remember(record: PassphraseRecord, raw: Uint8Array): Promise<void> {
    const salt = hex(record.salt);
    this.record = record;
    this.memoryKey = { salt, key: await importPassphraseKey(this.crypto, raw) };
    await this.session.set(SESSION_KEY, { raw: b64(raw), salt, lastUsed: this.now() } satisfies SessionKey);
    await this.armIdle(await this.lockPolicy());
    this.changed();
  }

  async lock(): Promise<void> {
    this.memoryKey = undefined;
    await this.session.remove(SESSION_KEY);
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    this.changed();
  }

  /** After a re-encryption: forget the cached record (and key, when the passphrase went). */
  async afterRekey(record: PassphraseRecord | undefined, raw: Uint8Array | undefined): Promise<void> {
    this.record = record;
    if (record && raw) await this.remember(record, raw);
    else await this.lock();
  }

  private changed(): void {
    this.generation++;
    for (const listener of this.listeners) listener();
  }
}

/**
 * Before vault schema v4 the AccessKey had its own database (`keysmith-credentials`, store and record as
 * now). Its record is copied into the vault database's "credentials" store (unless one is there already)
 * and the old database deleted, so one transaction can re-encrypt keys and secret together.
 */
async function moveOldCredentials(factory: IDBFactory, db: IDBPDatabase): Promise<void> {
  const names = (await factory.databases?.()) ?? [];
  if (!names.some((d) => d.name === OLD_CREDENTIALS_DB)) return;
  const old = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = factory.open(OLD_CREDENTIALS_DB);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  try {
    if (old.objectStoreNames.contains(STORE_CREDENTIALS)) {
      const record = await new Promise<unknown>((resolve, reject) => {
        const request = old.transaction(STORE_CREDENTIALS).objectStore(STORE_CREDENTIALS).get("default");
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      if (record && !(await db.get(STORE_CREDENTIALS, "default"))) await db.put(STORE_CREDENTIALS, record);
    }
  } finally {
    old.close();
  }
  await new Promise<void>((resolve) => {
    const request = factory.deleteDatabase(OLD_CREDENTIALS_DB);
    request.onsuccess = request.onerror = request.onblocked = () => resolve();
  });
}

let shared: VaultLock | undefined;

/** The worker's one lock over the default vault database (the vault, the credential store and vault.* share it). */
export function sharedVaultLock(): VaultLock {
  return (shared ??= new VaultLock());
}
