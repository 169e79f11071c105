// One user action of several changes (a visit that marks its task done) is on the device whole
// or not at all: the real store code over an in-memory IndexedDB.
import "fake-indexeddb/auto";
import { beforeEach, describe, expect, test } from "vitest";
import { allRows, forgetEverything, getTask } from "../src/store/db.js";
import { bindUser, recordAction, storePull, syncState, waiting } from "../src/store/outbox.js";

const REP = { id: "u1", name: "Rep" };
const TASK = { id: "t1", title: "Visit the shop", status: "open", version: 3 };
const VISIT = {
  id: "v1",
  account_id: "a1",
  started_at: "2026-12-01T09:00:00Z",
  outcome: "met",
  task_id: "t1",
};
const changes = [
  { op: "visit.create", data: VISIT },
  { op: "task.update", data: { id: "t1", status: "done" }, base_version: 3 },
];

beforeEach(async () => {
  await forgetEverything();
  await bindUser(REP);
  await storePull({
    changes: [{ entity: "task", op: "upsert", data: TASK }],
    cursor: "c1",
    has_more: false,
    last_mutation_id: 0,
  });
});

describe("a user action of several changes", () => {
  test("writes every mutation with consecutive ids and every optimistic row", async () => {
    const entries = await recordAction(changes);

    expect(entries.map((entry) => [entry.id, entry.op])).toEqual([
      [1, "visit.create"],
      [2, "task.update"],
    ]);
    expect((await waiting()).map((entry) => [entry.id, entry.op, entry.base_version])).toEqual([
      [1, "visit.create", undefined],
      [2, "task.update", 3],
    ]);
    expect((await allRows("visits")).map((row) => row.id)).toEqual(["v1"]);
    expect((await getTask("t1")).status).toBe("done");
    expect((await syncState()).next_id).toBe(3);
  });

  test("writes nothing when the caller's step in the same transaction fails", async () => {
    const refused = () => Promise.reject(new Error("the draft was taken in another tab"));

    await expect(recordAction(changes, { also: refused })).rejects.toThrow("another tab");

    expect(await waiting()).toEqual([]);
    expect(await allRows("visits")).toEqual([]);
    expect((await getTask("t1")).status).toBe("open");
    expect((await syncState()).next_id).toBe(1);
  });
});
