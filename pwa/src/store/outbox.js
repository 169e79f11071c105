// The outbox: every change the rep makes is one mutation, written in ONE strict IndexedDB
// transaction together with the optimistic local row and the device's mutation counter, so an id
// is never used twice or skipped (IndexedDB serialises write transactions across tabs) and
// "Saved on device" is true when it is shown. Mutations leave the outbox only when the server
// acknowledges them (push or pull `last_mutation_id`), never on an error.
import { applyMutation, rebaseRow, stillPending, targetOf, undoOf, withdrawn } from "../sync/logic.js";
import { SYNCED_STORES, withDb } from "./db.js";
import { trackSnapshot } from "./snapshot.js";
import { DRAFTS_KEY } from "./visit-draft.js";

// meta: {client_id, user_id, next_id, cursor, snapshot_open, last_synced_at, ...}
const SYNC_KEY = "sync";
const STORE_OF = SYNCED_STORES;
const ROW_STORES = Object.values(STORE_OF);
/** Fired on window after the outbox, the local rows or the sync state changed (any tab's own). */
export const OUTBOX_EVENT = "wp-outbox-change";

const changed = () => typeof window !== "undefined" && window.dispatchEvent(new CustomEvent(OUTBOX_EVENT));

/** The device's sync state for the logged-in user (undefined before anyone logged in). */
export async function syncState() {
  return withDb((db) => db.get("meta", SYNC_KEY));
}

/** Merge `fields` into the sync state (last sync time, last error...), when a user is bound. */
export async function updateSyncState(fields) {
  await withDb(async (db) => {
    const tx = db.transaction("meta", "readwrite");
    const state = await tx.store.get(SYNC_KEY);
    // None: the device was cleared at a logout (in another tab, maybe) after this sync began.
    await Promise.all([state ? tx.store.put({ ...state, ...fields }, SYNC_KEY) : Promise.resolve(), tx.done]);
  });
  changed();
}

/**
 * Make this device sync as `user`. The same user keeps their client id and counter. Another user
 * gets a fresh client id (the server ties one to one user) and none of the previous user's
 * rows, but only when the outbox is empty: otherwise `{blocked: n, previous}` comes back and
 * nothing changes until the previous user sends their changes or they are discarded.
 */
export async function bindUser(user, { discard = false } = {}) {
  const result = await withDb(async (db) => {
    const stores = ["meta", "outbox", "conflicts", ...ROW_STORES];
    const tx = db.transaction(stores, "readwrite", { durability: "strict" });
    const state = await tx.objectStore("meta").get(SYNC_KEY);
    if (state?.user_id === user.id) return tx.done.then(() => ({ state }));
    const waiting = await tx.objectStore("outbox").count();
    if (waiting > 0 && !discard)
      return tx.done.then(() => ({ blocked: waiting, previous: state?.user_name ?? "" }));
    if (state) {
      await Promise.all([
        ...["outbox", "conflicts", ...ROW_STORES].map((name) => tx.objectStore(name).clear()),
        tx.objectStore("meta").delete(DRAFTS_KEY), // the previous user's visits in progress
      ]);
    }
    const fresh = {
      client_id: crypto.randomUUID(),
      user_id: user.id,
      user_name: user.name,
      next_id: 1,
      cursor: null,
    };
    await Promise.all([tx.objectStore("meta").put(fresh, SYNC_KEY), tx.done]);
    return { state: fresh };
  });
  changed();
  return result;
}

/**
 * Record one user action: the mutation `op` with `data` (and `base_version` for an edit) goes
 * into the outbox and its optimistic row into the local store, in one strict transaction that
 * also advances the counter. Resolves with the outbox entry once the transaction has completed.
 * `also(tx)`, when given, is one more step of the caller's in the same transaction (on the
 * stores named here, "meta" among them); when it throws, nothing is written.
 */
