// The key vault the background worker keeps keys in. Runs wherever IndexedDB and WebCrypto do:
// the MV3 service worker, and Node tests over fake-indexeddb. Storage rules without a vault passphrase:
//  - non-exportable RSA/EC keys: the non-extractable CryptoKey itself (structured clone keeps it so);
//  - exportable RSA/EC keys: never an extractable CryptoKey at rest. The PKCS#8 is AES-GCM-encrypted
//    under the vault's non-extractable wrapping key, beside a non-extractable signing CryptoKey; the
//    PKCS#8 is decrypted only for an explicit export, which itself is passphrase-protected unless the
//    caller says `unencrypted: true`;
//  - SM2 keys (no WebCrypto): PKCS#8 under the wrapping key, decrypted in here to sign or export.
// With a vault passphrase (lock.ts): every key's PKCS#8, exportable or not, is sealed under the passphrase
// key and nothing else is stored; signing keys are imported non-extractable in memory while unlocked, and
// every use of a private key while locked is `vault.locked`. Non-exportable still means never exported.
// A key the cloud made (cas CreateCertificateRequest returns it with the certificate) is imported through
// the same path as an exportable key made here (importIssuedKey), marked `origin: "cloud"`.
// Nothing returned to a caller holds private key material: records come back as plain VaultKey data.
import type { IDBPDatabase } from "idb";
import { AsnConvert } from "@peculiar/asn1-schema";
import { CertificationRequest } from "@peculiar/asn1-csr";
import { KeysmithError, fail } from "../../core/errors";
import { parseCertificates, certificateMatchesKey } from "../../core/cert/certificate";
import { createCsr as createCsrCore, type CreateCsrOptions } from "../../core/csr/create";
import { generateKeyPair, signWithKeyPair, type KeyPair } from "../../core/csr/key-pair";
import { sm2Spki } from "../../core/csr/sm2";
import { KEY_SPECS, isKeySpecId, type KeySpecId } from "../../core/key-spec";
import { formatDn, subjectValue, type Rdn } from "../../core/subject";
import { base64Encode, certificatePems, derFromPemOrDer } from "../../core/pem";
import { toArrayBuffer } from "../../core/export/bytes";
import { decryptBackup, encryptBackup } from "../../core/export/backup";
import { webCryptoAlgorithmFor } from "../../core/export/key-material";
import { encryptPkcs8Pem, pkcs8Pem, privateKeyToPkcs8, readPrivateKey } from "../../core/export/pkcs8";
import { buildPkcs12 } from "../../core/export/pkcs12";
import { describePkcs8 } from "../../core/export/private-key-description";
import { pkcs8ToPkcs1Pem, pkcs8ToSec1Pem } from "../../core/export/traditional-pem";
import { KeyWrapper } from "./key-wrapping";
import { openWith, sharedVaultLock, VaultLock, type Protection } from "./lock";
import { sealSecret } from "./rekey";
import { checkBackupPayload, checkBackupSize } from "./restore-check";
import {
  KEY_STATES, storedCertificate, toVaultKey, type KeyOrigin, type KeyRecord, type KeyState, type SecretRecord, type VaultKey,
} from "./records";
import { INDEX_BY_SPKI, STORE_KEYS, STORE_SECRETS, spkiHash } from "./schema";

export interface VaultOptions {
  /** Default: globalThis.indexedDB (tests pass a fake-indexeddb IDBFactory). */
  indexedDB?: IDBFactory;
  crypto?: Crypto;
  now?: () => Date;
  dbName?: string;
  /** Default: globalThis.navigator?.storage. */
  storage?: { persist?: () => Promise<boolean>; persisted?: () => Promise<boolean> };
  /**
   * Which of a key's linked orders are still open (the worker's order store knows). Default: all of
   * them while the key's state is "ordered".
   */
  openOrders?: (key: VaultKey) => Promise<string[]> | string[];
  /** PBKDF2 iterations for passphrase exports and backups (default 600,000; tests lower it). */
  iterations?: number;
  /**
   * The vault lock (passphrase). Default: the worker's shared lock for the default database, or a lock of
   * its own when `indexedDB` or `dbName` is given (tests).
   */
  lock?: VaultLock;
}

