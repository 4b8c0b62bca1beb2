// The options page's expiryWarningDays check and the backup passphrase rule, and that their messages name
// the field and the rule in both languages.
import { describe, expect, it } from "vitest";
import { EXPIRY_WARNING_DAYS, parseExpiryWarningDays } from "../../../src/ui/settings-rules";
import { BACKUP_PASSPHRASE_MIN, PASSPHRASE_MAX, checkNewPassphrase, passphraseLength } from "../../../src/ui/passphrase-rules";
import { KeysmithError } from "../../../src/core/errors";

describe("expiryWarningDays", () => {
  it("accepts whole numbers in the worker's range, trimmed, full-width digits too", () => {
    expect(parseExpiryWarningDays("30")).toEqual({ ok: true, value: 30 });
    expect(parseExpiryWarningDays(" 7 ")).toEqual({ ok: true, value: 7 });
    expect(parseExpiryWarningDays(String(EXPIRY_WARNING_DAYS.min))).toEqual({ ok: true, value: EXPIRY_WARNING_DAYS.min });
    expect(parseExpiryWarningDays(String(EXPIRY_WARNING_DAYS.max))).toEqual({ ok: true, value: EXPIRY_WARNING_DAYS.max });
    expect(parseExpiryWarningDays("０１４")).toEqual({ ok: true, value: 14 });
  });

  it("refuses everything else with ui.settings.expiry_days", () => {
    for (const bad of ["", " ", "0", "-1", "366", "1000", "30.5", "1e2", "0x1e", "30 days", "三十", "+30", "99999"]) {
      const r = parseExpiryWarningDays(bad);
      expect(r.ok, JSON.stringify(bad)).toBe(false);
      if (!r.ok) expect(r.error.code).toBe("ui.settings.expiry_days");
    }
  });

  it("names the field and the rule in English and Chinese", () => {
    const r = parseExpiryWarningDays("400");
    if (r.ok) throw new Error("400 accepted");
    const err = KeysmithError.fromData(r.error);
    expect(err.localized("en")).toBe('Expiry warning (days): "400" is not a whole number from 1 to 365.');
    expect(err.localized("zh_CN")).toBe("到期提醒（天）：「400」不是 1 到 365 之间的整数。");
  });
});

describe("backup passphrase", () => {
  const long = "correct horse battery staple";

  it("asks for at least the minimum, counted in characters as the user sees them", () => {
    expect(BACKUP_PASSPHRASE_MIN).toBeGreaterThanOrEqual(1); // the worker's own floor: not empty
    expect(checkNewPassphrase("", "").passphrase?.code).toBe("ui.passphrase.too_short");
    expect(checkNewPassphrase("a".repeat(BACKUP_PASSPHRASE_MIN - 1), "a".repeat(BACKUP_PASSPHRASE_MIN - 1)).passphrase?.code).toBe("ui.passphrase.too_short");
    expect(checkNewPassphrase("a".repeat(BACKUP_PASSPHRASE_MIN), "a".repeat(BACKUP_PASSPHRASE_MIN))).toEqual({});
    expect(checkNewPassphrase(" ".repeat(20), " ".repeat(20)).passphrase?.code).toBe("ui.passphrase.too_short");
    // Twelve CJK characters are twelve characters; six emoji (12 UTF-16 units) are six.
    expect(passphraseLength("密钥备份口令不要告诉别人")).toBe(12);
    expect(checkNewPassphrase("密钥备份口令不要告诉别人", "密钥备份口令不要告诉别人")).toEqual({});
    expect(checkNewPassphrase("🔑🔑🔑🔑🔑🔑", "🔑🔑🔑🔑🔑🔑").passphrase?.code).toBe("ui.passphrase.too_short");
  });

  it("stays within the worker's payload limit", () => {
    const max = "x".repeat(PASSPHRASE_MAX);
    expect(checkNewPassphrase(max, max)).toEqual({});
    expect(checkNewPassphrase(max + "x", max + "x").passphrase?.code).toBe("ui.passphrase.too_long");
  });

  it("needs the confirmation to match exactly", () => {
    expect(checkNewPassphrase(long, long)).toEqual({});
    expect(checkNewPassphrase(long, long + " ").confirm?.code).toBe("ui.passphrase.mismatch");
    expect(checkNewPassphrase(long, "").confirm?.code).toBe("ui.passphrase.mismatch");
  });

  it("names the field and the rule in English and Chinese", () => {
    const short = KeysmithError.fromData(checkNewPassphrase("short", "short").passphrase!);
    expect(short.localized("en")).toBe(`Backup passphrase: at least ${BACKUP_PASSPHRASE_MIN} characters, not only spaces.`);
    expect(short.localized("zh_CN")).toBe(`备份口令：至少 ${BACKUP_PASSPHRASE_MIN} 个字符，且不能只有空格。`);
    const mismatch = KeysmithError.fromData(checkNewPassphrase(long, "other").confirm!);
    expect(mismatch.localized("zh_CN")).toMatch(/^再次输入口令：/);
  });
});
