// The worker's export formats (messages.ts ExportFormat) as one catalogue over the vault: what each needs
// (a passphrase, or the explicit unencrypted flag), how it is made, and the file it becomes. Adding a
// format is one entry. Binary files travel as base64 (`binary: true`) so they survive postMessage as text.
import type { ExportFormat, ExportResult } from "../../messages";
import { KeysmithError } from "../../core/errors";
import { base64Encode } from "../../core/pem";
import type { VaultKey } from "./records";
import type { Vault } from "./vault";

interface FormatEntry {
  needs: "passphrase" | "unencrypted" | "nothing";
  suffix: string;
  mediaType: string;
  make(vault: Vault, key: VaultKey, passphrase: string): Promise<string | Uint8Array>;
}

const PEM = "application/x-pem-file";
const PKCS12 = "application/x-pkcs12";
const UNENCRYPTED = { unencrypted: true } as const;

export const EXPORT_FORMATS: Record<ExportFormat, FormatEntry> = {
  "pkcs8-encrypted": { needs: "passphrase", suffix: ".key.pem", mediaType: PEM, make: (v, k, p) => v.exportPkcs8(k.id, p) },
  pkcs12: { needs: "passphrase", suffix: ".pfx", mediaType: PKCS12, make: (v, k, p) => v.exportPkcs12(k.id, p) },
  "pkcs12-legacy": { needs: "passphrase", suffix: ".legacy.pfx", mediaType: PKCS12, make: (v, k, p) => v.exportPkcs12(k.id, p, { legacy: true }) },
  pkcs8: { needs: "unencrypted", suffix: ".key.pem", mediaType: PEM, make: (v, k) => v.exportPem(k.id, "pkcs8", UNENCRYPTED) },
  pkcs1: { needs: "unencrypted", suffix: ".rsa.key.pem", mediaType: PEM, make: (v, k) => v.exportPem(k.id, "pkcs1", UNENCRYPTED) },
  sec1: { needs: "unencrypted", suffix: ".ec.key.pem", mediaType: PEM, make: (v, k) => v.exportPem(k.id, "sec1", UNENCRYPTED) },
  "pem-bundle": { needs: "unencrypted", suffix: ".bundle.pem", mediaType: PEM, make: (v, k) => v.exportPem(k.id, "bundle", UNENCRYPTED) },
  certificate: {
    needs: "nothing",
    suffix: ".crt.pem",
    mediaType: PEM,
    make: async (_v, k) => k.certificate?.pem ?? Promise.reject(new KeysmithError("export.certificate.missing", { field: "certificate" })),
  },
};

/** A file name from the key's CN or label: "*.example.com" → "wildcard.example.com". */
export function exportBaseName(key: Pick<VaultKey, "commonName" | "label" | "id">): string {
  const name = (key.commonName || key.label || key.id).replace(/^\*\./, "wildcard.").replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^[._]+/, "");
  return name.slice(0, 100) || key.id;
}

export async function exportKey(
  vault: Vault, request: { keyId: string; format: ExportFormat; passphrase?: string; unencrypted?: boolean },
): Promise<ExportResult> {
  const entry = Object.prototype.hasOwnProperty.call(EXPORT_FORMATS, request.format) ? EXPORT_FORMATS[request.format] : undefined;
  if (!entry) throw new KeysmithError("export.format.unknown", { field: "format", params: { format: String(request.format) } });
  const key = await vault.get(request.keyId);
  if (entry.needs === "passphrase" && !request.passphrase) throw new KeysmithError("export.passphrase.required", { field: "passphrase" });
  if (entry.needs === "unencrypted" && request.unencrypted !== true) throw new KeysmithError("export.unencrypted.not_confirmed", { field: "unencrypted" });
  const made = await entry.make(vault, key, request.passphrase ?? "");
  const binary = made instanceof Uint8Array;
  return { filename: exportBaseName(key) + entry.suffix, data: binary ? base64Encode(made) : made, binary, mediaType: entry.mediaType };
}

/** `keysmith-backup-YYYY-MM-DD.ksb`: the date of the export in local time (the user's day, not UTC's). */
export function backupFileName(date: Date): string {
  const two = (n: number) => String(n).padStart(2, "0");
  return `keysmith-backup-${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())}.ksb`;
}

/** The backup as an ExportResult: the file's bytes (JSON text inside) as base64, named after today. */
export async function exportBackup(vault: Vault, passphrase: string, now: Date = new Date()): Promise<ExportResult> {
  const data = base64Encode(await vault.backup(passphrase)); // an empty passphrase: export.passphrase.empty
  return { filename: backupFileName(now), data, binary: true, mediaType: "application/octet-stream" };
}
