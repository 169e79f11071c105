import { describe, expect, test } from "vitest";
import { languages } from "../src/i18n.js";
import notes from "../src/locales/notes.js";
import { MAX_NOTE_CHARS, accountHistory, noteBody } from "../src/shared/notes.js";
import { rebaseRow, targetOf, withdrawn } from "../src/sync/logic.js";

const create = (id, data) => ({ id, op: "note.create", data, at: "2026-11-23T09:30:00.000Z" });

describe("noteBody", () => {
  const typed = { id: "n1", accountId: "a1", writtenAt: "2026-11-23T09:30:00.000Z" };

  test("is the note.create data with the text trimmed and the time it was written", () => {
    expect(noteBody({ ...typed, text: "  Owner wants the spring catalogue\n" })).toEqual({
      data: {
        id: "n1",
        account_id: "a1",
        body: "Owner wants the spring catalogue",
        written_at: "2026-11-23T09:30:00.000Z",
      },
    });
  });

  test("keeps the lines of a dictated note", () => {
    expect(noteBody({ ...typed, text: "First line\nSecond line" }).data.body).toBe("First line\nSecond line");
  });

  test("refuses a note of nothing but blanks", () => {
    expect(noteBody({ ...typed, text: " \n\t " })).toEqual({ error: "empty" });
  });

  test("refuses a note longer than the server takes", () => {
    expect(noteBody({ ...typed, text: "x".repeat(MAX_NOTE_CHARS) }).data.body).toHaveLength(MAX_NOTE_CHARS);
    expect(noteBody({ ...typed, text: "x".repeat(MAX_NOTE_CHARS + 1) })).toEqual({ error: "tooLong" });
  });
});

describe("accountHistory", () => {
  const visit = (id, started_at) => ({ id, started_at, outcome: "met" });
  const note = (id, written_at) => ({ id, written_at, body: id });

  test("puts visits and notes in one list, newest first", () => {
    const visits = [visit("v2", "2026-11-23T11:00:00Z"), visit("v1", "2026-11-21T09:00:00Z")];
    const written = [note("n2", "2026-11-23T12:00:00.000Z"), note("n1", "2026-11-22T08:00:00.000Z")];

    const items = accountHistory(visits, written);

    expect(items.map((item) => [item.kind, item.row.id])).toEqual([
      ["note", "n2"],
      ["visit", "v2"],
      ["note", "n1"],
      ["visit", "v1"],
    ]);
  });

  test("orders by instant, not by how the time is written", () => {
    // As text "…00Z" sorts after "…00.500Z"; as instants it is half a second earlier.
    const device = note("mine", "2026-11-23T09:30:00.500Z");
    const server = note("theirs", "2026-11-23T09:30:00Z");

    expect(accountHistory([], [server, device]).map((item) => item.row.id)).toEqual(["mine", "theirs"]);
  });

  test("keeps the newest `limit` items", () => {
    const visits = [visit("v1", "2026-11-20T09:00:00Z")];
    const written = [note("n1", "2026-11-22T09:00:00Z"), note("n2", "2026-11-21T09:00:00Z")];

    expect(accountHistory(visits, written, 2).map((item) => item.row.id)).toEqual(["n1", "n2"]);
  });

  test("is empty for an account with neither", () => {
    expect(accountHistory([], [])).toEqual([]);
  });
});

describe("a note in the outbox", () => {
  const data = {
    id: "n1",
    account_id: "a1",
    body: "Call before noon",
    written_at: "2026-11-23T09:30:00.000Z",
  };

  test("targets the note row it creates", () => {
    expect(targetOf(create(1, data))).toEqual({ entity: "note", id: "n1" });
  });

  test("shows as waiting until the server's copy comes back", () => {
    expect(rebaseRow("note", "n1", undefined, [create(1, data)])).toEqual({ ...data, pending: true });
  });

  test("gives way to the server's copy once the server has it", () => {
    const stored = { ...data, author_id: "u1", created_at: "2026-11-23T09:31:00Z", version: 1 };

    expect(rebaseRow("note", "n1", stored, [create(1, data)])).toBe(stored);
  });

  test("refused by the server, leaves nothing on the device", () => {
    expect(withdrawn("note", { ...data, pending: true }, create(1, data), [])).toBeUndefined();
  });
});

describe("the note strings", () => {
  const placeholders = (text) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

  test.each(languages.map(({ code }) => code))(
    "has every English key with the same placeholders in %s",
    (code) => {
      expect(Object.keys(notes[code]).sort()).toEqual(Object.keys(notes.en).sort());
      for (const [key, text] of Object.entries(notes.en))
        expect(placeholders(notes[code][key]), key).toEqual(placeholders(text));
    },
  );

  test("translates every string", () => {
    for (const { code } of languages.filter(({ code }) => code !== "en")) {
      const same = Object.keys(notes.en).filter((key) => notes[code][key] === notes.en[key]);
      expect(same, code).toEqual([]);
    }
  });
});
