// The sync engine's pure rules, DOM-free so they are unit-tested in node: which mutations go in one
// push, how long to wait after a failure, how a pending mutation shows on top of the server's row
// (the "rebase"), and the convergence checksum.

/** The request limits we keep well inside of (the server takes 1,000 mutations or 1 MB). */
export const BATCH_LIMITS = { count: 100, bytes: 256 * 1024 };

const encoder = new TextEncoder();
const byteLength = (value) => encoder.encode(JSON.stringify(value)).length;

/**
 * The first push of `entries` (outbox order): as many as fit in `count` mutations and `bytes`
 * of JSON. A single mutation bigger than `bytes` still goes alone, so it can never block the
 * queue here; the server answers for it (413 or rejected).
 */
export function firstBatch(entries, { count = BATCH_LIMITS.count, bytes = BATCH_LIMITS.bytes } = {}) {
  const batch = [];
  let size = 2; // the brackets of the array
  for (const entry of entries) {
    const entrySize = byteLength(entry) + 1;
    if (batch.length === count || (batch.length > 0 && size + entrySize > bytes)) break;
    batch.push(entry);
    size += entrySize;
  }
  return batch;
}

/** An outbox entry as the push body carries it. */
export function wireMutation(entry) {
  const wire = { id: entry.id, op: entry.op, data: entry.data, at: entry.at };
  if (entry.base_version !== undefined && entry.base_version !== null) wire.base_version = entry.base_version;
  return wire;
}

/** Seconds or an HTTP date in a Retry-After header, as milliseconds from `now`; null if absent. */
export function parseRetryAfter(header, now = Date.now()) {
  if (header === null || header === undefined || header === "") return null;
  const text = String(header).trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const when = Date.parse(text);
  return Number.isNaN(when) ? null : Math.max(0, when - now);
}

/** Backoff settings: 1 s doubling to 5 minutes. */
export const BACKOFF = { baseMs: 1000, maxMs: 5 * 60 * 1000 };

/**
 * The wait before retry number `attempt` (1 for the first retry): exponential, capped, with
 * "equal jitter" (half fixed, half random) so a team's phones coming back online together do not
 * retry in step; never shorter than what the server asked for in Retry-After.
 */
export function backoffDelay(
  attempt,
  { retryAfterMs = null, random = Math.random, baseMs = BACKOFF.baseMs, maxMs = BACKOFF.maxMs } = {},
) {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  const delay = ceiling / 2 + random() * (ceiling / 2);
  return Math.round(Math.max(delay, retryAfterMs ?? 0));
}

/** Which local store and row a mutation touches. */
export function targetOf(mutation) {
  if (mutation.op === "visit.create") return { entity: "visit", id: mutation.data.id };
  if (mutation.op === "account.create" || mutation.op === "account.update")
    return { entity: "account", id: mutation.data.id };
  if (mutation.op === "task.create" || mutation.op === "task.update")
    return { entity: "task", id: mutation.data.id };
  if (mutation.op === "note.create") return { entity: "note", id: mutation.data.id };
  if (mutation.op.startsWith("contact.")) return { entity: "contact", id: mutation.data.id };
  return null;
}

