// Reading and searching accounts, reverse geocoding and place search over the API (changes go through the outbox), and the
// links an account opens in other apps (phone, mail, map apps). The link builders are pure so they can be tested without a page.
import { request } from "./client.js";

export const accounts = {
  get: (id) => request(`/accounts/${encodeURIComponent(id)}`),
  reverseGeocode: (lat, lng) =>
    request(`/geocode/reverse?${new URLSearchParams({ lat: lat.toFixed(6), lng: lng.toFixed(6) })}`),
  searchPlaces: (q, limit = 5) =>
    request(`/geocode/search?${new URLSearchParams({ q, limit: String(limit) })}`),
  /** Accounts inside an area (a polygon, a circle, a territory or a corridor along a line) with filters. */
  search: (area, filters = {}, limit = 500) =>
    request("/accounts/search", { method: "POST", body: { area, filters, limit } }),
};

/** `tel:` link for a phone number as people write it ("+40 21 555-01 02"), or null. */
export function telHref(phone) {
  const dialable = (phone ?? "").replace(/[^\d+*#,;]/g, "");
  return /\d/.test(dialable) ? `tel:${dialable}` : null;
}

/** `mailto:` link for an address, or null. */
export function mailtoHref(email) {
  return email ? `mailto:${encodeURIComponent(email.trim()).replace(/%40/g, "@")}` : null;
}

/** Turn-by-turn links to an account: by its coordinates when known, else by its address. */
export function navigationLinks(account) {
  const [lng, lat] = account.location?.coordinates ?? [];
  if (Number.isFinite(lat) && Number.isFinite(lng)) {
    const at = `${lat},${lng}`;
    return {
      google: `https://www.google.com/maps/dir/?api=1&destination=${at}`,
      apple: `https://maps.apple.com/?daddr=${at}&dirflg=d`,
      waze: `https://waze.com/ul?ll=${at}&navigate=yes`,
      geo: `geo:${at}?q=${at}(${encodeURIComponent(account.name ?? "")})`,
    };
  }
  if (!account.address) return null;
  const where = encodeURIComponent(account.address);
  return {
    google: `https://www.google.com/maps/dir/?api=1&destination=${where}`,
    apple: `https://maps.apple.com/?daddr=${where}&dirflg=d`,
    waze: `https://waze.com/ul?q=${where}&navigate=yes`,
    geo: `geo:0,0?q=${where}`,
  };
}

/** The fields everyone who may edit an account edits. */
export const EDITABLE = ["name", "kind", "status", "address", "phone", "email", "industry"];
/** Fields only managers and admins set (the server refuses a rep who sends one with 403). */
export const MANAGED = ["visit_every_days"];
const OFFICE = new Set(["manager", "admin"]);
const REQUIRED = new Set(["name", "kind", "status"]);
const WHOLE = /^\d+$/;

/** The fields `role` edits: a rep's form never holds, nor sends, a managers' field. */
export function editableFields(role) {
  return OFFICE.has(role) ? [...EDITABLE, ...MANAGED] : EDITABLE;
}

/**
 * A form value as the API wants it: trimmed, and null for an empty optional field; a visit
 * frequency as a whole number (anything else is sent as typed, for the server to refuse on it).
 */
export function apiValue(field, value) {
  const text = typeof value === "string" ? value.trim() : value;
  if (text === "" && !REQUIRED.has(field)) return null;
  if (field === "visit_every_days" && typeof text === "string" && WHOLE.test(text)) return Number(text);
  return text;
}

/** The `fields` of `draft` (the everyday ones unless told) that differ from `account`, in API form. */
export function changedFields(account, draft, fields = EDITABLE) {
  const changes = {};
  for (const field of fields) {
    const value = apiValue(field, draft[field] ?? "");
    if (value !== (account[field] ?? null)) changes[field] = value;
  }
  return changes;
}
