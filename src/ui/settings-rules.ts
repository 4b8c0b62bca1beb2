// Settings the options page checks before it saves, with the worker's own limits
// (src/background/payload-schemas.ts: expiryWarningDays is an integer from 1 to 365, reconcileMinutes one
// in RECONCILE_MINUTES of src/messages.ts).
import type { ErrorData } from "../core/errors";
import { RECONCILE_MINUTES } from "../messages";

export const EXPIRY_WARNING_DAYS = { min: 1, max: 365 } as const;

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: ErrorData };

/**
 * Days before notAfter for the "expiring" notification, as typed: a whole number in range. Full-width
 * digits (what a Chinese input method types) count as digits; nothing else is guessed at.
 */
function wholeNumber(text: string): number {
  const digits = text.trim().replace(/[\uff10-\uff19]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xff10 + 0x30));
  return /^\d{1,5}$/.test(digits) ? Number(digits) : NaN;
}

export function parseExpiryWarningDays(text: string): Parsed<number> {
  const value = wholeNumber(text);
  if (Number.isInteger(value) && value >= EXPIRY_WARNING_DAYS.min && value <= EXPIRY_WARNING_DAYS.max) return { ok: true, value };
  return {
    ok: false,
    error: { code: "ui.settings.expiry_days", field: "expiryWarningDays", params: { ...EXPIRY_WARNING_DAYS, value: text.trim() }, message: "ui.settings.expiry_days" },
  };
}

export const RECONCILE_MINUTES_RANGE = { min: RECONCILE_MINUTES.min, max: RECONCILE_MINUTES.max } as const;

/** Minutes the worker looks for a create whose answer was lost (`reconcileMinutes`), as typed: a whole number in range. */
export function parseReconcileMinutes(text: string): Parsed<number> {
  const value = wholeNumber(text);
  if (Number.isInteger(value) && value >= RECONCILE_MINUTES.min && value <= RECONCILE_MINUTES.max) return { ok: true, value };
  return {
    ok: false,
    error: { code: "ui.settings.reconcile_minutes", field: "reconcileMinutes", params: { ...RECONCILE_MINUTES_RANGE, value: text.trim() }, message: "ui.settings.reconcile_minutes" },
  };
}