export interface CreateKeyRequest {
  spec: KeySpecId;
  exportable: boolean;
  label?: string;
  /** With a subject, a CSR is made at once (see createCsr). */
  subject?: CreateCsrOptions["subject"];
  sans?: CreateCsrOptions["sans"];
}

export type VaultCsrRequest = Omit<CreateCsrOptions, "crypto">;

/** A private key made elsewhere (the cloud) with the certificate issued for it. */
export interface ImportIssuedKeyRequest {
  /** PEM: PKCS#8, PKCS#1 or SEC1 (unencrypted; what DescribeCertificateState's `PrivateKey` holds). */
  privateKey: string;
  /** Leaf then chain, PEM; the leaf's public key must be the private key's. */
  certificate: string;
  origin: KeyOrigin;
  /** The local order it came from (linked like linkOrder). */
  orderId?: string;
  label?: string;
}

export interface CsrMadeInVault {
  key: VaultKey;
  csrPem: string;
  subject: Rdn[];
  sans: string[];
}

export type PlainPemKind = "pkcs8" | "pkcs1" | "sec1" | "bundle";

export const MAX_LABEL_LENGTH = 200;

export async function openVault(options: VaultOptions = {}): Promise<Vault> {
  const factory = options.indexedDB ?? globalThis.indexedDB;
  if (!factory) throw new KeysmithError("vault.unavailable", { field: "indexedDB", params: { detail: "no IndexedDB here" } });
  const crypto = options.crypto ?? globalThis.crypto;
  const lock =
    options.lock ??
    (options.indexedDB || options.dbName ? new VaultLock({ indexedDB: factory, dbName: options.dbName, crypto, iterations: options.iterations }) : sharedVaultLock());
  const db = await lock.db();
  return new Vault(db, lock, crypto, options);
}

/** Secrets made under one protection generation: a re-encryption in between refuses their write. */
const secretGeneration = new WeakMap<SecretRecord, number>();

export class Vault {
  private readonly now: () => Date;
  private wrapperPromise: Promise<KeyWrapper> | undefined;
  /** Signing keys of sealed RSA/EC keys, imported non-extractable while unlocked; cleared on lock. */
  private readonly signingKeys = new Map<string, CryptoKey>();

  constructor(
    private readonly db: IDBPDatabase,
    readonly lock: VaultLock,
    private readonly crypto: Crypto,
    private readonly options: VaultOptions,
  ) {
    this.now = options.now ?? (() => new Date());
    lock.onChange(() => {
      this.signingKeys.clear();
      this.wrapperPromise = undefined;
    });
  }

  /** The device wrapping key (no passphrase only), made on first need. */
  private deviceWrapper(): Promise<KeyWrapper> {
    return (this.wrapperPromise ??= KeyWrapper.load(this.db, this.crypto).catch((err) => {
      this.wrapperPromise = undefined;
      throw err;
    }));
  }

  close(): void {
    this.db.close();
  }

  // ---- reading -----------------------------------------------------------------------------------

  async list(): Promise<VaultKey[]> {
    const records = (await this.db.getAll(STORE_KEYS)) as KeyRecord[];
    const now = this.now();
    return records.sort((a, b) => a.createdAt.localeCompare(b.createdAt)).map((r) => toVaultKey(r, now));
  }

  async get(id: string): Promise<VaultKey> {
    return toVaultKey(await this.record(id), this.now());
  }

  /** The key's SubjectPublicKeyInfo DER (public; for verifying signatures and matching CSRs). */
  async publicKeySpki(id: string): Promise<Uint8Array> {
    return (await this.record(id)).spkiDer.slice();
  }

