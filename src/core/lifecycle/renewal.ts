// When a certificate is due for renewal, and how long to wait after a failed attempt. Pure: the clock and
// the jitter's randomness are parameters. The declarative renew file (src/core/lifecycle/config.ts) and
// `keysmith renew` (cli/commands/renew.ts) build on it.
//
// Due time: the certificate is renewed `lead` before notAfter, where lead is the smaller of `beforeDays`
// and `fractionLeft` × lifetime. A 90-day certificate with the defaults (30 days, 1/3) is due at day 60;
// a 47-day one when a third of it is left (day ≈31), not 30 days before its end (day 17, renewing every
// other fortnight); a one-year one 30 days before its end.
import { fail } from "../errors";

export type RenewalMode = "off" | "notify" | "auto";
export type KeyChoice = "new" | "reuse";

export const RENEWAL_MODES: readonly RenewalMode[] = ["off", "notify", "auto"];
export const KEY_CHOICES: readonly KeyChoice[] = ["new", "reuse"];

export const DEFAULT_BEFORE_DAYS = 30;
export const DEFAULT_FRACTION_LEFT = 1 / 3;
/** The longest lead accepted: a public TLS certificate lives at most 398 days. */
export const MAX_BEFORE_DAYS = 397;

export interface RenewalPolicyInput {
  mode: RenewalMode;
  /** Renew this many days before notAfter at the latest (default 30). */
  beforeDays?: number;
  /** ... or when this fraction of the lifetime is left, whichever is later (default 1/3). */
  fractionLeft?: number;
  /** Make a new key for the renewed certificate, or sign the same key again (default "new"). */
  key?: KeyChoice;
}

export interface RenewalPolicy {
  mode: RenewalMode;
  beforeDays: number;
  fractionLeft: number;
  key: KeyChoice;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Checks a policy object (as parsed from JSON or YAML) and fills in the defaults. Every refusal is a
 * KeysmithError naming `field` + the member (e.g. `certificates[0].renewal.beforeDays`) and the rule.
 */
export function validateRenewalPolicy(input: unknown, field = "renewal"): RenewalPolicy {
  if (!input || typeof input !== "object" || Array.isArray(input)) fail("lifecycle.renewal.not_object", field);
  const o = input as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (!["mode", "beforeDays", "fractionLeft", "key"].includes(k)) fail("lifecycle.field.unknown", `${field}.${k}`);
  }
  const mode = o.mode;
  if (typeof mode !== "string" || !(RENEWAL_MODES as readonly string[]).includes(mode)) {
    fail("lifecycle.value.allowed", `${field}.mode`, { allowed: RENEWAL_MODES.join(", ") });
  }
  return {
    mode: mode as RenewalMode,
    beforeDays: o.beforeDays === undefined ? DEFAULT_BEFORE_DAYS : checkBeforeDays(o.beforeDays, `${field}.beforeDays`),
    fractionLeft: o.fractionLeft === undefined ? DEFAULT_FRACTION_LEFT : checkFractionLeft(o.fractionLeft, `${field}.fractionLeft`),
    key: o.key === undefined ? "new" : checkKeyChoice(o.key, `${field}.key`),
  };
}

/** A whole number of days from 1 to 397. */
export function checkBeforeDays(value: unknown, field: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > MAX_BEFORE_DAYS) {
    fail("lifecycle.renewal.before_days", field, { min: 1, max: MAX_BEFORE_DAYS });
  }
  return value;
}

/** A fraction strictly between 0 and 1. */
export function checkFractionLeft(value: unknown, field: string): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0 || value >= 1) fail("lifecycle.renewal.fraction_left", field);
  return value;
}

export function checkKeyChoice(value: unknown, field: string): KeyChoice {
  if (typeof value !== "string" || !(KEY_CHOICES as readonly string[]).includes(value)) {
    fail("lifecycle.value.allowed", field, { allowed: KEY_CHOICES.join(", ") });
  }
  return value as KeyChoice;
}

function checkValidity(notBefore: Date, notAfter: Date, field: string): void {
  const a = notBefore.getTime();
  const b = notAfter.getTime();
  if (!Number.isFinite(a) || !Number.isFinite(b) || b <= a) fail("lifecycle.renewal.validity", field);
}

/**
 * When a certificate valid from `notBefore` to `notAfter` is due: notAfter less the smaller of
 * `beforeDays` days and `fractionLeft` of its lifetime. Never before notBefore.
 */
export function renewalDueAt(notBefore: Date, notAfter: Date, policy: Pick<RenewalPolicy, "beforeDays" | "fractionLeft">, field = "certificate"): Date {
  checkValidity(notBefore, notAfter, field);
  const lifetime = notAfter.getTime() - notBefore.getTime();
  const lead = Math.min(policy.beforeDays * DAY_MS, policy.fractionLeft * lifetime);
  return new Date(Math.max(notBefore.getTime(), notAfter.getTime() - lead));
}

/** True when `now` is at or past the due time. A policy whose mode is "off" is never due. */
export function isDue(now: Date, notBefore: Date, notAfter: Date, policy: RenewalPolicy, field?: string): boolean {
  if (policy.mode === "off") return false;
  return now.getTime() >= renewalDueAt(notBefore, notAfter, policy, field).getTime();
}

export const RETRY_FIRST_MS = 5 * 60 * 1000;
export const RETRY_MAX_MS = 6 * 60 * 60 * 1000;

/**
 * How long to wait before the next attempt after `failures` failed ones in a row (1 = the first failure):
 * 5 min, doubling, at most 6 h, each step jittered into [step/2, step] by `random` (0 ≤ random() < 1),
 * so renewals that failed together do not come back together, and none comes back sooner than half a step.
 */
export function retryDelayMs(failures: number, random: () => number = Math.random): number {
  if (!Number.isInteger(failures) || failures < 1) fail("lifecycle.retry.failures", "failures");
  const step = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** Math.min(failures - 1, 30));
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.round(step / 2 + (step / 2) * r);
}

/** The time of the next attempt after the `failures`-th failure in a row at `failedAt`. */
export function nextAttemptAt(failedAt: Date, failures: number, random?: () => number): Date {
  return new Date(failedAt.getTime() + retryDelayMs(failures, random));
}
