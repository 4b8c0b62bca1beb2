// Dates on the pages (src/ui/dates.ts): local dates in the page's language, in a given time zone, and how far an
// end date is, with the day boundaries where they fall.
import { describe, expect, it } from "vitest";
import { daysUntil, endDateText, expiryPhrase, localDate, localDateTime } from "../../../src/ui/dates";

const DAY = 86_400_000;
const END = "2026-12-01T08:27:23.098Z";
const end = Date.parse(END);

describe("local dates", () => {
  it("shows the date in the page's language and the user's time zone, not the UTC ISO text", () => {
    expect(localDate(END, "en", "UTC")).toBe("Dec 1, 2026");
    expect(localDate(END, "zh_CN", "UTC")).toBe("2026年12月1日");
    // 08:27 UTC is 22:27 the same day at UTC+14; 20:00 UTC is the next day in Shanghai, 03:00 UTC the day before in Los Angeles.
    expect(localDate(END, "en", "Pacific/Kiritimati")).toBe("Dec 1, 2026");
    expect(localDate("2026-12-01T20:00:00Z", "en", "Asia/Shanghai")).toBe("Dec 2, 2026");
    expect(localDate("2026-12-01T03:00:00Z", "zh_CN", "America/Los_Angeles")).toBe("2026年11月30日");
  });

  it("shows date and time in local time", () => {
    expect(localDateTime(END, "zh_CN", "Asia/Shanghai")).toBe("2026年12月1日 16:27");
    expect(localDateTime(END, "en", "UTC")).toMatch(/^Dec 1, 2026, 8:27\s?AM$/);
  });

  it("passes text that is not a date through unchanged", () => {
    expect(localDate("soon", "en")).toBe("soon");
    expect(localDateTime("", "zh_CN")).toBe("");
    expect(expiryPhrase("-", "en", end)).toBe("-");
    expect(daysUntil("never", end)).toBeUndefined();
  });
});

describe("expires in / expired", () => {
  it("counts whole days ahead, rounding down", () => {
    expect(daysUntil(END, end - 12 * DAY - 1)).toBe(12);
    expect(daysUntil(END, end - 1.5 * DAY)).toBe(1);
    expect(expiryPhrase(END, "en", end - 12 * DAY - 1)).toBe("expires in 12 days");
    expect(expiryPhrase(END, "zh_CN", end - 12 * DAY - 1)).toBe("12 天后到期");
    expect(expiryPhrase(END, "en", end - 1.5 * DAY)).toBe("expires in 1 day");
    expect(expiryPhrase(END, "en", end - 60_000)).toBe("expires today");
    expect(expiryPhrase(END, "zh_CN", end - 60_000)).toBe("今天到期");
  });

  it("counts whole days since the end once it has passed", () => {
    expect(daysUntil(END, end + 3 * DAY + 5)).toBe(-3);
    expect(expiryPhrase(END, "en", end + 3 * DAY + 5)).toBe("expired 3 days ago");
    expect(expiryPhrase(END, "zh_CN", end + 3 * DAY + 5)).toBe("已过期 3 天");
    expect(expiryPhrase(END, "en", end + DAY)).toBe("expired 1 day ago");
    expect(expiryPhrase(END, "en", end + 1000)).toBe("expired today");
  });

  it("puts the local date and the distance together", () => {
    expect(endDateText(END, "en", end - 30 * DAY, "UTC")).toBe("Dec 1, 2026 (expires in 30 days)");
    expect(endDateText(END, "zh_CN", end + 2 * DAY, "UTC")).toBe("2026年12月1日（已过期 2 天）");
  });
});
