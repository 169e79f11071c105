// IndexedDB through idb: the last-seen accounts, the rep's visits, tasks, notes and contacts, the outbox of
// mutations not yet acknowledged by the server, the conflicts inbox and a little state, so the app
// works offline.
// Every call goes through withDb(): iOS kills the IndexedDB server process of a backgrounded app
// ("Connection to Indexed Database server lost"), and the page's connection stays dead; we reopen
// once and, when that fails too, ask the rep to reload.
import { openDB } from "idb";
import { contactsInOrder, contactsNamed } from "../shared/contacts.js";
import { rebaseRow } from "../sync/logic.js";

const DB_NAME = "waypoint";
const VERSION = 5;
/** Fired on window when IndexedDB cannot be reopened: the page must be reloaded. */
export const DB_LOST_EVENT = "wp-db-lost";
/**
 * The synced entities, each with the object store its rows are kept in: pulls, the outbox,
 * forgetting a user, dropping the rows a full snapshot leaves out and the diagnostics' checksums
 * all go by this one list. A store added here is created in upgrade() below.
 */
export const SYNCED_STORES = Object.freeze({
  account: "accounts",
  visit: "visits",
  task: "tasks",
  note: "notes",
  contact: "contacts",
});

let database = null;

function open() {
  database ??= openDB(DB_NAME, VERSION, {
    upgrade(db, oldVersion, _newVersion, transaction) {
      if (oldVersion < 1) {
        db.createObjectStore("accounts", { keyPath: "id" });
        db.createObjectStore("meta");
      }
      if (oldVersion < 2) {
        // Keyed by mutation id: the device's counter, gap-free, so key order is push order.
        db.createObjectStore("outbox", { keyPath: "id" });
        // An account's history reads its newest visits first, a page at a time.
        db.createObjectStore("visits", { keyPath: "id" }).createIndex("account_started", [
          "account_id",
          "started_at",
        ]);
        db.createObjectStore("conflicts", { keyPath: "id" });
      }
      if (oldVersion < 3) {
        // Only adds a store: the accounts, visits and outbox of version 2 stay as they are.
        db.createObjectStore("tasks", { keyPath: "id" });
      }
      if (oldVersion < 4) {
        // An account's history reads its newest notes first, as with visits.
        db.createObjectStore("notes", { keyPath: "id" }).createIndex("account_written", [
          "account_id",
          "written_at",
        ]);
        // Earlier versions skipped the notes a pull brought: the next pull is a full snapshot
        // again (the outbox and every row stay). "sync" is outbox.js's key of the sync state.
        const meta = transaction.objectStore("meta");
        meta.get("sync").then((state) => state && meta.put({ ...state, cursor: null }, "sync"));
      }
      if (oldVersion < 5) {
        // The people at each account; a full snapshot brings those of the working set.
        db.createObjectStore("contacts", { keyPath: "id" }).createIndex("account", "account_id");
        if (oldVersion >= 4) {
          const meta = transaction.objectStore("meta");
          meta.get("sync").then((state) => state && meta.put({ ...state, cursor: null }, "sync"));
        }
      }
    },
    terminated() {
      database = null; // the browser closed the connection (iOS): the next call reopens
    },
  }).then((db) => {
    db.addEventListener("close", () => (database = null));
    db.addEventListener("versionchange", () => {
      db.close(); // a newer app version in another tab wants to upgrade: let it
      database = null;
    });
    return db;
  });
  database.catch(() => (database = null));
  return database;
}

function connectionLost(error) {
  const text = `${error?.name ?? ""} ${error?.message ?? ""}`;
  return /InvalidStateError|UnknownError|connection.*lost|database.*closing/i.test(text);
}

// A newer version of the app upgraded the database from another tab (this page let its
// connection go): only a reload, which brings that version here too, opens it again.
const outdated = (error) => error?.name === "VersionError";

function askToReload() {
  if (typeof window !== "undefined") window.dispatchEvent(new CustomEvent(DB_LOST_EVENT));
}

