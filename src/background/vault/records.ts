// What the vault stores, split so that private material never sits next to what callers read:
//  - "keys":    KeyRecord, public facts only (plain data, safe to postMessage);
//  - "secrets": SecretRecord, the private key as a non-extractable CryptoKey or AES-GCM ciphertext;
//  - "meta":    the non-extractable AES-GCM wrapping key (no passphrase), or the passphrase's salt and
//               check record (lock.ts), and the lock policy;
//  - "credentials": the AccessKey (v4; credential-record.ts).
import type { CertificateChain } from "../../core/cert/certificate";
import type { KeySpecId } from "../../core/key-spec";

export type KeyState = "csr" | "ordered" | "issued" | "expired";
export const KEY_STATES: readonly KeyState[] = ["csr", "ordered", "issued", "expired"];

/**
 * Where the private key was made: "local" (here, by the vault) or "cloud" (by Alibaba Cloud for a
 * CreateCertificateRequest order, which returned it with the certificate; imported as an exportable key).
 */
export type KeyOrigin = "local" | "cloud";
export const KEY_ORIGINS: readonly KeyOrigin[] = ["local", "cloud"];

/** The certificate as callers see it (same shape as messages.ts CertificateView). */
export interface StoredCertificate {
  /** Leaf then chain, PEM, no blank lines. */
  pem: string;
  subject: string;
  issuer: string;
  serial: string;
  notBefore: string;
  notAfter: string;
  sans: string[];
  fingerprintSha256: string;
}

/** Schema v3 record in the "keys" store. */
export interface KeyRecord {
  id: string;
  label: string;
  spec: KeySpecId;
  exportable: boolean;
  /** Added in v3 (earlier records were all made here: "local"). */
  origin: KeyOrigin;
  /** ISO 8601 (v1 stored `created` as epoch milliseconds). */
  createdAt: string;
  state: KeyState;
  subject: string;
  commonName: string;
  sans: string[];
  csrPem?: string;
  orderIds: string[];
  certificate?: StoredCertificate;
  notAfter?: string;
  /** SubjectPublicKeyInfo DER: certificates are paired with keys by it. */
  spkiDer: Uint8Array;
  /** SHA-256 of spkiDer, hex (indexed "bySpki"; added in v2). */
  spkiSha256: string;
}

/** A vault entry as returned to callers: no private material, no internal fields. */
export interface VaultKey {
  id: string;
  label: string;
  spec: KeySpecId;
  exportable: boolean;
  origin: KeyOrigin;
  createdAt: string;
  /** "expired" is reported once an issued certificate's notAfter has passed. */
  state: KeyState;
  subject: string;
  commonName: string;
  sans: string[];
  csrPem?: string;
  orderIds: string[];
  certificate?: StoredCertificate;
  notAfter?: string;
}

export type SecretRecord =
  /** Non-exportable WebCrypto key: the CryptoKey itself (structured clone keeps it non-extractable). */
  | { id: string; kind: "cryptokey"; privateKey: CryptoKey }
  /**
   * PKCS#8 under the wrapping key (AES-GCM, the key id as additional data). Exportable WebCrypto keys
   * carry a non-extractable `signingKey` for everyday use; SM2 keys are decrypted in the worker to sign.
   */
  | { id: string; kind: "wrapped"; iv: Uint8Array; ciphertext: Uint8Array; signingKey?: CryptoKey }
  /**
   * With a vault passphrase: the PKCS#8 (any spec, exportable or not) under the passphrase key, AES-GCM with
   * `keysmith-sealed:key:<id>` as additional data. No CryptoKey is stored; signing keys are imported,
   * non-extractable, in memory only while the vault is unlocked.
   */
  | { id: string; kind: "sealed"; iv: Uint8Array; ciphertext: Uint8Array };

export function toVaultKey(record: KeyRecord, now: Date): VaultKey {
  const expired = record.state === "issued" && record.notAfter !== undefined && Date.parse(record.notAfter) <= now.getTime();
  const view: VaultKey = {
    id: record.id,
    label: record.label,
    spec: record.spec,
    exportable: record.exportable,
    origin: record.origin,
    createdAt: record.createdAt,
    state: expired ? "expired" : record.state,
    subject: record.subject,
    commonName: record.commonName,
    sans: [...record.sans],
    orderIds: [...record.orderIds],
  };
  if (record.csrPem !== undefined) view.csrPem = record.csrPem;
  if (record.certificate) view.certificate = { ...record.certificate, sans: [...record.certificate.sans] };
  if (record.notAfter !== undefined) view.notAfter = record.notAfter;
  return view;
}

/** What the vault keeps of a parsed certificate chain: the PEM and the leaf's facts, derived from it. */
export function storedCertificate(chain: CertificateChain): StoredCertificate {
  return {
    pem: chain.pem,
    subject: chain.leaf.subject,
    issuer: chain.leaf.issuer,
    serial: chain.leaf.serial,
    notBefore: chain.leaf.notBefore.toISOString(),
    notAfter: chain.leaf.notAfter.toISOString(),
    sans: [...chain.leaf.sans],
    fingerprintSha256: chain.leaf.fingerprintSha256,
  };
}
