import { describe, expect, test } from "vitest";
import { languages } from "../src/i18n.js";
import contacts from "../src/locales/contacts.js";
import {
  changedContactFields,
  contactFields,
  contactsInOrder,
  contactsNamed,
} from "../src/shared/contacts.js";
import { applyMutation, rebaseRow, targetOf, undoOf, withdrawn } from "../src/sync/logic.js";

const AT = "2026-11-23T09:30:00.000Z";
const typed = {
  name: "  Ioana Marin ",
  title: "Buyer",
  phones: "+40 21 555 0101\n\n0722 000 111",
  emails: "Ioana@Example.com",
  language: "ro",
  notes: "",
  is_primary: true,
  consent: ["email"],
};

describe("contactFields", () => {
  test("is what the server takes: trimmed, one phone or address a line, consents dated", () => {
    expect(contactFields(typed, {}, AT)).toEqual({
      fields: {
        name: "Ioana Marin",
        title: "Buyer",
        phones: ["+40 21 555 0101", "0722 000 111"],
        emails: ["ioana@example.com"],
        language: "ro",
        notes: "",
        consent: { email: AT, sms: null, phone: null },
        is_primary: true,
      },
    });
  });

  test("keeps the time a consent was first given", () => {
    const given = { email: "2026-01-02T10:00:00Z" };

    expect(contactFields(typed, given, AT).fields.consent.email).toBe("2026-01-02T10:00:00Z");
  });

  test("names each field the server would refuse", () => {
    const bad = { ...typed, name: " ", phones: "call me", emails: "nope", language: "English please" };

    expect(contactFields(bad, {}, AT)).toEqual({
      errors: { name: "required", phones: "invalid", emails: "invalid", language: "invalid" },
    });
    const many = Array.from({ length: 11 }, (_, n) => `a${n}@example.com`).join("\n");
    expect(contactFields({ ...typed, emails: many }).errors).toEqual({ emails: "tooMany" });
  });
});

describe("changedContactFields", () => {
  test("keeps only what differs, lists and consents compared by value", () => {
    const { fields } = contactFields(typed, {}, AT);
    const stored = { ...fields, id: "c1", version: 3 };

    expect(changedContactFields(stored, { ...fields, title: "Owner" })).toEqual({ title: "Owner" });
    expect(changedContactFields(stored, fields)).toEqual({});
  });
});

describe("contacts in order and by name", () => {
  const contact = (id, name, extra = {}) => ({ id, name, is_primary: false, archived_at: null, ...extra });
  const rows = [
    contact("1", "Dan Pop"),
    contact("2", "Ștefan Ene", { is_primary: true }),
    contact("3", "Ana Dan"),
    contact("4", "Dana Gone", { archived_at: AT }),
  ];

  test("an account's list: the primary first, then by name, deleted ones left out", () => {
    expect(contactsInOrder([...rows]).map((row) => row.id)).toEqual(["2", "3", "1"]);
  });

  test("shows one primary: the one made primary on this device before the server clears the other", () => {
    const mine = contact("5", "Bogdan", { is_primary: true, pending: true });

    const shown = contactsInOrder([...rows, mine]);

    expect(shown.filter((row) => row.is_primary).map((row) => row.id)).toEqual(["5"]);
    expect(shown.map((row) => row.id)).toEqual(["5", "3", "1", "2"]);
  });

  test("the search finds a part of the name in any case, with or without accents", () => {
    expect(contactsNamed(rows, "DAN").map((row) => row.id)).toEqual(["3", "1"]);
    expect(contactsNamed(rows, "stefan").map((row) => row.id)).toEqual(["2"]);
    expect(contactsNamed(rows, "  ")).toEqual([]);
  });
});

describe("a contact in the outbox", () => {
  const data = { id: "c1", account_id: "a1", name: "Ioana Marin", phones: ["0722 000 111"] };
  const mutation = (id, op, changes, extra = {}) => ({ id, op, data: changes, at: AT, ...extra });

  test("every contact op targets the contact row", () => {
    for (const op of ["contact.create", "contact.update", "contact.archive"])
      expect(targetOf(mutation(1, op, { id: "c1" }))).toEqual({ entity: "contact", id: "c1" });
  });

  test("a contact made offline shows at once with the server's defaults", () => {
    const row = rebaseRow("contact", "c1", undefined, [mutation(1, "contact.create", data)]);

    expect(row).toMatchObject({
      ...data,
      title: "",
      emails: [],
      is_primary: false,
      archived_at: null,
      pending: true,
    });
    expect(row.consent).toEqual({ email: null, sms: null, phone: null });
  });

  test("an edit shows on the server's copy until sent, and a refused one is taken back", () => {
    const stored = { ...data, title: "Buyer", version: 2 };
    const edit = mutation(2, "contact.update", { id: "c1", title: "Owner" }, { base_version: 2 });
    edit.undo = undoOf(stored, edit.data);

    const shown = rebaseRow("contact", "c1", stored, [edit]);

    expect(shown).toMatchObject({ title: "Owner", pending: true });
    expect(withdrawn("contact", shown, edit, [])).toMatchObject({ title: "Buyer", pending: false });
  });

  test("a delete hides the contact at once, and a refused one brings it back", () => {
    const stored = { ...data, archived_at: null, version: 2 };
    const archive = mutation(3, "contact.archive", { id: "c1" });
    archive.undo = undoOf(stored, { archived_at: null });

    const shown = applyMutation(stored, archive);

    expect(shown.archived_at).toBe(AT);
    expect(contactsInOrder([shown])).toEqual([]);
    expect(withdrawn("contact", shown, archive, []).archived_at).toBeNull();
  });
});

describe("the contact strings", () => {
  const placeholders = (text) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();
  // Said the same way in these languages.
  const SAME = new Set(["contact.consent.sms", "contact.consent.email"]);

  test.each(languages.map(({ code }) => code))(
    "has every English key with the same placeholders in %s",
    (code) => {
      expect(Object.keys(contacts[code]).sort()).toEqual(Object.keys(contacts.en).sort());
      for (const [key, text] of Object.entries(contacts.en))
        expect(placeholders(contacts[code][key]), key).toEqual(placeholders(text));
    },
  );

  test("translates every string", () => {
    for (const { code } of languages.filter(({ code }) => code !== "en")) {
      const same = Object.keys(contacts.en).filter(
        (key) => !SAME.has(key) && contacts[code][key] === contacts.en[key],
      );
      expect(same, code).toEqual([]);
    }
  });
});
