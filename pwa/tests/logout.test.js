// What a logout leaves on the device, on the real store code over an in-memory IndexedDB: nothing
// of the organisation once every change is sent, everything while one still waits; and which of
// the service worker's caches go with it.
import "fake-indexeddb/auto";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { api } from "../src/api/client.js";
import { forgetCachedAnswers, keptAtLogout } from "../src/store/caches.js";
import { allRows, count, forgetEverything, forgetUnlessWaiting, getMeta, setMeta } from "../src/store/db.js";
import { acknowledge, bindUser, record, storePull, syncState, updateSyncState } from "../src/store/outbox.js";
import { startDraft } from "../src/store/visit-draft.js";

const REP = { id: "u1", name: "Rep" };
const ROW_STORES = ["accounts", "visits", "tasks", "notes", "conflicts", "outbox", "meta"];
const upsert = (entity, data) => ({ entity, op: "upsert", data });
const pageOf = (cursor, ...changes) => ({ changes, cursor, has_more: false, last_mutation_id: 0 });

async function storedCounts() {
  return Object.fromEntries(await Promise.all(ROW_STORES.map(async (store) => [store, await count(store)])));
}

// A rep's device after some work: synced rows, one note sent and refused (in the inbox), a visit
// in progress, the last position.
async function deviceInUse() {
  await bindUser(REP);
  await storePull(
    pageOf(
      "c1",
      upsert("account", { id: "a1", name: "Shop", version: 1 }),
      upsert("task", { id: "t1", title: "Call", version: 1 }),
    ),
  );
  const note = await record("note.create", {
    id: "n1",
    account_id: "a1",
    body: "Hi",
    written_at: "2026-12-01T09:00:00Z",
  });
  await acknowledge(note.id, [{ id: note.id, status: "rejected", code: "not_found" }]);
  await startDraft({ id: "v9", account_id: "a1", started_at: "2026-12-01T10:00:00Z" });
  await setMeta("position", { lat: 44.4, lng: 26.1 });
  await setMeta("user", REP);
}

beforeEach(async () => {
  await forgetEverything();
  await deviceInUse();
});

describe("forgetUnlessWaiting", () => {
  test("empties every store when no change waits", async () => {
    expect(await forgetUnlessWaiting()).toBe(0);

    expect(await storedCounts()).toEqual(Object.fromEntries(ROW_STORES.map((store) => [store, 0])));
  });

  test("touches nothing while a change waits", async () => {
    await record("account.update", { id: "a1", name: "Corner shop" }, { base_version: 1 });
    const before = await storedCounts();

    expect(await forgetUnlessWaiting()).toBe(1);

    expect(await storedCounts()).toEqual(before);
    expect(await getMeta("user")).toEqual(REP);
  });
});

describe("a sync that ends after the device was cleared", () => {
  test("stores no pulled page and no sync state", async () => {
    await forgetUnlessWaiting();

    expect(
      await storePull(pageOf("c2", upsert("account", { id: "a2", name: "Kiosk", version: 1 })), "c1"),
    ).toBe(false);
    expect(
      await storePull(pageOf("c2", upsert("account", { id: "a2", name: "Kiosk", version: 1 })), null),
    ).toBe(false);
    await updateSyncState({ last_synced_at: "2026-12-01T11:00:00Z" });

    expect(await allRows("accounts")).toEqual([]);
    expect(await syncState()).toBeUndefined();
  });
});

describe("the caches a logout leaves", () => {
  test("keeps the app's own files and the map tiles only", () => {
    expect(keptAtLogout("workbox-precache-v2-https://crm.example/")).toBe(true);
    expect(keptAtLogout("map-tiles")).toBe(true);
    expect(keptAtLogout("api-answers")).toBe(false);
    expect(keptAtLogout("workbox-runtime-https://crm.example/")).toBe(false);
  });

  test("deletes every other cache", async () => {
    const names = new Set([
      "workbox-precache-v2-https://crm.example/",
      "map-tiles",
      "api-answers",
      "old-accounts",
    ]);
    const storage = { keys: async () => [...names], delete: async (name) => names.delete(name) };

    expect((await forgetCachedAnswers(storage)).sort()).toEqual(["api-answers", "old-accounts"]);
    expect([...names].sort()).toEqual(["map-tiles", "workbox-precache-v2-https://crm.example/"]);
  });

  test("does nothing where there is no CacheStorage", async () => {
    expect(await forgetCachedAnswers(undefined)).toEqual([]);
  });
});

describe("the logout request", () => {
  afterEach(() => vi.unstubAllGlobals());

  test("outlives the page (keepalive), so a reload right after cannot cancel it", async () => {
    const calls = [];
    vi.stubGlobal("fetch", async (url, init) => {
      calls.push({ url, init });
      return { status: 204, ok: true };
    });

    await api.logout();

    expect(calls.map(({ url, init }) => [url, init.method, init.keepalive])).toEqual([
      ["/api/v1/auth/logout", "POST", true],
    ]);
  });
});
