// The rule for a passphrase that protects keys in a file: a backup of every exportable key, and a single key's
// encrypted PKCS#8 or PKCS#12 (PFX) export. Whoever holds the file can try passphrases offline for as long as
// they like (PBKDF2 slows each guess, it does not stop them), so the pages ask for at least
// EXPORT_PASSPHRASE_MIN characters and a confirmation, and the worker refuses a shorter one for keys.export and
// keys.backup whatever a page let through (src/background/payload-schemas.ts imports the same number).
import type { ErrorData } from "../core/errors";

/** At least this many characters (code points) for a passphrase that protects an exported key or a backup. */
export const EXPORT_PASSPHRASE_MIN = 12;
/** The backup's rule is the export's. */
export const BACKUP_PASSPHRASE_MIN = EXPORT_PASSPHRASE_MIN;
/** The worker's payload limit for `keys.backup` / `keys.restore`. */
export const PASSPHRASE_MAX = 1024;

export interface NewPassphraseIssues {
  passphrase?: ErrorData;
  confirm?: ErrorData;
}

function issue(code: string, field: string, params: Record<string, string | number> = {}): ErrorData {
  return { code, field, params, message: code };
}

/** Characters as the user counts them (code points: one CJK character or emoji is one). */
export function passphraseLength(passphrase: string): number {
  return [...passphrase].length;
}

/** What the passphrase protects: the messages name the field the user sees ("Backup passphrase", "Export passphrase"). */
export type PassphrasePurpose = "backup" | "export";

/** A new backup or export passphrase and its confirmation; no issues means it may be sent. */
export function checkNewPassphrase(passphrase: string, confirm: string, purpose: PassphrasePurpose = "backup"): NewPassphraseIssues {
  const out: NewPassphraseIssues = {};
  const code = (rule: string) => (purpose === "backup" ? `ui.passphrase.${rule}` : `ui.passphrase.export_${rule}`);
  const length = passphraseLength(passphrase);
  if (length < EXPORT_PASSPHRASE_MIN || passphrase.trim() === "") out.passphrase = issue(code("too_short"), "passphrase", { min: EXPORT_PASSPHRASE_MIN });
  else if (passphrase.length > PASSPHRASE_MAX) out.passphrase = issue(code("too_long"), "passphrase", { max: PASSPHRASE_MAX });
  if (confirm !== passphrase) out.confirm = issue(code("mismatch"), "confirm");
  return out;
}