  /** The key whose public key this is (SubjectPublicKeyInfo DER), if any: for CSRs pasted elsewhere. */
  async findBySpki(spkiDer: Uint8Array): Promise<VaultKey | undefined> {
    const record = await this.recordBySpki(spkiDer);
    return record && toVaultKey(record, this.now());
  }

  /** The key a CSR (PEM or DER) was made with, if it is in the vault: to link an order for a pasted CSR. */
  async findByCsr(csrPemOrDer: string | Uint8Array): Promise<VaultKey | undefined> {
    const [der] = derFromPemOrDer(csrPemOrDer, ["CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST"], "csr");
    let request: CertificationRequest;
    try {
      request = AsnConvert.parse(der!, CertificationRequest);
    } catch {
      return undefined;
    }
    return this.findBySpki(new Uint8Array(AsnConvert.serialize(request.certificationRequestInfo.subjectPKInfo)));
  }

  // ---- making keys and CSRs ----------------------------------------------------------------------

  async createKey(request: CreateKeyRequest): Promise<VaultKey> {
    if (!isKeySpecId(request.spec)) fail("vault.spec.unknown", "spec", { spec: String(request.spec) });
    const label = checkLabel(request.label);
    const protection = await this.lock.protection(); // locked: vault.locked before any key is made
    // Exportable WebCrypto keys (and, with a passphrase, every key) are generated extractable only long
    // enough to be sealed; the extractable CryptoKey is never stored.
    const pair = await generateKeyPair(request.spec, { extractable: request.exportable || protection.kind === "passphrase", crypto: this.crypto });
    const id = this.newId();
    const { spkiDer, secret } = await this.secretFor(id, pair, request.exportable, protection);
    const record: KeyRecord = {
      id,
      label: label ?? "",
      spec: request.spec,
      exportable: request.exportable,
      origin: "local",
      createdAt: this.now().toISOString(),
      state: "csr",
      subject: "",
      commonName: "",
      sans: [],
      orderIds: [],
      spkiDer,
      spkiSha256: spkiHash(spkiDer),
    };
    await this.putBoth(record, secret);
    if (request.subject !== undefined) {
      return (await this.createCsr(id, { subject: request.subject, sans: request.sans }, label === undefined)).key;
    }
    return toVaultKey(record, this.now());
  }

  /**
   * Make (or remake) the key's CSR and store it; the record's subject, SANs and label follow it. The state
   * follows the newest CSR ("csr": not ordered yet; a renewal of an issued key too), while a certificate the
   * key already has stays, usable and exportable, until a newer one is paired (importCertificate).
   */
  async createCsr(keyId: string, request: VaultCsrRequest, labelFromCn = false): Promise<CsrMadeInVault> {
    const record = await this.record(keyId);
    const pair = await this.keyPair(record);
    const csr = await createCsrCore(pair, { ...request, crypto: this.crypto });
    const updated: KeyRecord = {
      ...record,
      state: "csr",
      csrPem: csr.pem,
      subject: formatDn(csr.subject),
      commonName: subjectValue(csr.subject, "CN") ?? "",
      sans: csr.sans.map((s) => s.value),
      label: labelFromCn || record.label === "" ? (subjectValue(csr.subject, "CN") ?? record.label) : record.label,
    };
    await this.db.put(STORE_KEYS, updated);
    return { key: toVaultKey(updated, this.now()), csrPem: csr.pem, subject: csr.subject, sans: updated.sans };
  }

  /** Sign with the key's CSR signature algorithm (PKCS#1 v1.5, DER ECDSA, SM2-with-SM3). */
  async sign(keyId: string, data: Uint8Array): Promise<Uint8Array> {
    const pair = await this.keyPair(await this.record(keyId));
    try {
      return await signWithKeyPair(pair, data, { crypto: this.crypto });
    } finally {
      if (pair.kind === "sm2") pair.privateKey.fill(0);
    }
  }

