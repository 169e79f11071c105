// withDb() when the IndexedDB connection dies under the page (iOS: "Connection to Indexed
// Database server lost"): the real store code over an in-memory IndexedDB whose connections the
// test can kill, silently (the next request fails) or for good (every new connection dies too).
import "fake-indexeddb/auto";
import { IDBFactory, forceCloseDatabase } from "fake-indexeddb";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";

const VISIT = { id: "v1", account_id: "a1", started_at: "2026-11-23T09:00:00Z", outcome: "met" };

// An IndexedDB whose connections can be lost: `dropConnections()` closes every open one without
// telling the page (as iOS does to a backgrounded app), `crash()` closes them as the browser does
// when its storage goes away and keeps closing each new one, until `recover()`.
function losableIndexedDB() {
  const factory = new IDBFactory();
  const connections = [];
  let crashed = false;
  const indexedDB = {
    open(name, version) {
      const request = factory.open(name, version);
      request.addEventListener("success", () =>
        crashed ? forceCloseDatabase(request.result) : connections.push(request.result),
      );
      return request;
    },
    deleteDatabase: (name) => factory.deleteDatabase(name),
    databases: () => factory.databases(),
    cmp: (a, b) => factory.cmp(a, b),
  };
  return {
    indexedDB,
    opened: () => connections.length,
    dropConnections: () => connections.forEach((connection) => connection.close()),
    crash() {
      crashed = true;
      connections.forEach(forceCloseDatabase);
    },
    recover: () => (crashed = false),
  };
}

// What a newer app does: open the database at a higher version (this page's connection is asked
// to go, and goes), then close it again.
function upgradeFromAnotherTab(indexedDB) {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open("waypoint", 99);
    request.onsuccess = () => resolve(request.result.close());
    request.onerror = () => reject(request.error);
  });
}

let storage;
let store; // ../src/store/outbox.js, loaded fresh for each test with its own connection
let db; // ../src/store/db.js, the same module instance the outbox uses
let lost; // DB_LOST_EVENTs dispatched

beforeEach(async () => {
  storage = losableIndexedDB();
  globalThis.indexedDB = storage.indexedDB;
  globalThis.window = new EventTarget();
  vi.resetModules();
  db = await import("../src/store/db.js");
  store = await import("../src/store/outbox.js");
  lost = 0;
  window.addEventListener(db.DB_LOST_EVENT, () => (lost += 1));
  await store.bindUser({ id: "u1", name: "Rep" });
});

afterEach(() => {
  delete globalThis.window;
});

describe("withDb", () => {
  test("reopens a connection that died silently and the change is saved", async () => {
    storage.dropConnections();

    const entry = await store.record("visit.create", VISIT);

    expect(entry.id).toBe(1);
    expect(await store.waitingCount()).toBe(1);
    expect(storage.opened()).toBe(2);
    expect(lost).toBe(0);
  });

  test("reopens once, then gives up and asks for a reload when the storage stays lost", async () => {
    storage.crash();
    let tries = 0;

    const saving = db.withDb(async (connection) => {
      tries += 1;
      return connection.put("meta", "value", "key");
    });

    await expect(saving).rejects.toMatchObject({ name: "InvalidStateError" });
    expect(tries).toBe(2);
    expect(lost).toBe(1);
  });

  test("a change made while the storage is lost is refused, not half saved", async () => {
    storage.crash();

    await expect(store.record("visit.create", VISIT)).rejects.toThrow();

    storage.recover();
    expect(await store.waitingCount()).toBe(0);
    expect((await store.syncState()).next_id).toBe(1);
  });

  test("works again on the next call once the storage is back", async () => {
    storage.crash();
    await expect(store.syncState()).rejects.toThrow();

    storage.recover();
    const entry = await store.record("visit.create", VISIT);

    expect(entry.id).toBe(1);
    expect(await store.waitingCount()).toBe(1);
  });

  test("asks for a reload when a newer app version in another tab upgraded the database", async () => {
    await upgradeFromAnotherTab(storage.indexedDB);

    await expect(store.record("visit.create", VISIT)).rejects.toMatchObject({ name: "VersionError" });
    expect(lost).toBe(1);
  });

  test("throws other errors at once, without reopening or asking for a reload", async () => {
    await store.record("visit.create", VISIT);
    let tries = 0;

    const adding = db.withDb(async (connection) => {
      tries += 1;
      return connection.add("outbox", { id: 1, op: "visit.create", data: VISIT });
    });

    await expect(adding).rejects.toMatchObject({ name: "ConstraintError" });
    expect(tries).toBe(1);
    expect(storage.opened()).toBe(1);
    expect(lost).toBe(0);
  });
});
