// Interface strings and the language they are shown in. Each area of the app keeps its own table
// per language in locales/; a key missing in a language falls back to English. The language is
// the user's choice (kept on the device) or else the first one the browser asks for that we speak.
// The pure functions take the browser's list as input so they run in node as well as in a page.
import account from "./locales/account.js";
import contacts from "./locales/contacts.js";
import core from "./locales/core.js";
import install from "./locales/install.js";
import map from "./locales/map.js";
import notes from "./locales/notes.js";
import places from "./locales/places.js";
import prospects from "./locales/prospects.js";
import reminders from "./locales/reminders.js";
import sync from "./locales/sync.js";
import tasks from "./locales/tasks.js";
import team from "./locales/team.js";

/** The languages the app speaks, each named in itself (for the picker), English first. */
export const languages = [
  { code: "en", name: "English", locale: "en" },
  { code: "bg", name: "Български", locale: "bg" },
  { code: "ru", name: "Русский", locale: "ru" },
  { code: "sr", name: "Српски", locale: "sr-Cyrl" },
  { code: "ro", name: "Română", locale: "ro" },
  { code: "lt", name: "Lietuvių", locale: "lt" },
];
const DEFAULT = "en";
const STORAGE_KEY = "waypoint.language";
/** Fired on window after setLanguage(), for views that hold text outside their render(). */
export const LANGUAGE_EVENT = "wp-language-change";

/** The per-area tables merged into one table per language. */
export function mergeTables(areas) {
  const merged = {};
  for (const area of areas) {
    for (const [code, strings] of Object.entries(area)) merged[code] = { ...merged[code], ...strings };
  }
  return merged;
}

const STRINGS = mergeTables([
  core,
  map,
  account,
  install,
  sync,
  tasks,
  notes,
  contacts,
  team,
  places,
  prospects,
  reminders,
]);

// The language a browser tag asks for, or null when we don't speak it. Serbian counts only in
// Cyrillic: sr-Latn, and tags whose usual script is Latin (sr-ME), are not it.
function languageOf(tag) {
  try {
    const full = new Intl.Locale(tag).maximize();
    if (full.language === "sr" && full.script !== "Cyrl") return null;
    return languages.some((language) => language.code === full.language) ? full.language : null;
  } catch {
    return null; // not a well-formed tag
  }
}

/** The language to show: the stored choice when we speak it, else the browser's first match. */
export function chooseLanguage(browserLanguages = [], stored = null) {
  if (stored && languages.some((language) => language.code === stored)) return stored;
  for (const tag of browserLanguages) {
    const code = languageOf(tag);
    if (code) return code;
  }
  return DEFAULT;
}

/** The Intl locale for a language: the browser's own tag for it (keeps its region), else ours. */
export function localeFor(code, browserLanguages = []) {
  const tag = browserLanguages.find((candidate) => languageOf(candidate) === code);
  if (tag) return code === "sr" ? new Intl.Locale(tag).maximize().toString() : tag;
  return languages.find((language) => language.code === code)?.locale ?? DEFAULT;
}

/** `key` in `code`'s table (English, then the key itself, when missing) with {name}s filled in. */
export function translate(tables, code, key, values = {}) {
  const text = tables[code]?.[key] ?? tables[DEFAULT]?.[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ""));
}

function browserLanguages() {
  if (typeof navigator === "undefined") return [];
  return navigator.languages?.length ? [...navigator.languages] : [navigator.language].filter(Boolean);
}

function storedLanguage() {
  try {
    return globalThis.localStorage?.getItem(STORAGE_KEY) ?? null;
  } catch {
    return null; // storage blocked (private mode, sandboxed frame)
  }
}

function remember(code) {
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, code);
  } catch {
    // Storage blocked: the choice lasts until the page closes.
  }
}

/** The language shown now (a code from `languages`). */
export let language = chooseLanguage(browserLanguages(), storedLanguage());
/** The Intl locale of the language shown now; a live binding, so importers see changes. */
export let locale = localeFor(language, browserLanguages());

function applyToDocument() {
  if (typeof document !== "undefined") document.documentElement.lang = locale;
}
applyToDocument();

/** Show the app in `code` from now on, remember the choice and tell the views to re-render. */
export function setLanguage(code) {
  if (!languages.some((candidate) => candidate.code === code)) throw new Error(`unknown language ${code}`);
  language = code;
  locale = localeFor(code, browserLanguages());
  remember(code);
  applyToDocument();
  if (typeof window !== "undefined") window.dispatchEvent(new CustomEvent(LANGUAGE_EVENT, { detail: code }));
}

/**
 * Add an area's tables (`{en: {...}, bg: {...}}`) to the strings `t()` knows: screens that only
 * some roles open bring their strings with their code instead of growing the shell.
 */
export function addStrings(area) {
  for (const [code, strings] of Object.entries(area)) STRINGS[code] = { ...STRINGS[code], ...strings };
}

/** The interface string `key` in the current language, with `values` put into its {placeholders}. */
export function t(key, values = {}) {
  return translate(STRINGS, language, key, values);
}
