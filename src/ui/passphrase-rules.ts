// The rule for a passphrase that protects a backup of every exportable key. The worker refuses only an
// empty one (src/core/export/backup.ts) and anything over 1,024 characters (payload-schemas.ts); the page
// asks for more, because whoever holds the file can try passphrases offline for as long as they like
// (PBKDF2 at 600,000 iterations slows each guess, it does not stop them).
import type { ErrorData } from "../core/errors";

export const BACKUP_PASSPHRASE_MIN = 12;
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

/** A new backup passphrase and its confirmation; no issues means it may be sent. */
export function checkNewPassphrase(passphrase: string, confirm: string): NewPassphraseIssues {
  const out: NewPassphraseIssues = {};
  const length = passphraseLength(passphrase);
  if (length < BACKUP_PASSPHRASE_MIN || passphrase.trim() === "") out.passphrase = issue("ui.passphrase.too_short", "passphrase", { min: BACKUP_PASSPHRASE_MIN });
  else if (passphrase.length > PASSPHRASE_MAX) out.passphrase = issue("ui.passphrase.too_long", "passphrase", { max: PASSPHRASE_MAX });
  if (confirm !== passphrase) out.confirm = issue("ui.passphrase.mismatch", "confirm");
  return out;
}
