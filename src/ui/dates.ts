// Dates as the pages show them: a moment (an ISO string from the worker, always UTC) as a local date, or date
// and time, in the page's language (Intl.DateTimeFormat, the user's time zone unless one is given), and how
// far an end date is: "expires in 12 days", "expired 3 days ago". Pure: the tests pass the time zone and now.
import { t, type Locale } from "../core/i18n";

const DAY_MS = 86_400_000;

/** The BCP 47 tag Intl wants for a catalogue locale. */
export function intlTag(locale: Locale): string {
  return locale === "zh_CN" ? "zh-CN" : "en";
}

function parse(iso: string): Date | undefined {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}

/** "Dec 1, 2026" / "2026年12月1日"; text that is not a date comes back as it is. */
export function localDate(iso: string, locale: Locale, timeZone?: string): string {
  const d = parse(iso);
  if (!d) return iso;
  return new Intl.DateTimeFormat(intlTag(locale), { dateStyle: "medium", ...(timeZone ? { timeZone } : {}) }).format(d);
}

/** "Dec 1, 2026, 4:27 PM" / "2026年12月1日 16:27"; text that is not a date comes back as it is. */
export function localDateTime(iso: string, locale: Locale, timeZone?: string): string {
  const d = parse(iso);
  if (!d) return iso;
  return new Intl.DateTimeFormat(intlTag(locale), { dateStyle: "medium", timeStyle: "short", ...(timeZone ? { timeZone } : {}) }).format(d);
}

/**
 * Whole days from `nowMs` to the end: positive while it lies ahead (rounded down: 36 hours left is 1 day),
 * negative once it has passed (-1 from a day after it), 0 within the last day before it; undefined for text that
 * is not a date.
 */
export function daysUntil(iso: string, nowMs: number): number | undefined {
  const d = parse(iso);
  if (!d) return undefined;
  const ms = d.getTime() - nowMs;
  if (ms >= 0) return Math.floor(ms / DAY_MS);
  const past = Math.floor(-ms / DAY_MS);
  return past === 0 ? 0 : -past;
}

/** "expires in 12 days", "expires today", "expired 3 days ago", in the page's language (the days as daysUntil counts them). */
export function expiryPhrase(iso: string, locale: Locale, nowMs: number): string {
  const days = daysUntil(iso, nowMs);
  if (days === undefined) return iso;
  // 0 is the last day before the end and the first day after it alike.
  if (days === 0) return t(locale, Date.parse(iso) >= nowMs ? "ui_date_expires_today" : "ui_date_expired_today");
  if (days === 1) return t(locale, "ui_date_expires_in_one");
  if (days > 1) return t(locale, "ui_date_expires_in", { days });
  if (days === -1) return t(locale, "ui_date_expired_one");
  return t(locale, "ui_date_expired_ago", { days: -days });
}

/** "Dec 1, 2026 (expires in 12 days)": the local date and how far it is. */
export function endDateText(iso: string, locale: Locale, nowMs: number, timeZone?: string): string {
  if (!parse(iso)) return iso;
  return t(locale, "ui_date_with_expiry", { date: localDate(iso, locale, timeZone), expiry: expiryPhrase(iso, locale, nowMs) });
}
