// Visits in progress: a check-in and what the rep has entered since, kept on the device until
// Check out or Cancel, so a reload (iOS discarding a backgrounded tab, an app update) comes back
// to the visit instead of losing it. One entry per account, all under one key of "meta", so
// logging out or another user taking over drops them with the rest of the device's state.
import { withDb } from "./db.js";

/** meta: {[account_id]: draft}, a draft being {id, account_id, account_name, started_at, ...}. */
export const DRAFTS_KEY = "visit_drafts";
/** Fired on window after a visit was started or cancelled on this device. */
export const VISIT_DRAFT_EVENT = "wp-visit-draft-change";
const SAVE_DELAY_MS = 300;

/** Check out found its visit no longer in progress: saved or cancelled already (another tab). */
export class DraftGone extends Error {
  constructor() {
    super("visit no longer in progress");
    this.name = "DraftGone";
  }
}

/** `drafts` with `draft` as its account's visit in progress. */
export function withDraft(drafts, draft) {
  return { ...drafts, [draft.account_id]: draft };
}

/** `drafts` without visit `id` at `accountId` (unchanged when that is not the one there). */
export function withoutDraft(drafts, accountId, id) {
  if (drafts?.[accountId]?.id !== id) return drafts ?? {};
  const rest = { ...drafts };
  delete rest[accountId];
  return rest;
}

/** The visits in progress at accounts other than `accountId`, oldest check-in first. */
export function draftsElsewhere(drafts, accountId) {
  return Object.values(drafts ?? {})
    .filter((draft) => draft.account_id !== accountId)
    .sort((a, b) => a.started_at.localeCompare(b.started_at));
}

const changed = () =>
  typeof window !== "undefined" && window.dispatchEvent(new CustomEvent(VISIT_DRAFT_EVENT));

// Read, change and write the drafts in one strict transaction: tabs take turns, and a draft
// written is on disk when the promise resolves.
async function change(edit) {
  return withDb(async (db) => {
    const tx = db.transaction("meta", "readwrite", { durability: "strict" });
    const before = (await tx.store.get(DRAFTS_KEY)) ?? {};
    const after = edit(before);
    await Promise.all([after === before ? Promise.resolve() : tx.store.put(after, DRAFTS_KEY), tx.done]);
    return after !== before;
  });
}

/** Every visit in progress on this device, by account id. */
export async function loadDrafts() {
  return (await withDb((db) => db.get("meta", DRAFTS_KEY))) ?? {};
}

/** A visit just checked in: it becomes its account's visit in progress. */
export async function startDraft(draft) {
  await change((drafts) => withDraft(drafts, draft));
  changed();
}

/** What the rep entered since; false (and nothing written) when the visit is no longer in progress. */
export async function updateDraft(draft) {
  return change((drafts) => (drafts[draft.account_id]?.id === draft.id ? withDraft(drafts, draft) : drafts));
}

/** Cancel visit `id` at `accountId` (a newer visit there, from another tab, stays). */
export async function discardDraft(accountId, id) {
  await change((drafts) => withoutDraft(drafts, accountId, id));
  changed();
}

/** Log out: no visit of this user stays in progress on the device. */
export async function discardAllDrafts() {
  await withDb((db) => db.delete("meta", DRAFTS_KEY));
  changed();
}

/**
 * The step that ends visit `id` at `accountId`, for the outbox transaction that saves it (see
 * record's `also`): it takes the draft out, or throws DraftGone before writing anything when the
 * visit is no longer in progress, so the same visit is never saved twice.
 */
export function takeDraft(accountId, id) {
  return async (tx) => {
    const meta = tx.objectStore("meta");
    const drafts = (await meta.get(DRAFTS_KEY)) ?? {};
    if (drafts[accountId]?.id !== id) throw new DraftGone();
    await meta.put(withoutDraft(drafts, accountId, id), DRAFTS_KEY);
  };
}

/**
 * Writes a visit's draft as the rep types: the latest version only, after a short pause
 * (at once on flush()), one write at a time and in order, the first being startDraft's.
 */
export class DraftKeeper {
  constructor({ start = startDraft, update = updateDraft, delayMs = SAVE_DELAY_MS } = {}) {
    Object.assign(this, { startWrite: start, updateWrite: update, delayMs });
    this.pending = null;
    this.timer = null;
    this.last = Promise.resolve();
  }

  /** A new visit: written before any later change to it. */
  start(draft) {
    this.drop();
    return this.chain(() => this.startWrite(draft));
  }

  /** The visit as it is now; written after a pause unless something newer comes first. */
  keep(draft) {
    this.pending = draft;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), this.delayMs);
  }

  /** Write what waits now; resolves once every write asked so far is done. */
  flush() {
    clearTimeout(this.timer);
    const draft = this.pending;
    this.pending = null;
    return draft ? this.chain(() => this.updateWrite(draft)) : this.last;
  }

  /** Forget what waits (checked out or cancelled); resolves once the writes under way are done. */
  drop() {
    clearTimeout(this.timer);
    this.pending = null;
    return this.last;
  }

  chain(write) {
    // A failed write must not stop the later ones: the next keep() writes everything again.
    this.last = this.last.then(write).catch((error) => console.warn("visit draft not saved", error));
    return this.last;
  }
}