  // ---- certificates and orders -------------------------------------------------------------------

  /**
   * Pair an issued certificate (leaf + chain PEM, DER, or DescribeCertificateState's `Certificate`) with
   * its key by SubjectPublicKeyInfo. No matching key, or not a certificate: typed error, nothing stored.
   * The key's certificate is already this one, or a newer one (later notBefore): nothing changes, so looking
   * at an old order again cannot put back the certificate a renewal replaced, nor mark a renewal "issued".
   */
  async importCertificate(input: string | Uint8Array): Promise<VaultKey> {
    const chain = parseCertificates(input, "certificate");
    const record = await this.recordBySpki(chain.leaf.spkiDer);
    if (!record) throw new KeysmithError("cert.no_matching_key", { field: "certificate" });
    const certificate = storedCertificate(chain);
    const current = record.certificate;
    if (current && current.fingerprintSha256 === certificate.fingerprintSha256) {
      // The same leaf again: only a fuller chain is taken; the state stays (a renewal may be under way).
      if (1 + chain.chain.length <= certificatePems(current.pem).length) return toVaultKey(record, this.now());
      const fuller: KeyRecord = { ...record, certificate };
      await this.db.put(STORE_KEYS, fuller);
      return toVaultKey(fuller, this.now());
    }
    if (current && Date.parse(current.notBefore) > Date.parse(certificate.notBefore)) return toVaultKey(record, this.now());
    const updated: KeyRecord = { ...record, certificate, notAfter: certificate.notAfter, state: "issued" };
    await this.db.put(STORE_KEYS, updated);
    return toVaultKey(updated, this.now());
  }

  /**
   * Store a private key made elsewhere (the cloud) together with its issued certificate, as an exportable
   * key: the PKCS#8 goes under the wrapping key exactly as for an exportable key made here (RSA/EC also get
   * a non-extractable signing CryptoKey, SM2 none), never as an extractable CryptoKey. The certificate must
   * be for this key (`cert.key_mismatch`, nothing stored). A key already in the vault (same public key) is
   * not stored twice: it gets the certificate and the order link, so looking at the order again is harmless.
   */
  async importIssuedKey(request: ImportIssuedKeyRequest): Promise<VaultKey> {
    const label = checkLabel(request.label);
    const chain = parseCertificates(request.certificate, "certificate");
    const described = await readPrivateKey(request.privateKey, undefined, { crypto: this.crypto });
    try {
      if (!certificateMatchesKey(chain.leaf.spkiDer, described.spkiDer)) throw new KeysmithError("cert.key_mismatch", { field: "certificate" });
      const existing = await this.recordBySpki(described.spkiDer);
      if (existing) {
        await this.importCertificate(chain.pem);
        return request.orderId ? this.linkOrder(existing.id, request.orderId) : this.get(existing.id);
      }
      const id = this.newId();
      const secret = await this.wrappedSecret(id, described.spec, described.pkcs8Der);
      const certificate = storedCertificate(chain);
      const record: KeyRecord = {
        id,
        label: label ?? (chain.leaf.commonName || chain.leaf.sans[0] || ""),
        spec: described.spec,
        exportable: true,
        origin: request.origin,
        createdAt: this.now().toISOString(),
        state: "issued",
        subject: chain.leaf.subject,
        commonName: chain.leaf.commonName,
        sans: [...chain.leaf.sans],
        orderIds: request.orderId ? [request.orderId] : [],
        certificate,
        notAfter: certificate.notAfter,
        spkiDer: described.spkiDer,
        spkiSha256: spkiHash(described.spkiDer),
      };
      await this.putBoth(record, secret);
      return toVaultKey(record, this.now());
    } finally {
      described.pkcs8Der.fill(0);
      if (described.kind === "sm2") described.privateKey.fill(0);
    }
  }

