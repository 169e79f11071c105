// Forgetting what a full snapshot leaves out. A pull without a cursor lists the user's whole
// working set, over as many pages as it takes, and the device may go offline, be reloaded or be
// closed between two of them. So when the first page is stored, every synced row the device
// holds without a change of ours waiting becomes a candidate, kept in "meta" under
// ["snapshot", entity, id]; each page stored takes the rows it lists off; the last page's
// transaction drops the candidates left (unless a change of ours came meanwhile) and the list.
// Rows that arrive during the snapshot by other ways (a change of ours the server acknowledged,
// an account list read online) were never candidates: the pulls after the snapshot settle them.
import { SYNCED_STORES } from "./db.js";

const PREFIX = "snapshot";
const candidateKey = (entity, id) => [PREFIX, entity, id];
// Every candidate key: arrays sort after strings, and [] after any id.
const allCandidates = () => IDBKeyRange.bound([PREFIX], [PREFIX, []]);

/** The rows a page lists, as "entity:id" -> [entity, id] (a snapshot has no tombstones). */
export function listedIn(page) {
  const listed = new Map();
  for (const { entity, op, data } of page.changes)
    if (op !== "delete") listed.set(`${entity}:${data.id}`, [entity, data.id]);
  return listed;
}

/**
 * The snapshot bookkeeping of one pull page, inside the transaction that stores it (which holds
 * "meta" and every synced store). `starts`: the page was pulled without a cursor; `open`: a
 * snapshot was under way before it; `waiting(entity, row)`: the row has a change of ours not yet
 * acknowledged. Resolves with whether a snapshot is still under way after this page.
 */
export async function trackSnapshot(tx, page, { starts, open, waiting }) {
  if (!starts && !open) return false;
  const meta = tx.objectStore("meta");
  const listed = listedIn(page);
  const unlisted = ([entity, id]) => !listed.has(`${entity}:${id}`);
  if (!page.has_more) {
    const candidates = starts ? await heldRows(tx, waiting) : await storedCandidates(meta);
    await Promise.all(
      candidates.filter(unlisted).map(([entity, id]) => forgetUnlessWaiting(tx, entity, id, waiting)),
    );
    await meta.delete(allCandidates());
    return false;
  }
  if (starts) {
    const candidates = (await heldRows(tx, waiting)).filter(unlisted);
    await meta.delete(allCandidates()); // left by a snapshot abandoned for a new one (a resync)
    await Promise.all(candidates.map(([entity, id]) => meta.put(true, candidateKey(entity, id))));
  } else {
    await Promise.all([...listed.values()].map(([entity, id]) => meta.delete(candidateKey(entity, id))));
  }
  return true;
}

// [entity, id] of every synced row held without a change of ours waiting.
async function heldRows(tx, waiting) {
  const held = [];
  for (const [entity, store] of Object.entries(SYNCED_STORES)) {
    for (const row of await tx.objectStore(store).getAll())
      if (!waiting(entity, row)) held.push([entity, row.id]);
  }
  return held;
}

async function storedCandidates(meta) {
  const keys = await meta.getAllKeys(allCandidates());
  return keys.map(([, entity, id]) => [entity, id]);
}

async function forgetUnlessWaiting(tx, entity, id, waiting) {
  const store = SYNCED_STORES[entity];
  if (!store) return; // a store this version of the app no longer keeps
  const rows = tx.objectStore(store);
  const row = await rows.get(id);
  if (row && !waiting(entity, row)) await rows.delete(id);
}