/** `row` (the server's copy, or undefined) with one mutation of ours applied on top. */
export function applyMutation(row, mutation) {
  const { op, data } = mutation;
  // A create the server already has (its row carries a version) is done: the server's row wins.
  const created = Number.isInteger(row?.version) && !row.pending;
  if (op === "visit.create")
    return created ? row : { ...data, verification: null, verified: null, pending: true };
  if (op === "account.create" || op === "note.create") return created ? row : { ...data, pending: true };
  // A task given by a manager shows at once, open, with the defaults the server will give it.
  if (op === "task.create")
    return created
      ? row
      : {
          notes: "",
          priority: "normal",
          due_at: null,
          account_id: null,
          ...data,
          status: "open",
          pending: true,
        };
  // A contact made here shows at once, with the server's defaults for what the form left out.
  if (op === "contact.create")
    return created
      ? row
      : {
          title: "",
          phones: [],
          emails: [],
          language: null,
          notes: "",
          consent: { email: null, sms: null, phone: null },
          is_primary: false,
          archived_at: null,
          ...data,
          pending: true,
        };
  if (op === "contact.archive")
    return row && { ...row, archived_at: row.archived_at ?? mutation.at, pending: true };
  if (op === "account.update" || op === "task.update" || op === "contact.update") {
    if (!row) return row; // a row this device has not seen: nothing to show
    const { id: _id, ...changes } = data;
    return { ...row, ...changes, pending: true };
  }
  return row;
}

/**
 * What an edit changes, as it was before: the fields of `data` (its id aside) with their values
 * in `row`, kept on the device with the mutation so a refused edit can be taken back.
 */
export function undoOf(row, data) {
  if (!row) return null;
  const { id: _id, ...changes } = data;
  return Object.fromEntries(Object.keys(changes).map((field) => [field, row[field] ?? null]));
}

/**
 * `row` after the server refused `mutation`: an edit's fields back as they were, a create gone
 * (undefined), then the rep's other pending mutations re-applied on top.
 */
export function withdrawn(entity, row, mutation, pending) {
  let result = row;
  if (mutation.op.endsWith(".create")) result = undefined;
  else if (row && mutation.undo) result = { ...row, ...mutation.undo, pending: false };
  const id = targetOf(mutation).id;
  return rebaseRow(entity, id, result, pending);
}

/**
 * The server's `row` of `entity` with every still-pending mutation for it re-applied in order,
 * so a pull never makes a change the rep made (and the server has not acknowledged) disappear.
 * `row` undefined means the server has no such row (a delete): a pending create brings it back.
 */
export function rebaseRow(entity, id, row, pending) {
  let result = row;
  for (const mutation of pending) {
    const target = targetOf(mutation);
    if (target && target.entity === entity && target.id === id) result = applyMutation(result, mutation);
  }
  return result;
}

/** The mutations in `pending` still waiting after the server acknowledged up to `lastMutationId`. */
export function stillPending(pending, lastMutationId) {
  return pending.filter((mutation) => mutation.id > lastMutationId);
}

/** Checksum sums wrap at 64 bits, as the server's do. */
const DIGEST_MASK = (1n << 64n) - 1n;

/** One row's digest: the first 8 bytes of SHA-256("<id>:<version>") (lowercase id), big-endian. */
export async function rowDigest(id, version) {
  const text = `${String(id).toLowerCase()}:${version}`;
  const digest = await globalThis.crypto.subtle.digest("SHA-256", encoder.encode(text));
  return new DataView(digest).getBigUint64(0);
}

/**
 * The hash GET /sync/checksum gives for one entity: the rows' digests summed mod 2^64, as 16
 * lowercase hex digits. A sum needs no order, so the server adds up digests it stores per row.
 */
export async function checksumHash(rows) {
  const digests = await Promise.all(rows.map((row) => rowDigest(row.id, row.version)));
  const total = digests.reduce((sum, digest) => (sum + digest) & DIGEST_MASK, 0n);
  return total.toString(16).padStart(16, "0");
}

/** The local counterpart of one entity's checksum: rows the server knows (they have a version). */
export async function localChecksum(rows) {
  const synced = rows.filter((row) => Number.isInteger(row.version));
  return { count: synced.length, hash: await checksumHash(synced) };
}

/** How the engine treats a failed call: "offline", "auth", "retry" (with a server hint) or "fatal". */
export function classifyFailure(error) {
  if (!error?.status) return "offline";
  if (error.status === 401) return "auth";
  if (error.status === 429 || error.status >= 500) return "retry";
  if (error.status === 413) return "split";
  return "fatal";
}
