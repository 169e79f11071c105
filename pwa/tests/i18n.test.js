import { describe, expect, test } from "vitest";
import core from "../src/locales/core.js";
import {
  addStrings,
  chooseLanguage,
  languages,
  locale,
  localeFor,
  mergeTables,
  setLanguage,
  t,
  translate,
} from "../src/i18n.js";

describe("chooseLanguage", () => {
  test("takes the first browser language the app speaks", () => {
    expect(chooseLanguage(["de-DE", "ro-RO", "bg"])).toBe("ro");
  });

  test("falls back to English when no browser language is spoken", () => {
    expect(chooseLanguage(["de-DE", "fr"])).toBe("en");
    expect(chooseLanguage([])).toBe("en");
  });

  test("counts Serbian only when it is written in Cyrillic", () => {
    expect(chooseLanguage(["sr-RS"])).toBe("sr");
    expect(chooseLanguage(["sr-Cyrl-BA"])).toBe("sr");
    expect(chooseLanguage(["sr-Latn-RS", "ru"])).toBe("ru");
    expect(chooseLanguage(["sr-ME"])).toBe("en");
  });

  test("prefers the stored choice over the browser", () => {
    expect(chooseLanguage(["bg-BG"], "lt")).toBe("lt");
  });

  test("ignores a stored choice it does not speak and malformed tags", () => {
    expect(chooseLanguage(["not a tag", "lt-LT"], "xx")).toBe("lt");
  });
});

describe("localeFor", () => {
  test("keeps the browser's region for the chosen language", () => {
    expect(localeFor("en", ["en-GB", "bg"])).toBe("en-GB");
    expect(localeFor("sr", ["sr-RS"])).toBe("sr-Cyrl-RS");
  });

  test("uses the language's own locale when the browser does not ask for it", () => {
    expect(localeFor("ro", ["bg-BG"])).toBe("ro");
    expect(localeFor("sr", ["sr-Latn"])).toBe("sr-Cyrl");
  });
});

describe("translate", () => {
  const tables = mergeTables([
    { en: { hello: "Hello {name}", only: "English only" }, bg: { hello: "Здравей, {name}" } },
    { en: { bye: "Bye" }, bg: { bye: "Чао" } },
  ]);

  test("fills placeholders", () => {
    expect(translate(tables, "bg", "hello", { name: "Ана" })).toBe("Здравей, Ана");
  });

  test("leaves a placeholder without a value empty", () => {
    expect(translate(tables, "en", "hello")).toBe("Hello ");
  });

  test("falls back to English, then to the key, when a string is missing", () => {
    expect(translate(tables, "bg", "only")).toBe("English only");
    expect(translate(tables, "bg", "nowhere")).toBe("nowhere");
  });

  test("merges the areas' tables per language", () => {
    expect(translate(tables, "bg", "bye")).toBe("Чао");
  });
});

describe("the core table", () => {
  const placeholders = (text) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

  test.each(languages.map(({ code }) => code))(
    "has every English key with the same placeholders in %s",
    (code) => {
      expect(Object.keys(core[code]).sort()).toEqual(Object.keys(core.en).sort());
      for (const [key, text] of Object.entries(core.en)) {
        expect(placeholders(core[code][key]), key).toEqual(placeholders(text));
      }
    },
  );

  test("translates every key except the brand name", () => {
    for (const { code } of languages.filter(({ code }) => code !== "en")) {
      const same = Object.keys(core.en).filter((key) => core[code][key] === core.en[key]);
      expect(same, code).toEqual(["appName"]);
    }
  });
});

describe("setLanguage", () => {
  test("switches t and the live locale binding", () => {
    setLanguage("ru");
    expect(t("logIn")).toBe("Войти");
    expect(t("lastVisit", { when: "вчера" })).toBe("последний визит вчера");
    expect(locale).toBe("ru");
    setLanguage("en");
    expect(t("logIn")).toBe("Log in");
  });

  test("refuses a language the app does not speak", () => {
    expect(() => setLanguage("de")).toThrow();
  });
});

describe("addStrings", () => {
  test("teaches t the strings of a screen loaded later, in every language, keeping the others", () => {
    expect(t("later.hello")).toBe("later.hello");

    addStrings({ en: { "later.hello": "Hello {name}" }, ro: { "later.hello": "Bună, {name}" } });

    expect(t("later.hello", { name: "Ana" })).toBe("Hello Ana");
    setLanguage("ro");
    expect(t("later.hello", { name: "Ana" })).toBe("Bună, Ana");
    expect(t("logIn")).toBe(core.ro.logIn);
    setLanguage("en");
  });
});
