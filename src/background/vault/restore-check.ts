// What a backup file may put into the vault (src/background/vault/vault.ts `restore` calls these). A backup
// is outside input: anyone who knows the passphrase (or wrote the file) chooses every field in it. So a
// restored record is built from an allow-list, never spread from the file:
//  - from the file: the private key (PKCS#8, read and described again), the label (a string, cut to the
//    vault's maximum), the origin ("local" / "cloud"), the CSR PEM and the certificate PEM;
//  - derived here: the spec and public key from the PKCS#8; subject, common name and SANs from the CSR (else
//    from the certificate); issuer, dates, serial, SANs and fingerprint from the certificate, which (and
//    the CSR) must be for the entry's key (SPKI equal to the key's) and the CSR's signature must verify;
//  - never from the file: ids (the vault gives new ones), dates (createdAt is the restore's time, notAfter
//    the certificate's), state (issued with a certificate, else csr), order links (local to the browser
//    that made them), and every other field (certificate.sans, subject, … are ignored, whatever their type).
// Every entry is checked before any is written; the first bad one refuses the file with a typed error naming
// the entry (index, label) and the field. The file's size is checked before anything is decrypted.
import { KeysmithError } from "../../core/errors";
import { parseCertificates, certificateMatchesKey, type CertificateChain } from "../../core/cert/certificate";
import { inspectCsr } from "../../core/csr/inspect";
import { base64Decode } from "../../core/pem";
import { pkcs8Pem, readPrivateKey } from "../../core/export/pkcs8";
import type { KeySpecId } from "../../core/key-spec";
import { KEY_ORIGINS, storedCertificate, type KeyOrigin, type StoredCertificate } from "./records";

/** A backup file larger than this is refused before it is parsed or decrypted (the door allows 20 M base64 chars ≈ 15 MB). */
export const MAX_BACKUP_BYTES = 16 * 1024 * 1024;
/** Entries one file may hold: each costs a key import, a CSR and a certificate parse. */
export const MAX_BACKUP_ENTRIES = 1000;
/** Longest CSR / certificate PEM text read from an entry. */
const MAX_PEM_CHARS = 200_000;
/** The vault's label limit (vault.ts MAX_LABEL_LENGTH); longer labels are cut, as before. */
const MAX_LABEL = 200;

/** One entry, checked: everything the vault needs to write it, nothing taken unchecked from the file. */
export interface CheckedBackupEntry {
  index: number;
  label: string;
  spec: KeySpecId;
  origin: KeyOrigin;
  pkcs8Der: Uint8Array;
  spkiDer: Uint8Array;
  subject: string;
  commonName: string;
  sans: string[];
  csrPem?: string;
  certificate?: StoredCertificate;
}

/** `vault.backup.too_large` when the file exceeds MAX_BACKUP_BYTES (nothing read or decrypted). */
export function checkBackupSize(bytes: Uint8Array): void {
  if (bytes.length > MAX_BACKUP_BYTES) {
    throw new KeysmithError("vault.backup.too_large", { field: "backup", params: { size: bytes.length, max: MAX_BACKUP_BYTES } });
  }
}


const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Check the decrypted payload of a backup: `{ keys: [...] }`, every entry as the header describes. Throws on
 * the first bad entry; returns the entries in file order. The caller wipes `pkcs8Der` once written.
 */
export async function checkBackupPayload(payload: unknown, options: { crypto: Crypto }): Promise<CheckedBackupEntry[]> {
  if (!isRecord(payload) || !Array.isArray(payload.keys)) {
    throw new KeysmithError("vault.backup.invalid", { field: "backup", params: { detail: "keys" } });
  }
  const entries: unknown[] = payload.keys;
  if (entries.length > MAX_BACKUP_ENTRIES) {
    throw new KeysmithError("vault.backup.too_many", { field: "backup.keys", params: { count: entries.length, max: MAX_BACKUP_ENTRIES } });
  }
  const checked: CheckedBackupEntry[] = [];
  try {
    for (let index = 0; index < entries.length; index++) checked.push(await checkEntry(entries[index], index, options.crypto));
  } catch (err) {
    for (const entry of checked) entry.pkcs8Der.fill(0);
    throw err;
  }
  return checked;
}

