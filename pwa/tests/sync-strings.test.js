import { describe, expect, test } from "vitest";
import sync from "../src/locales/sync.js";
import { languages } from "../src/i18n.js";
import { matchRoute } from "../src/router.js";
import { formatSince } from "../src/shared/format.js";

describe("the sync and visit strings", () => {
  const placeholders = (text) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

  test.each(languages.map(({ code }) => code))(
    "has every English key with the same placeholders in %s",
    (code) => {
      expect(Object.keys(sync[code]).sort()).toEqual(Object.keys(sync.en).sort());
      for (const [key, text] of Object.entries(sync.en))
        expect(placeholders(sync[code][key]), key).toEqual(placeholders(text));
    },
  );

  test("names every outcome in every language", () => {
    for (const { code } of languages) {
      for (const outcome of ["met", "no_answer", "order", "follow_up", "not_interested", "other"]) {
        expect(sync[code][`visit.outcome.${outcome}`], `${code} ${outcome}`).toBeTruthy();
      }
    }
  });
});

describe("the sync screens' routes", () => {
  test.each(["inbox", "settings", "diagnostics"])("/%s opens its screen", (screen) => {
    expect(matchRoute(`/${screen}`)).toEqual({ screen });
  });
});

describe("formatSince", () => {
  const now = Date.parse("2026-11-23T09:30:00Z");
  const ago = (seconds) => new Date(now - seconds * 1000).toISOString();

  test("says now for the last half minute", () => {
    expect(formatSince(ago(10), "en", now)).toBe("now");
  });

  test("counts minutes, then hours, then days", () => {
    expect(formatSince(ago(5 * 60), "en", now)).toBe("5 minutes ago");
    expect(formatSince(ago(3 * 3600), "en", now)).toBe("3 hours ago");
    expect(formatSince(ago(2 * 86400), "en", now)).toBe("2 days ago");
  });

  test("speaks the chosen language", () => {
    expect(formatSince(ago(5 * 60), "ro", now)).toBe("acum 5 minute");
  });

  test("is null without a time", () => {
    expect(formatSince(null, "en", now)).toBeNull();
  });
});