export async function record(op, data, { base_version, also } = {}) {
  const [entry] = await recordAction([{ op, data, base_version }], { also });
  return entry;
}

/**
 * One user action that makes several mutations (a visit that also marks its task done): all of
 * them, in order and with consecutive ids, and their rows, in one strict transaction, so the
 * action is on the device whole or not at all. Resolves with the outbox entries.
 */
export async function recordAction(changes, { also } = {}) {
  const entries = await withDb(async (db) => {
    const targets = changes.map(targetOf);
    const stores = [...new Set(["meta", "outbox", ...targets.map((target) => STORE_OF[target.entity])])];
    const tx = db.transaction(stores, "readwrite", { durability: "strict" });
    const meta = tx.objectStore("meta");
    const state = await meta.get(SYNC_KEY);
    if (!state) throw new Error("no user bound to this device");
    if (also) {
      await also(tx).catch((error) => {
        tx.done.catch(() => {}); // rejects with the abort: the caller gets `error` instead
        try {
          tx.abort();
        } catch {
          // already over, with nothing written
        }
        throw error;
      });
    }
    const at = new Date().toISOString();
    const made = [];
    const writes = [];
    for (const [index, { op, data, base_version }] of changes.entries()) {
      const mutation = { id: state.next_id + index, op, data, at };
      if (base_version !== undefined) mutation.base_version = base_version;
      const rows = tx.objectStore(STORE_OF[targets[index].entity]);
      const before = await rows.get(targets[index].id);
      // Kept on the device only (never sent): what to put back if the server refuses the edit.
      if (op.endsWith(".update")) mutation.undo = undoOf(before, data);
      if (op.endsWith(".archive")) mutation.undo = undoOf(before, { archived_at: null });
      const row = applyMutation(before, mutation);
      writes.push(tx.objectStore("outbox").add(mutation), row ? rows.put(row) : Promise.resolve());
      made.push(mutation);
    }
    await Promise.all([
      ...writes,
      meta.put({ ...state, next_id: state.next_id + made.length }, SYNC_KEY),
      tx.done,
    ]);
    return made;
  });
  changed();
  return entries;
}

/** The first `limit` mutations waiting, in id order. */
export async function waiting(limit = 100) {
  return withDb((db) => db.getAll("outbox", null, limit));
}

export async function waitingCount() {
  return withDb((db) => db.count("outbox"));
}

/**
 * The server acknowledged every mutation up to `lastMutationId`: drop them, put conflicts and
 * rejections in the inbox, and show the server's copy of a conflicting entity (with the rep's
 * other pending changes on top). One transaction, so a crash leaves all of it or none.
 */
export async function acknowledge(lastMutationId, results = []) {
  await withDb(async (db) => {
    const stores = ["outbox", "conflicts", ...ROW_STORES];
    const tx = db.transaction(stores, "readwrite", { durability: "strict" });
    const outbox = tx.objectStore("outbox");
    const sent = await outbox.getAll(IDBKeyRange.upperBound(lastMutationId));
    const left = await outbox.getAll(IDBKeyRange.lowerBound(lastMutationId, true));
    const writes = [outbox.delete(IDBKeyRange.upperBound(lastMutationId))];
    const resultOf = new Map(results.map((result) => [result.id, result]));
    for (const mutation of sent) {
      const result = resultOf.get(mutation.id) ?? { id: mutation.id, status: "applied" };
      if (result.status === "conflict" || result.status === "rejected") {
        writes.push(
          tx.objectStore("conflicts").put({ ...result, mutation, seen_at: new Date().toISOString() }),
        );
      }
      const target = targetOf(mutation);
      if (!target) continue;
      const rows = tx.objectStore(STORE_OF[target.entity]);
      if (result.entity) {
        writes.push(rows.put(rebaseRow(target.entity, target.id, result.entity, left)));
      } else if (result.status === "rejected") {
        // The server will never have this change: take it back (the rep's later ones stay).
        const row = withdrawn(target.entity, await rows.get(target.id), mutation, left);
        writes.push(row ? rows.put(row) : rows.delete(target.id));
      } else if (target.entity === "visit" || target.entity === "note") {
        // Sent: no longer waiting (a visit is verified when the server's row comes back in a pull).
        const row = await rows.get(target.id);
        if (row?.pending) writes.push(rows.put({ ...row, pending: false }));
      }
    }
    await Promise.all([...writes, tx.done]);
  });
  changed();
}

