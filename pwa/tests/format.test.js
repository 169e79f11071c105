import { describe, expect, test } from "vitest";
import { formatDistance, formatNumber, formatRelativeDate } from "../src/shared/format.js";

// Intl puts a (narrow) no-break space between number and unit in some locales; compare with plain spaces.
const plain = (text) => text.replace(/[\u00a0\u202f]/g, " ");

describe("formatDistance", () => {
  test("shows whole metres below a kilometre", () => {
    expect(plain(formatDistance(849.6, "en"))).toBe("850 m");
    expect(plain(formatDistance(120, "ru"))).toBe("120 м");
  });

  test("switches to kilometres when the metres round to 1000", () => {
    expect(plain(formatDistance(999.7, "en"))).toBe("1 km");
  });

  test("uses the locale's decimal separator for kilometres", () => {
    expect(plain(formatDistance(2345, "en"))).toBe("2.3 km");
    expect(plain(formatDistance(2345, "ro"))).toBe("2,3 km");
    expect(plain(formatDistance(2345, "ru"))).toBe("2,3 км");
    expect(plain(formatDistance(2345, "lt"))).toBe("2,3 km");
  });

  test("drops the decimal from ten kilometres up", () => {
    expect(plain(formatDistance(14089.9, "bg"))).toMatch(/^14 /);
    expect(plain(formatDistance(9990, "en"))).toBe("10 km");
  });

  test("returns an empty text without a distance", () => {
    expect(formatDistance(null, "en")).toBe("");
    expect(formatDistance(undefined, "en")).toBe("");
  });
});

describe("formatNumber", () => {
  test("groups thousands per locale", () => {
    expect(formatNumber(1234567, "en")).toBe("1,234,567");
    expect(plain(formatNumber(1234567, "ru"))).toBe("1 234 567");
    expect(formatNumber(1234567, "ro")).toBe("1.234.567");
  });
});

describe("formatRelativeDate", () => {
  const now = Date.parse("2026-03-10T12:00:00Z");

  test("says yesterday in each language", () => {
    const iso = "2026-03-09T12:00:00Z";
    expect(formatRelativeDate(iso, "en", now)).toBe("yesterday");
    expect(formatRelativeDate(iso, "bg", now)).toBe("вчера");
    expect(formatRelativeDate(iso, "ru", now)).toBe("вчера");
    expect(formatRelativeDate(iso, "sr-Cyrl", now)).toBe("јуче");
    expect(formatRelativeDate(iso, "ro", now)).toBe("ieri");
    expect(formatRelativeDate(iso, "lt", now)).toBe("vakar");
  });

  test("counts days within a week", () => {
    expect(formatRelativeDate("2026-03-07T12:00:00Z", "en", now)).toBe("3 days ago");
    expect(formatRelativeDate("2026-03-07T12:00:00Z", "ro", now)).toBe("acum 3 zile");
  });

  test("moves to weeks, months and years as the date gets older", () => {
    expect(formatRelativeDate("2026-02-24T12:00:00Z", "en", now)).toBe("2 weeks ago");
    expect(formatRelativeDate("2025-12-10T12:00:00Z", "en", now)).toBe("3 months ago");
    expect(formatRelativeDate("2024-03-10T12:00:00Z", "ru", now)).toBe("2 года назад");
  });

  test("says today for earlier the same day", () => {
    expect(formatRelativeDate("2026-03-10T11:00:00Z", "en", now)).toBe("today");
  });

  test("returns null without a date", () => {
    expect(formatRelativeDate(null, "en", now)).toBeNull();
  });
});
