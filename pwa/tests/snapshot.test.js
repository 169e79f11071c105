// Full snapshots over several pages, on the real store code over an in-memory IndexedDB: the rows
// no page listed are dropped with the last page, and only then, whatever happens in between.
import "fake-indexeddb/auto";
import { beforeEach, describe, expect, test, vi } from "vitest";
import { allRows, forgetEverything, saveAccounts } from "../src/store/db.js";
import { acknowledge, bindUser, record, storePull, syncState, updateSyncState } from "../src/store/outbox.js";

const REP = { id: "u1", name: "Rep" };
const account = (id, extra = {}) => ({ id, name: `Account ${id}`, version: 1, ...extra });
const upsert = (entity, data) => ({ entity, op: "upsert", data });
const page = (cursor, hasMore, ...changes) => ({ changes, cursor, has_more: hasMore, last_mutation_id: 0 });
const ids = async (store) => (await allRows(store)).map((row) => row.id).sort();

// The device holds accounts a1..a4, visit v1 and task t1, synced earlier; the stored cursor is
// then cleared, as the diagnostics' resync (or a newer app version) does.
async function deviceHoldingRows() {
  await storePull(
    page(
      "c0",
      false,
      ...["a1", "a2", "a3", "a4"].map((id) => upsert("account", account(id))),
      upsert("visit", { id: "v1", account_id: "a1", started_at: "2026-11-23T09:00:00Z", version: 1 }),
      upsert("task", { id: "t1", title: "Call", version: 1 }),
    ),
  );
  await updateSyncState({ cursor: null });
}

beforeEach(async () => {
  await forgetEverything();
  await bindUser(REP);
  await deviceHoldingRows();
});

describe("a full snapshot over several pages", () => {
  test("drops the rows no page listed once the last page is stored, and not before", async () => {
    await storePull(page("s1", true, upsert("account", account("a1"))), null);
    await storePull(
      page(
        "s2",
        true,
        upsert("account", account("a2")),
        upsert("visit", { id: "v1", account_id: "a1", started_at: "x", version: 1 }),
      ),
      "s1",
    );
    const beforeLast = await ids("accounts");
    await storePull(page("s3", false, upsert("task", { id: "t1", title: "Call", version: 2 })), "s2");

    expect(beforeLast).toEqual(["a1", "a2", "a3", "a4"]);
    expect(await ids("accounts")).toEqual(["a1", "a2"]);
    expect(await ids("visits")).toEqual(["v1"]);
    expect(await ids("tasks")).toEqual(["t1"]);
    expect((await syncState()).snapshot_open).toBe(false);
  });

  test("that fits in one page drops the unlisted rows at once", async () => {
    await storePull(page("s1", false, upsert("account", account("a3"))), null);

    expect(await ids("accounts")).toEqual(["a3"]);
    expect(await ids("visits")).toEqual([]);
    expect(await ids("tasks")).toEqual([]);
  });

  test("keeps an unlisted row with a change of ours waiting", async () => {
    await record("account.update", { id: "a4", name: "Renamed" }, { base_version: 1 });

    await storePull(page("s1", true, upsert("account", account("a1"))), null);
    await storePull(page("s2", false, upsert("account", account("a2"))), "s1");

    expect(await ids("accounts")).toEqual(["a1", "a2", "a4"]);
  });

  test("keeps a row of ours the server acknowledged between two of its pages", async () => {
    const visit = { id: "v2", account_id: "a1", started_at: "2026-11-23T10:00:00Z", outcome: "met" };
    await record("visit.create", visit);
    await storePull(page("s1", true, upsert("account", account("a1"))), null);

    await acknowledge(1, [{ id: 1, status: "applied" }]);
    await storePull(page("s2", false, upsert("account", account("a2"))), "s1");

    expect(await ids("visits")).toEqual(["v2"]);
  });

  test("keeps a listed row that other code rewrote between two of its pages", async () => {
    await storePull(page("s1", true, upsert("account", account("a1"))), null);
    await saveAccounts([account("a1", { name: "Read from the account list" })]);

    await storePull(page("s2", false, upsert("account", account("a2"))), "s1");

    expect(await ids("accounts")).toEqual(["a1", "a2"]);
  });

  test("interrupted, resumes from the stored cursor after a reload and still drops the unlisted rows", async () => {
    await storePull(page("s1", true, upsert("account", account("a1"))), null);
    await storePull(page("s2", true, upsert("account", account("a2"))), "s1");

    vi.resetModules(); // the page reloads: new modules, a new IndexedDB connection
    const store = await import("../src/store/outbox.js");
    const { cursor } = await store.syncState();
    await store.storePull(
      page("s3", false, upsert("visit", { id: "v1", account_id: "a1", started_at: "x", version: 1 })),
      cursor,
    );

    expect(cursor).toBe("s2");
    expect(await ids("accounts")).toEqual(["a1", "a2"]);
    expect(await ids("visits")).toEqual(["v1"]);
    expect(await ids("tasks")).toEqual([]);
  });

  test("started again by a resync forgets by the new snapshot's pages only", async () => {
    await storePull(page("s1", true, upsert("account", account("a1"))), null);
    await updateSyncState({ cursor: null });

    await storePull(page("r1", true, upsert("account", account("a2"))), null);
    await storePull(page("r2", false, upsert("account", account("a3"))), "r1");

    expect(await ids("accounts")).toEqual(["a2", "a3"]);
  });
});

describe("storePull", () => {
  test("drops a page pulled from a cursor the device no longer has", async () => {
    await storePull(page("s1", true, upsert("account", account("a1"))), null);
    await updateSyncState({ cursor: null }); // a resync while page 2 was on its way

    const stored = await storePull(page("s2", false, upsert("account", account("a9"))), "s1");

    expect(stored).toBe(false);
    expect(await ids("accounts")).toEqual(["a1", "a2", "a3", "a4"]);
    expect((await syncState()).cursor).toBe(null);
  });

  test("forgets nothing on pulls after a cursor", async () => {
    await updateSyncState({ cursor: "c1" });

    await storePull(page("c2", true, upsert("account", account("a1", { version: 2 }))), "c1");
    await storePull(page("c3", false, upsert("account", account("a5"))), "c2");

    expect(await ids("accounts")).toEqual(["a1", "a2", "a3", "a4", "a5"]);
  });

  test("leaves no snapshot bookkeeping behind in meta after the last page", async () => {
    await storePull(page("s1", true, upsert("account", account("a1"))), null);
    await storePull(page("s2", false), "s1");

    expect(await allRows("meta")).toHaveLength(1); // the sync state alone
  });
});
