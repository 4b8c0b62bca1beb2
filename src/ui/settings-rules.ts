// Settings the options page checks before it saves, with the worker's own limits
// (src/background/payload-schemas.ts: expiryWarningDays is an integer from 1 to 365).
import type { ErrorData } from "../core/errors";

export const EXPIRY_WARNING_DAYS = { min: 1, max: 365 } as const;

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: ErrorData };

/**
 * Days before notAfter for the "expiring" notification, as typed: a whole number in range. Full-width
 * digits (what a Chinese input method types) count as digits; nothing else is guessed at.
 */
export function parseExpiryWarningDays(text: string): Parsed<number> {
  const digits = text.trim().replace(/[\uff10-\uff19]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xff10 + 0x30));
  const value = /^\d{1,4}$/.test(digits) ? Number(digits) : NaN;
  if (Number.isInteger(value) && value >= EXPIRY_WARNING_DAYS.min && value <= EXPIRY_WARNING_DAYS.max) return { ok: true, value };
  return {
    ok: false,
    error: { code: "ui.settings.expiry_days", field: "expiryWarningDays", params: { ...EXPIRY_WARNING_DAYS, value: text.trim() }, message: "ui.settings.expiry_days" },
  };
}