  async linkOrder(keyId: string, orderId: string): Promise<VaultKey> {
    const record = await this.record(keyId);
    const orderIds = record.orderIds.includes(orderId) ? record.orderIds : [...record.orderIds, orderId];
    const updated: KeyRecord = { ...record, orderIds, state: record.state === "csr" ? "ordered" : record.state };
    await this.db.put(STORE_KEYS, updated);
    return toVaultKey(updated, this.now());
  }

  async setState(keyId: string, state: KeyState): Promise<VaultKey> {
    if (!KEY_STATES.includes(state)) fail("vault.state.invalid", "state", { state: String(state) });
    const updated: KeyRecord = { ...(await this.record(keyId)), state };
    await this.db.put(STORE_KEYS, updated);
    return toVaultKey(updated, this.now());
  }

  async setLabel(keyId: string, label: string): Promise<VaultKey> {
    const updated: KeyRecord = { ...(await this.record(keyId)), label: checkLabel(label) ?? "" };
    await this.db.put(STORE_KEYS, updated);
    return toVaultKey(updated, this.now());
  }

  // ---- exports -------------------------------------------------------------------------------------

  /** Encrypted PKCS#8 PEM (PBES2, PBKDF2-HMAC-SHA256, AES-256-CBC). */
  async exportPkcs8(keyId: string, passphrase: string): Promise<string> {
    return this.withPkcs8(keyId, (der) => encryptPkcs8Pem(der, passphrase, { iterations: this.options.iterations, crypto: this.crypto }));
  }

  /** PKCS#12 with the key, the leaf and the chain; `legacy` = 3DES + SHA-1 MAC for old Windows/macOS. */
  async exportPkcs12(keyId: string, passphrase: string, options: { legacy?: boolean; friendlyName?: string } = {}): Promise<Uint8Array> {
    const record = await this.record(keyId);
    if (!record.certificate) throw new KeysmithError("export.pkcs12.no_certificate", { field: "certificate" });
    const chain = parseCertificates(record.certificate.pem);
    return this.withPkcs8(keyId, (pkcs8Der) =>
      buildPkcs12({
        pkcs8Der,
        certificates: [chain.leaf.der, ...chain.chain.map((c) => c.der)],
        passphrase,
        legacy: options.legacy,
        friendlyName: options.friendlyName ?? (record.commonName || record.label || undefined),
        iterations: this.options.iterations,
        crypto: this.crypto,
      }),
    );
  }

  /**
   * Unencrypted PEM exports, only when asked for explicitly: PKCS#8, PKCS#1 (RSA), SEC1 (EC/SM2), or
   * one PEM with key + leaf + chain (leaf first, no blank lines).
   */
  async exportPem(keyId: string, kind: PlainPemKind, confirm: { unencrypted: true }): Promise<string> {
    if (confirm?.unencrypted !== true) throw new KeysmithError("export.unencrypted.not_confirmed", { field: "unencrypted" });
    const record = await this.record(keyId);
    if (kind === "bundle" && !record.certificate) throw new KeysmithError("export.pkcs12.no_certificate", { field: "certificate" });
    return this.withPkcs8(keyId, async (der) => {
      switch (kind) {
        case "pkcs8":
          return pkcs8Pem(der);
        case "pkcs1":
          return pkcs8ToPkcs1Pem(der);
        case "sec1":
          return pkcs8ToSec1Pem(der);
        case "bundle":
          return pkcs8Pem(der) + record.certificate!.pem;
        default:
          return fail("export.format.unknown", "format", { format: String(kind) });
      }
    });
  }

  // ---- deleting ----------------------------------------------------------------------------------