/**
 * Store one pull page, pulled from `from` (the cursor sent, null for a full snapshot): the
 * server's rows with our pending mutations re-applied on top, the acknowledged mutations
 * dropped, the rows a finished snapshot left out forgotten (see snapshot.js), and the cursor, all
 * in one transaction, so the cursor never runs ahead of the rows it stands for. A page pulled
 * from a cursor the device no longer has (a resync meanwhile), or pulled for a user the device
 * has forgotten since (a logout in another tab), is dropped: resolves false.
 */
export async function storePull(page, from = null) {
  const stored = await withDb(async (db) => {
    const stores = ["meta", "outbox", ...ROW_STORES];
    const tx = db.transaction(stores, "readwrite", { durability: "strict" });
    const meta = tx.objectStore("meta");
    const state = await meta.get(SYNC_KEY);
    if (!state || (state.cursor ?? null) !== from) return tx.done.then(() => false);
    const outbox = tx.objectStore("outbox");
    const acknowledged = Number.isInteger(page.last_mutation_id) ? page.last_mutation_id : 0;
    const pending = stillPending(await outbox.getAll(), acknowledged);
    const writes = acknowledged > 0 ? [outbox.delete(IDBKeyRange.upperBound(acknowledged))] : [];
    for (const change of page.changes) {
      const store = STORE_OF[change.entity];
      if (!store) continue; // an entity this version of the app does not keep
      const id = change.data.id;
      const row = rebaseRow(change.entity, id, change.op === "delete" ? undefined : change.data, pending);
      writes.push(row ? tx.objectStore(store).put(row) : tx.objectStore(store).delete(id));
    }
    const targets = new Set(
      pending
        .map(targetOf)
        .filter(Boolean)
        .map(({ entity, id }) => `${entity}:${id}`),
    );
    const waiting = (entity, row) => Boolean(row.pending) || targets.has(`${entity}:${row.id}`);
    const open = await trackSnapshot(tx, page, {
      starts: from === null,
      open: Boolean(state?.snapshot_open),
      waiting,
    });
    writes.push(meta.put({ ...state, cursor: page.cursor, snapshot_open: open }, SYNC_KEY));
    await Promise.all([...writes, tx.done]);
    return true;
  });
  if (stored) changed();
  return stored;
}

/**
 * What became of mutation `id`: null while it waits, its inbox item (conflict or rejected) when
 * the server did not apply it, else `{status: "applied"}` (or the rep already closed its item).
 */
export async function outcomeOf(id) {
  return withDb(async (db) => {
    const tx = db.transaction(["outbox", "conflicts"]);
    const [waitingEntry, item] = await Promise.all([
      tx.objectStore("outbox").get(id),
      tx.objectStore("conflicts").get(id),
    ]);
    if (waitingEntry) return null;
    return item ?? { id, status: "applied" };
  });
}

/** The conflicts and rejections the rep has not resolved yet, oldest first. */
export async function inbox() {
  return withDb((db) => db.getAll("conflicts"));
}

/** Close an inbox item (take theirs, or a rejection read); the server's copy stays shown. */
export async function dismiss(id) {
  await withDb((db) => db.delete("conflicts", id));
  changed();
}

/** Discard every mutation waiting (the rep chose to, after a warning). */
export async function discardWaiting() {
  await withDb((db) => db.clear("outbox"));
  changed();
}