/** Run `work(db)`; on a lost connection reopen once and retry, then tell the page to reload. */
export async function withDb(work) {
  try {
    return await work(await open());
  } catch (error) {
    if (outdated(error)) askToReload();
    if (!connectionLost(error)) throw error;
    database = null;
    try {
      return await work(await open());
    } catch (again) {
      if (connectionLost(again) || outdated(again)) askToReload();
      throw again;
    }
  }
}

export async function saveAccounts(accounts) {
  return withDb(async (db) => {
    // Rows with a change of ours not yet sent keep that change on top of the server's copy.
    const tx = db.transaction(["accounts", "outbox"], "readwrite", { durability: "strict" });
    const pending = await tx.objectStore("outbox").getAll();
    await Promise.all([
      ...accounts.map((account) =>
        tx.objectStore("accounts").put(rebaseRow("account", account.id, account, pending)),
      ),
      tx.done,
    ]);
  });
}

export async function allAccounts() {
  return withDb((db) => db.getAll("accounts"));
}

export async function getMeta(key) {
  return withDb((db) => db.get("meta", key));
}

export async function setMeta(key, value) {
  return withDb((db) => db.put("meta", value, key));
}

// Every object store there is, so a store added by a later version is forgotten too.
async function clearAll(db, { unlessWaiting }) {
  const stores = [...db.objectStoreNames];
  const tx = db.transaction(stores, "readwrite", { durability: "strict" });
  const waiting = unlessWaiting ? await tx.objectStore("outbox").count() : 0;
  await Promise.all([...(waiting > 0 ? [] : stores.map((name) => tx.objectStore(name).clear())), tx.done]);
  return waiting;
}

/** Everything on this device, the outbox and the sync state included. */
export async function forgetEverything() {
  await withDb((db) => clearAll(db, { unlessWaiting: false }));
}

/**
 * Everything on this device, but only when no change waits to be sent: counted and cleared in
 * one transaction, so a change saved meanwhile (another tab) is never cleared unseen. Resolves
 * with the number of changes waiting: 0 when the device was cleared, else nothing was touched.
 */
export async function forgetUnlessWaiting() {
  return withDb((db) => clearAll(db, { unlessWaiting: true }));
}

// One account, as last seen by this device (the Account screen offline).
export async function getAccount(id) {
  return withDb((db) => db.get("accounts", id));
}

export async function saveAccount(account) {
  return saveAccounts([account]);
}

/** One task of the rep as this device has it (with the rep's unsent changes on top). */
export async function getTask(id) {
  return withDb((db) => db.get("tasks", id));
}

// The newest `limit` rows of one account in `store`, through its [account_id, time] index.
async function newestOf(store, index, accountId, limit) {
  return withDb(async (db) => {
    const range = IDBKeyRange.bound([accountId, ""], [accountId, "\uffff"]);
    const rows = [];
    let cursor = await db.transaction(store).store.index(index).openCursor(range, "prev");
    while (cursor && rows.length < limit) {
      rows.push(cursor.value);
      cursor = await cursor.continue();
    }
    return rows;
  });
}

/** The newest `limit` visits of one account on this device (synced and not yet sent). */
export async function visitsOf(accountId, limit = 50) {
  return newestOf("visits", "account_started", accountId, limit);
}

/** The newest `limit` notes of one account on this device (synced and not yet sent). */
export async function notesOf(accountId, limit = 50) {
  return newestOf("notes", "account_written", accountId, limit);
}

/** One account's live contacts on this device, the primary first, then by name. */
export async function contactsOf(accountId) {
  return contactsInOrder(await withDb((db) => db.getAllFromIndex("contacts", "account", accountId)));
}

/** Live contacts on this device whose name contains `text` (any case or accent), by name. */
export async function searchContacts(text, limit = 20) {
  return contactsNamed(await withDb((db) => db.getAll("contacts")), text).slice(0, limit);
}

export async function allRows(store) {
  return withDb((db) => db.getAll(store));
}

export async function count(store) {
  return withDb((db) => db.count(store));
}
