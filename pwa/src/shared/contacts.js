// Contacts on the device, DOM-free: the data of a contact.create / contact.update from what the
// rep typed (checked as the server checks it), an account's contacts in order, and the search by
// name across the working set.

export const MAX_NAME_CHARS = 200;
export const MAX_NOTES_CHARS = 10000;
export const MAX_PER_LIST = 10;
export const CHANNELS = ["email", "sms", "phone"];
const PHONE = /^[0-9+() .\-/]{3,50}$/;
// What the server takes as an address, near enough to refuse typing slips before sending.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const LANGUAGE = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;

const lines = (text) =>
  String(text ?? "")
    .split(/[\n,;]/)
    .map((line) => line.trim())
    .filter(Boolean);

/**
 * The fields of a contact from the form's values (`phones` and `emails` one a line, `consent`
 * the channels ticked, each keeping the time it was first given in `given`), or `{errors}`:
 * field -> "required" | "tooLong" | "invalid" | "tooMany".
 */
export function contactFields(form, given = {}, now = new Date().toISOString()) {
  const errors = {};
  const name = String(form.name ?? "").trim();
  if (!name) errors.name = "required";
  else if (name.length > MAX_NAME_CHARS) errors.name = "tooLong";
  const title = String(form.title ?? "").trim();
  if (title.length > MAX_NAME_CHARS) errors.title = "tooLong";
  const phones = lines(form.phones);
  if (phones.length > MAX_PER_LIST) errors.phones = "tooMany";
  else if (!phones.every((phone) => PHONE.test(phone))) errors.phones = "invalid";
  const emails = lines(form.emails).map((email) => email.toLowerCase());
  if (emails.length > MAX_PER_LIST) errors.emails = "tooMany";
  else if (!emails.every((email) => EMAIL.test(email) && email.length <= 254)) errors.emails = "invalid";
  const language = String(form.language ?? "").trim() || null;
  if (language && (language.length > 35 || !LANGUAGE.test(language))) errors.language = "invalid";
  const notes = String(form.notes ?? "");
  if (notes.length > MAX_NOTES_CHARS) errors.notes = "tooLong";
  if (Object.keys(errors).length) return { errors };
  const ticked = new Set(form.consent ?? []);
  const consent = Object.fromEntries(
    CHANNELS.map((channel) => [channel, ticked.has(channel) ? (given[channel] ?? now) : null]),
  );
  const fields = {
    name,
    title,
    phones,
    emails,
    language,
    notes,
    consent,
    is_primary: Boolean(form.is_primary),
  };
  return { fields };
}

/** The fields of `fields` that differ from `contact` (an edit sends only those). */
export function changedContactFields(contact, fields) {
  return Object.fromEntries(
    Object.entries(fields).filter(
      ([field, value]) => JSON.stringify(contact[field] ?? null) !== JSON.stringify(value),
    ),
  );
}

const byName = (a, b) => a.name.localeCompare(b.name) || String(a.id).localeCompare(String(b.id));

/**
 * One account's live contacts (not deleted), the primary first, then by name. An account has
 * one primary: when the device holds two (one made primary here, the server not yet heard
 * from), the one changed here is it.
 */
export function contactsInOrder(contacts) {
  const live = contacts.filter((contact) => !contact.archived_at);
  const primaries = live.filter((contact) => contact.is_primary);
  const primary = primaries.find((contact) => contact.pending) ?? primaries[0];
  return live
    .map((contact) =>
      contact.is_primary && contact !== primary ? { ...contact, is_primary: false } : contact,
    )
    .sort((a, b) => Number(Boolean(b.is_primary)) - Number(Boolean(a.is_primary)) || byName(a, b));
}

// Lower case without accents: "Ștefan" is found by "stefan".
const folded = (text) =>
  String(text ?? "")
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase();

/** Live contacts whose name contains `text` (any case, accents or not), by name. */
export function contactsNamed(contacts, text) {
  const wanted = folded(text).trim();
  if (!wanted) return [];
  return contacts
    .filter((contact) => !contact.archived_at && folded(contact.name).includes(wanted))
    .sort(byName);
}
