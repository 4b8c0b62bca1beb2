// The encrypted backup file: one JSON text file (so it survives mail and copy-paste) whose payload is
// AES-256-GCM under a key from PBKDF2-HMAC-SHA256 (600,000 iterations by default). GCM authenticates,
// so a wrong passphrase or an edited file is refused rather than restored as garbage.
import { KeysmithError } from "../errors";
import { base64Decode, base64Encode } from "../pem";
import { randomBytes, toArrayBuffer } from "./bytes";
import { DEFAULT_PBKDF2_ITERATIONS } from "./pbes2";

export const BACKUP_FORMAT = "keysmith-backup";
export const BACKUP_VERSION = 1;

interface BackupEnvelope {
  format: typeof BACKUP_FORMAT;
  version: number;
  kdf: { name: "PBKDF2"; hash: "SHA-256"; iterations: number; salt: string };
  cipher: { name: "AES-256-GCM"; iv: string };
  data: string;
}

async function backupKey(crypto: Crypto, passphrase: string, salt: Uint8Array, iterations: number): Promise<CryptoKey> {
  if (passphrase.length === 0) throw new KeysmithError("export.passphrase.empty", { field: "passphrase" });
  const base = await crypto.subtle.importKey("raw", toArrayBuffer(new TextEncoder().encode(passphrase)), "PBKDF2", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "PBKDF2", salt: toArrayBuffer(salt), iterations, hash: "SHA-256" }, base, { name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"],
  );
}

/** Encrypt a JSON-serialisable payload into backup file bytes. */
export async function encryptBackup(payload: unknown, passphrase: string, options: { iterations?: number; crypto?: Crypto } = {}): Promise<Uint8Array> {
  const crypto = options.crypto ?? globalThis.crypto;
  const iterations = options.iterations ?? DEFAULT_PBKDF2_ITERATIONS;
  const salt = randomBytes(crypto, 16);
  const iv = randomBytes(crypto, 12);
  const key = await backupKey(crypto, passphrase, salt, iterations);
  const plaintext = new TextEncoder().encode(JSON.stringify(payload));
  const ciphertext = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv: toArrayBuffer(iv), additionalData: aad() }, key, toArrayBuffer(plaintext)));
  plaintext.fill(0);
  const envelope: BackupEnvelope = {
    format: BACKUP_FORMAT,
    version: BACKUP_VERSION,
    kdf: { name: "PBKDF2", hash: "SHA-256", iterations, salt: base64Encode(salt) },
    cipher: { name: "AES-256-GCM", iv: base64Encode(iv) },
    data: base64Encode(ciphertext),
  };
  return new TextEncoder().encode(JSON.stringify(envelope, null, 2) + "\n");
}

function invalid(detail: string): never {
  throw new KeysmithError("vault.backup.invalid", { field: "backup", params: { detail } });
}

/** Decrypt backup file bytes to the payload. */
export async function decryptBackup(bytes: Uint8Array, passphrase: string, options: { crypto?: Crypto } = {}): Promise<unknown> {
  const crypto = options.crypto ?? globalThis.crypto;
  let envelope: BackupEnvelope;
  try {
    envelope = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes)) as BackupEnvelope;
  } catch {
    return invalid("not JSON");
  }
  if (envelope?.format !== BACKUP_FORMAT) invalid("format");
  if (typeof envelope.version !== "number" || envelope.version > BACKUP_VERSION) {
    throw new KeysmithError("vault.backup.version", { field: "backup", params: { version: String(envelope.version) } });
  }
  const { kdf, cipher } = envelope;
  if (kdf?.name !== "PBKDF2" || kdf.hash !== "SHA-256" || !Number.isInteger(kdf.iterations) || kdf.iterations < 1 || kdf.iterations > 10_000_000) invalid("kdf");
  if (typeof kdf.salt !== "string") invalid("kdf.salt");
  if (cipher?.name !== "AES-256-GCM" || typeof envelope.data !== "string") invalid("cipher");
  if (typeof cipher.iv !== "string") invalid("cipher.iv");
  const salt = base64Decode(kdf.salt, "backup");
  const iv = base64Decode(cipher.iv, "backup");
  const data = base64Decode(envelope.data, "backup");
  if (salt.length === 0) invalid("kdf.salt");
  if (iv.length !== 12) invalid("cipher.iv");
  const key = await backupKey(crypto, passphrase, salt, kdf.iterations);
  let plaintext: Uint8Array;
  try {
    plaintext = new Uint8Array(await crypto.subtle.decrypt({ name: "AES-GCM", iv: toArrayBuffer(iv), additionalData: aad() }, key, toArrayBuffer(data)));
  } catch {
    throw new KeysmithError("export.passphrase.wrong", { field: "passphrase" });
  }
  try {
    // Authentic (GCM verified) but not our JSON: written by something else with the same passphrase.
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(plaintext));
  } catch {
    return invalid("payload");
  } finally {
    plaintext.fill(0);
  }
}

function aad(): ArrayBuffer {
  return toArrayBuffer(new TextEncoder().encode(`${BACKUP_FORMAT}/${BACKUP_VERSION}`));
}
