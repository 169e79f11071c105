// A note as the API takes it, and an account's history of visits and notes; DOM-free.

/** The longest note the server takes, in characters. */
export const MAX_NOTE_CHARS = 10000;

/**
 * The data of one `note.create` mutation from what the rep typed or dictated, or
 * `{error}` ("empty" or "tooLong") when the server would refuse it.
 */
export function noteBody({ id, accountId, text, writtenAt }) {
  const body = text.trim();
  if (!body) return { error: "empty" };
  if (body.length > MAX_NOTE_CHARS) return { error: "tooLong" };
  return { data: { id, account_id: accountId, body, written_at: writtenAt } };
}

const timeOf = (item) => Date.parse(item.at) || 0;

/**
 * An account's visits and notes as one list, newest first (a visit at its check-in, a note
 * when it was written), at most `limit` items: `{kind: "visit" | "note", at, row}`.
 */
export function accountHistory(visits, notes, limit = 50) {
  const items = [
    ...visits.map((row) => ({ kind: "visit", at: row.started_at, row })),
    ...notes.map((row) => ({ kind: "note", at: row.written_at, row })),
  ];
  // Times compared as instants: the device writes "...:00.123Z", the server "...:00.123000Z".
  items.sort((a, b) => timeOf(b) - timeOf(a) || String(b.row.id).localeCompare(String(a.row.id)));
  return items.slice(0, limit);
}