async function checkEntry(entry: unknown, index: number, crypto: Crypto): Promise<CheckedBackupEntry> {
  const rawLabel = isRecord(entry) && typeof entry.label === "string" ? entry.label : "";
  const label = rawLabel.trim().slice(0, MAX_LABEL);
  /** A typed refusal naming this entry (0-based index as in the file, its number from 1, its label) and the field. */
  const refuse = (field: string, rule: string, cause?: unknown): never => {
    throw new KeysmithError(`vault.restore.${rule}`, {
      field: `keys[${index}]${field ? `.${field}` : ""}`,
      params: { index, number: index + 1, label: label || "-" },
      cause,
    });
  };
  if (!isRecord(entry)) return refuse("", "not_an_object");
  if (entry.label !== undefined && typeof entry.label !== "string") refuse("label", "not_text");
  let origin: KeyOrigin = "local";
  if (entry.origin !== undefined) {
    if (!KEY_ORIGINS.includes(entry.origin as KeyOrigin)) refuse("origin", "origin_unknown");
    origin = entry.origin as KeyOrigin;
  }
  if (typeof entry.pkcs8 !== "string" || entry.pkcs8.length === 0) return refuse("pkcs8", "not_text");

  let pkcs8Der: Uint8Array;
  let described: Awaited<ReturnType<typeof readPrivateKey>>;
  try {
    pkcs8Der = base64Decode(entry.pkcs8, "pkcs8");
    described = await readPrivateKey(pkcs8Pem(pkcs8Der), undefined, { crypto });
  } catch (err) {
    return refuse("pkcs8", "key_invalid", err);
  }
  if (described.kind === "sm2") described.privateKey.fill(0);
  pkcs8Der.fill(0);
  const keyDer = described.pkcs8Der;
  try {
    let subject = "";
    let commonName = "";
    let sans: string[] = [];
    let csrPem: string | undefined;
    if (entry.csrPem !== undefined) {
      if (typeof entry.csrPem !== "string" || entry.csrPem.length > MAX_PEM_CHARS) refuse("csrPem", "not_text");
      let info: Awaited<ReturnType<typeof inspectCsr>>;
      try {
        info = await inspectCsr(entry.csrPem as string, { crypto });
      } catch (err) {
        return refuse("csrPem", "csr_invalid", err);
      }
      if (!info.signatureValid) refuse("csrPem", "csr_invalid");
      if (!certificateMatchesKey(info.spkiDer, described.spkiDer)) refuse("csrPem", "csr_other_key");
      csrPem = entry.csrPem as string;
      subject = info.subjectDn;
      commonName = info.subject.flat().find((ava) => ava.type === "CN")?.value ?? "";
      sans = info.sans.map((s) => s.value);
    }
    let certificate: StoredCertificate | undefined;
    if (entry.certificate !== undefined) {
      const pem = isRecord(entry.certificate) ? entry.certificate.pem : undefined;
      if (typeof pem !== "string" || pem.length > MAX_PEM_CHARS) return refuse("certificate.pem", "not_text");
      let chain: CertificateChain;
      try {
        chain = parseCertificates(pem, "certificate");
      } catch (err) {
        return refuse("certificate.pem", "certificate_invalid", err);
      }
      if (!certificateMatchesKey(chain.leaf.spkiDer, described.spkiDer)) refuse("certificate.pem", "certificate_other_key");
      certificate = storedCertificate(chain);
      if (!csrPem) {
        subject = chain.leaf.subject;
        commonName = chain.leaf.commonName;
        sans = [...chain.leaf.sans];
      }
    }
    return {
      index,
      label,
      spec: described.spec,
      origin,
      pkcs8Der: keyDer,
      spkiDer: described.spkiDer,
      subject,
      commonName,
      sans,
      ...(csrPem !== undefined ? { csrPem } : {}),
      ...(certificate ? { certificate } : {}),
    };
  } catch (err) {
    keyDer.fill(0);
    throw err;
  }
}