  async delete(keyId: string, confirm: { confirm: boolean; force?: boolean }): Promise<void> {
    if (confirm?.confirm !== true) throw new KeysmithError("vault.delete.unconfirmed", { field: "confirm" });
    const key = await this.get(keyId);
    if (!confirm.force) {
      const open = this.options.openOrders ? await this.options.openOrders(key) : key.state === "ordered" ? key.orderIds : [];
      if (open.length > 0) throw new KeysmithError("vault.delete.open_orders", { field: "force", params: { orders: open.join(", "), count: open.length } });
    }
    const tx = this.db.transaction([STORE_KEYS, STORE_SECRETS], "readwrite");
    await Promise.all([tx.objectStore(STORE_KEYS).delete(keyId), tx.objectStore(STORE_SECRETS).delete(keyId), tx.done]);
  }

  // ---- backup ------------------------------------------------------------------------------------

  /** One encrypted file with every exportable key, its CSR, orders and certificate. */
  async backup(passphrase: string): Promise<Uint8Array> {
    const records = ((await this.db.getAll(STORE_KEYS)) as KeyRecord[]).filter((r) => r.exportable);
    const keys: BackupKey[] = [];
    for (const record of records) {
      const pkcs8 = await this.withPkcs8(record.id, async (der) => base64Encode(der));
      const { spkiDer: _spki, spkiSha256: _hash, ...rest } = record;
      keys.push({ ...rest, pkcs8 });
    }
    return encryptBackup({ keys }, passphrase, { iterations: this.options.iterations, crypto: this.crypto });
  }

  /**
   * Restore keys from a backup; keys already in the vault (same public key, or earlier in the same file) are
   * left as they are. The file is outside input: its size is checked before it is decrypted, then every entry
   * is checked and rebuilt by restore-check.ts (allow-listed fields, CSR and certificate parsed again and
   * tied to the entry's key, new ids and dates) and every key sealed before anything is written, so a bad
   * entry anywhere in the file restores nothing.
   */
  async restore(bytes: Uint8Array, passphrase: string): Promise<VaultKey[]> {
    checkBackupSize(bytes);
    const entries = await checkBackupPayload(await decryptBackup(bytes, passphrase, { crypto: this.crypto }), { crypto: this.crypto });
    const writes: { record: KeyRecord; secret: SecretRecord }[] = [];
    try {
      const seen: Uint8Array[] = [];
      for (const entry of entries) {
        if (seen.some((spki) => certificateMatchesKey(entry.spkiDer, spki)) || (await this.recordBySpki(entry.spkiDer))) continue;
        seen.push(entry.spkiDer);
        const id = this.newId();
        const record: KeyRecord = {
          id,
          label: entry.label,
          spec: entry.spec,
          exportable: true,
          origin: entry.origin,
          createdAt: this.now().toISOString(),
          state: entry.certificate ? "issued" : "csr",
          subject: entry.subject,
          commonName: entry.commonName,
          sans: entry.sans,
          orderIds: [],
          spkiDer: entry.spkiDer,
          spkiSha256: spkiHash(entry.spkiDer),
        };
        if (entry.csrPem !== undefined) record.csrPem = entry.csrPem;
        if (entry.certificate) {
          record.certificate = entry.certificate;
          record.notAfter = entry.certificate.notAfter;
        }
        writes.push({ record, secret: await this.wrappedSecret(id, entry.spec, entry.pkcs8Der) });
      }
    } finally {
      for (const entry of entries) entry.pkcs8Der.fill(0);
    }
    // Written only once every entry is checked and sealed (putBoth: the vault's own write path).
    for (const { record, secret } of writes) await this.putBoth(record, secret);
    const now = this.now();
    return writes.map(({ record }) => toVaultKey(record, now));
  }

  /** Ask the browser not to evict the vault (navigator.storage.persist); false when not granted or absent. */
  async persist(): Promise<boolean> {
    const storage = this.options.storage ?? (globalThis.navigator as Navigator | undefined)?.storage;
    if (!storage?.persist) return false;
    try {
      return await storage.persist();
    } catch {
      return false;
    }
  }

  // ---- internals ---------------------------------------------------------------------------------

