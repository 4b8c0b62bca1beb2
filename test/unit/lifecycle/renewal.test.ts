// src/core/lifecycle/renewal.ts: when a certificate is due, the retry schedule after failures, and the
// policy's validation (typed errors naming the field and the rule).
import { describe, expect, it } from "vitest";
import { KeysmithError } from "../../../src/core/errors";
import {
  DEFAULT_BEFORE_DAYS,
  DEFAULT_FRACTION_LEFT,
  RETRY_FIRST_MS,
  RETRY_MAX_MS,
  isDue,
  nextAttemptAt,
  renewalDueAt,
  retryDelayMs,
  validateRenewalPolicy,
} from "../../../src/core/lifecycle/renewal";

const DAY = 24 * 60 * 60 * 1000;
const start = new Date("2026-01-01T00:00:00Z");
const days = (n: number) => new Date(start.getTime() + n * DAY);
const defaults = validateRenewalPolicy({ mode: "auto" });

function typed(fn: () => unknown): KeysmithError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(KeysmithError);
    return err as KeysmithError;
  }
  throw new Error("no error thrown");
}

describe("renewalDueAt", () => {
  it("defaults: 30 days before, or a third of the lifetime left", () => {
    expect(defaults).toEqual({ mode: "auto", beforeDays: DEFAULT_BEFORE_DAYS, fractionLeft: DEFAULT_FRACTION_LEFT, key: "new" });
  });

  it("a 90-day certificate is due at day 60", () => {
    expect(renewalDueAt(start, days(90), defaults).toISOString()).toBe(days(60).toISOString());
    expect(isDue(days(59.99), start, days(90), defaults)).toBe(false);
    expect(isDue(days(60), start, days(90), defaults)).toBe(true);
  });

  it("a 47-day certificate is due when a third of it is left, not 30 days before its end", () => {
    const due = renewalDueAt(start, days(47), defaults);
    expect(due.getTime()).toBeCloseTo(days(47 - 47 / 3).getTime(), -1);
    expect(isDue(days(31), start, days(47), defaults)).toBe(false);
    expect(isDue(days(31.4), start, days(47), defaults)).toBe(true);
    expect(isDue(days(17), start, days(47), defaults)).toBe(false);
  });

  it("a one-year certificate is due 30 days before its end", () => {
    expect(renewalDueAt(start, days(365), defaults).toISOString()).toBe(days(335).toISOString());
  });

  it("beforeDays and fractionLeft are honoured: the smaller lead wins", () => {
    const p = validateRenewalPolicy({ mode: "auto", beforeDays: 10, fractionLeft: 0.5 });
    expect(renewalDueAt(start, days(90), p).toISOString()).toBe(days(80).toISOString());
    const q = validateRenewalPolicy({ mode: "auto", beforeDays: 60, fractionLeft: 0.1 });
    expect(renewalDueAt(start, days(90), q).toISOString()).toBe(days(81).toISOString());
  });

  it("a certificate already past due, or past its end, is due", () => {
    expect(isDue(days(75), start, days(90), defaults)).toBe(true);
    expect(isDue(days(400), start, days(90), defaults)).toBe(true);
  });

  it("mode off is never due; notify is due like auto", () => {
    expect(isDue(days(400), start, days(90), validateRenewalPolicy({ mode: "off" }))).toBe(false);
    expect(isDue(days(60), start, days(90), validateRenewalPolicy({ mode: "notify" }))).toBe(true);
  });

  it("a validity whose end is not after its start is a typed error", () => {
    const e = typed(() => renewalDueAt(days(10), days(10), defaults, "certificates[0]"));
    expect(e.code).toBe("lifecycle.renewal.validity");
    expect(e.field).toBe("certificates[0]");
    expect(typed(() => renewalDueAt(new Date(NaN), days(10), defaults)).code).toBe("lifecycle.renewal.validity");
  });
});

describe("validateRenewalPolicy", () => {
  it("refuses bad values naming the field and the rule", () => {
    const cases: [unknown, string, string][] = [
      [null, "lifecycle.renewal.not_object", "renewal"],
      [[], "lifecycle.renewal.not_object", "renewal"],
      [{}, "lifecycle.value.allowed", "renewal.mode"],
      [{ mode: "AUTO" }, "lifecycle.value.allowed", "renewal.mode"],
      [{ mode: "auto", beforeDays: 0 }, "lifecycle.renewal.before_days", "renewal.beforeDays"],
      [{ mode: "auto", beforeDays: 1.5 }, "lifecycle.renewal.before_days", "renewal.beforeDays"],
      [{ mode: "auto", beforeDays: "30" }, "lifecycle.renewal.before_days", "renewal.beforeDays"],
      [{ mode: "auto", beforeDays: 398 }, "lifecycle.renewal.before_days", "renewal.beforeDays"],
      [{ mode: "auto", fractionLeft: 0 }, "lifecycle.renewal.fraction_left", "renewal.fractionLeft"],
      [{ mode: "auto", fractionLeft: 1 }, "lifecycle.renewal.fraction_left", "renewal.fractionLeft"],
      [{ mode: "auto", fractionLeft: Number.NaN }, "lifecycle.renewal.fraction_left", "renewal.fractionLeft"],
      [{ mode: "auto", key: "old" }, "lifecycle.value.allowed", "renewal.key"],
      [{ mode: "auto", befordays: 3 }, "lifecycle.field.unknown", "renewal.befordays"],
    ];
    for (const [input, code, field] of cases) {
      const e = typed(() => validateRenewalPolicy(input));
      expect([e.code, e.field], JSON.stringify(input)).toEqual([code, field]);
      expect(e.localized("en")).toContain(field);
      expect(e.localized("zh_CN")).toContain(field);
      expect(e.localized("zh_CN")).not.toBe(e.localized("en"));
    }
  });
});

describe("retry backoff", () => {
  it("5 minutes, doubling, at most 6 hours; jitter between half a step and a step", () => {
    const lo = () => 0;
    const hi = () => 0.999999;
    expect(retryDelayMs(1, lo)).toBe(RETRY_FIRST_MS / 2);
    expect(retryDelayMs(1, hi)).toBeCloseTo(RETRY_FIRST_MS, -2);
    expect(retryDelayMs(2, hi)).toBeCloseTo(2 * RETRY_FIRST_MS, -2);
    expect(retryDelayMs(4, () => 0.5)).toBe(Math.round(8 * RETRY_FIRST_MS * 0.75));
    for (const n of [8, 9, 50, 10_000]) {
      expect(retryDelayMs(n, hi)).toBeLessThanOrEqual(RETRY_MAX_MS);
      expect(retryDelayMs(n, lo)).toBe(RETRY_MAX_MS / 2);
    }
    for (let n = 1; n < 12; n++) expect(retryDelayMs(n + 1, hi)).toBeGreaterThanOrEqual(retryDelayMs(n, hi));
  });

  it("nextAttemptAt adds the delay; a count below 1 is a typed error", () => {
    expect(nextAttemptAt(start, 1, () => 0).getTime()).toBe(start.getTime() + RETRY_FIRST_MS / 2);
    expect(typed(() => retryDelayMs(0)).code).toBe("lifecycle.retry.failures");
    expect(typed(() => retryDelayMs(1.5)).code).toBe("lifecycle.retry.failures");
  });
});