  private newId(): string {
    return Array.from(this.crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
  }

  private async record(id: string): Promise<KeyRecord> {
    const record = (await this.db.get(STORE_KEYS, id)) as KeyRecord | undefined;
    if (!record) throw new KeysmithError("vault.key.not_found", { field: "keyId", params: { id: String(id) } });
    return record;
  }

  private async recordBySpki(spkiDer: Uint8Array): Promise<KeyRecord | undefined> {
    const hit = (await this.db.getFromIndex(STORE_KEYS, INDEX_BY_SPKI, spkiHash(spkiDer))) as KeyRecord | undefined;
    if (hit) return hit;
    // Same key, different encoding (e.g. RSA NULL parameters left out): compare structurally.
    const all = (await this.db.getAll(STORE_KEYS)) as KeyRecord[];
    return all.find((r) => certificateMatchesKey(spkiDer, r.spkiDer));
  }

  /** Record and secret in one transaction; refused (`vault.busy`) when the vault was re-encrypted since the secret was sealed. */
  private async putBoth(record: KeyRecord, secret: SecretRecord): Promise<void> {
    await this.lock.serial(async () => {
      const generation = secretGeneration.get(secret);
      if (generation !== undefined && generation !== this.lock.generation) {
        // Sealed under what protected the vault a moment ago: seal again under what protects it now.
        throw new KeysmithError("vault.busy", { field: "key" });
      }
      const tx = this.db.transaction([STORE_KEYS, STORE_SECRETS], "readwrite");
      await Promise.all([tx.objectStore(STORE_KEYS).put(record), tx.objectStore(STORE_SECRETS).put(secret), tx.done]);
    });
  }

  private async secretFor(id: string, pair: KeyPair, exportable: boolean, protection: Protection): Promise<{ spkiDer: Uint8Array; secret: SecretRecord }> {
    const generation = this.lock.generation;
    if (pair.kind === "sm2") {
      const pkcs8Der = await privateKeyToPkcs8(pair);
      const secret = await sealSecret(this.crypto, { id, spec: pair.spec, exportable }, pkcs8Der, protection, () => this.deviceWrapper());
      secretGeneration.set(secret, generation);
      pkcs8Der.fill(0);
      pair.privateKey.fill(0);
      return { spkiDer: sm2Spki(pair.publicKey), secret };
    }
    const spkiDer = new Uint8Array(await this.crypto.subtle.exportKey("spki", pair.publicKey));
    if (!exportable && protection.kind === "device") return { spkiDer, secret: { id, kind: "cryptokey", privateKey: pair.privateKey } };
    const pkcs8Der = await privateKeyToPkcs8(pair, { crypto: this.crypto });
    const secret = await sealSecret(this.crypto, { id, spec: pair.spec, exportable }, pkcs8Der, protection, () => this.deviceWrapper());
    secretGeneration.set(secret, generation);
    pkcs8Der.fill(0);
    return { spkiDer, secret };
  }

  /**
   * An exportable key's PKCS#8 as stored now: under the passphrase key (vault.locked when locked), or under
   * the device wrapping key with a non-extractable signing CryptoKey beside it (RSA/EC).
   */
  private async wrappedSecret(id: string, spec: KeySpecId, pkcs8Der: Uint8Array): Promise<SecretRecord> {
    const generation = this.lock.generation;
    const protection = await this.lock.protection();
    const secret = await sealSecret(this.crypto, { id, spec, exportable: true }, pkcs8Der, protection, () => this.deviceWrapper());
    secretGeneration.set(secret, generation);
    return secret;
  }

  private async secret(id: string): Promise<SecretRecord> {
    const secret = (await this.db.get(STORE_SECRETS, id)) as SecretRecord | undefined;
    if (!secret) throw new KeysmithError("vault.record.damaged", { field: "key", params: { id } });
    return secret;
  }

  private async keyPair(record: KeyRecord): Promise<KeyPair> {
    const protection = await this.lock.protection(); // locked: vault.locked for every use of a private key
    const secret = await this.secret(record.id);
    const spec = KEY_SPECS[record.spec];
    if (spec.family !== "SM2") {
      const privateKey = secret.kind === "sealed" ? await this.sealedSigningKey(record, secret, protection) : secret.kind === "cryptokey" ? secret.privateKey : secret.signingKey;
      if (!privateKey) throw new KeysmithError("vault.record.damaged", { field: "key", params: { id: record.id } });
      const publicKey = await this.crypto.subtle.importKey("spki", toArrayBuffer(record.spkiDer), webCryptoAlgorithmFor(record.spec)!, true, ["verify"]);
      return { spec: record.spec, kind: "webcrypto", privateKey, publicKey };
    }
    if (secret.kind === "cryptokey") throw new KeysmithError("vault.record.damaged", { field: "key", params: { id: record.id } });
    const pkcs8Der = await this.openPkcs8(secret, protection);
    const described = await describePkcs8(pkcs8Der, { crypto: this.crypto });
    pkcs8Der.fill(0);
    if (described.kind !== "sm2") throw new KeysmithError("vault.record.damaged", { field: "key", params: { id: record.id } });
    return { spec: record.spec, kind: "sm2", privateKey: described.privateKey, publicKey: described.publicKey };
  }

  /** A sealed RSA/EC key's signing key: imported non-extractable from its PKCS#8, kept in memory while unlocked. */
  private async sealedSigningKey(record: KeyRecord, secret: SecretRecord, protection: Protection): Promise<CryptoKey> {
    const cached = this.signingKeys.get(record.id);
    if (cached) return cached;
    const generation = this.lock.generation;
    const pkcs8Der = await this.openPkcs8(secret, protection);
    try {
      const key = await this.crypto.subtle.importKey("pkcs8", toArrayBuffer(pkcs8Der), webCryptoAlgorithmFor(record.spec)!, false, ["sign"]);
      if (generation === this.lock.generation) this.signingKeys.set(record.id, key);
      return key;
    } finally {
      pkcs8Der.fill(0);
    }
  }

  /** A stored PKCS#8 in the clear (the caller wipes it): sealed under the passphrase key, or wrapped under the device key. */
  private async openPkcs8(secret: SecretRecord, protection: Protection): Promise<Uint8Array> {
    if (secret.kind === "sealed") {
      if (protection.kind !== "passphrase") throw new KeysmithError("vault.record.damaged", { field: "key", params: { id: secret.id } });
      return openWith(this.crypto, protection.key, `key:${secret.id}`, secret);
    }
    if (secret.kind !== "wrapped") throw new KeysmithError("vault.record.damaged", { field: "key", params: { id: secret.id } });
    return (await this.deviceWrapper()).unwrap(secret.id, secret);
  }

  /** Decrypt the PKCS#8 of an exportable key for the duration of `use`, then wipe the buffer. */
  private async withPkcs8<T>(keyId: string, use: (pkcs8Der: Uint8Array) => Promise<T>): Promise<T> {
    const record = await this.record(keyId);
    if (!record.exportable) throw new KeysmithError("export.key.not_exportable", { field: "key" });
    const protection = await this.lock.protection();
    const secret = await this.secret(keyId);
    if (secret.kind === "cryptokey") throw new KeysmithError("export.key.not_exportable", { field: "key" });
    const pkcs8Der = await this.openPkcs8(secret, protection);
    try {
      return await use(pkcs8Der);
    } finally {
      pkcs8Der.fill(0);
    }
  }
}

type BackupKey = Omit<KeyRecord, "spkiDer" | "spkiSha256"> & { pkcs8: string };

function checkLabel(label: string | undefined): string | undefined {
  if (label === undefined) return undefined;
  const trimmed = label.trim();
  if (trimmed.length > MAX_LABEL_LENGTH) fail("vault.label.too_long", "label", { max: MAX_LABEL_LENGTH });
  return trimmed === "" ? undefined : trimmed;
}

