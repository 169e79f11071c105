import { describe, expect, test } from "vitest";
import {
  applyMutation,
  backoffDelay,
  checksumHash,
  classifyFailure,
  firstBatch,
  localChecksum,
  parseRetryAfter,
  rebaseRow,
  rowDigest,
  stillPending,
  undoOf,
  wireMutation,
  withdrawn,
} from "../src/sync/logic.js";
import { visitBody } from "../src/shared/visit.js";

const mutation = (id, op, data, extra = {}) => ({ id, op, data, at: "2026-11-23T09:30:00.000Z", ...extra });
const visit = (id, size = 10) =>
  mutation(id, "visit.create", { id: `v${id}`, account_id: "a", notes: "x".repeat(size) });

describe("firstBatch", () => {
  test("takes at most `count` mutations", () => {
    const entries = Array.from({ length: 250 }, (_, i) => visit(i + 1));

    const batch = firstBatch(entries, { count: 100, bytes: 1e9 });

    expect(batch.map((entry) => entry.id)).toEqual(entries.slice(0, 100).map((entry) => entry.id));
  });

  test("stops before the batch's JSON would pass `bytes`", () => {
    const entries = Array.from({ length: 10 }, (_, i) => visit(i + 1, 1000));
    const one = new TextEncoder().encode(JSON.stringify(entries[0])).length;

    const batch = firstBatch(entries, { count: 100, bytes: 3 * (one + 1) + 2 });

    expect(batch).toHaveLength(3);
    expect(new TextEncoder().encode(JSON.stringify(batch)).length).toBeLessThanOrEqual(3 * (one + 1) + 2);
  });

  test("counts bytes, not characters, for non-ASCII notes", () => {
    const cyrillic = Array.from({ length: 4 }, (_, i) =>
      mutation(i + 1, "visit.create", { id: `v${i}`, notes: "ж".repeat(500) }),
    );

    const batch = firstBatch(cyrillic, { count: 100, bytes: 2100 });

    expect(batch).toHaveLength(1); // ~1,000 bytes each once encoded; two would pass 2,100
  });

  test("sends one oversized mutation alone rather than never", () => {
    const entries = [visit(1, 5000), visit(2)];

    expect(firstBatch(entries, { count: 100, bytes: 1000 }).map((entry) => entry.id)).toEqual([1]);
  });

  test("is empty for an empty outbox", () => {
    expect(firstBatch([])).toEqual([]);
  });

  test("keeps the default limits of 100 mutations and 256 KB", () => {
    const entries = Array.from({ length: 300 }, (_, i) => visit(i + 1, 4000));

    const batch = firstBatch(entries);

    expect(batch.length).toBeLessThanOrEqual(100);
    expect(new TextEncoder().encode(JSON.stringify(batch)).length).toBeLessThanOrEqual(256 * 1024);
    expect(batch.length).toBe(
      Math.floor((256 * 1024 - 2) / (new TextEncoder().encode(JSON.stringify(entries[0])).length + 1)),
    );
  });
});

describe("wireMutation", () => {
  test("sends base_version only for edits", () => {
    expect(wireMutation(visit(1))).not.toHaveProperty("base_version");
    expect(wireMutation(mutation(2, "account.update", { id: "a" }, { base_version: 4 })).base_version).toBe(
      4,
    );
  });
});

describe("parseRetryAfter", () => {
  test("reads seconds", () => {
    expect(parseRetryAfter("7")).toBe(7000);
  });

  test("reads an HTTP date relative to now", () => {
    const now = Date.parse("2026-11-23T09:30:00Z");
    expect(parseRetryAfter("Mon, 23 Nov 2026 09:30:30 GMT", now)).toBe(30000);
  });

  test("is null when absent or unreadable, never negative", () => {
    expect(parseRetryAfter(null)).toBeNull();
    expect(parseRetryAfter("soon")).toBeNull();
    expect(parseRetryAfter("Mon, 23 Nov 2026 09:00:00 GMT", Date.parse("2026-11-23T09:30:00Z"))).toBe(0);
  });
});

describe("backoffDelay", () => {
  test("doubles per attempt between half and all of the ceiling", () => {
    expect(backoffDelay(1, { random: () => 0 })).toBe(500);
    expect(backoffDelay(1, { random: () => 1 })).toBe(1000);
    expect(backoffDelay(4, { random: () => 0 })).toBe(4000);
    expect(backoffDelay(4, { random: () => 1 })).toBe(8000);
  });

  test("spreads retries with jitter", () => {
    const delays = [0.1, 0.5, 0.9].map((value) => backoffDelay(3, { random: () => value }));

    expect(new Set(delays).size).toBe(3);
    for (const delay of delays) expect(delay).toBeGreaterThanOrEqual(2000);
    for (const delay of delays) expect(delay).toBeLessThanOrEqual(4000);
  });

  test("stops growing at five minutes", () => {
    expect(backoffDelay(40, { random: () => 1 })).toBe(300000);
  });

  test("never retries sooner than Retry-After asks", () => {
    expect(backoffDelay(1, { random: () => 0, retryAfterMs: 30000 })).toBe(30000);
    expect(backoffDelay(10, { random: () => 1, retryAfterMs: 1000 })).toBe(300000);
  });
});

describe("rebase", () => {
  const server = { id: "a1", name: "Server name", phone: "1", version: 3 };

  test("re-applies pending edits on top of the pulled row, in order", () => {
    const pending = [
      mutation(5, "account.update", { id: "a1", name: "Mine" }, { base_version: 2 }),
      mutation(6, "account.update", { id: "a1", phone: "2" }, { base_version: 2 }),
      mutation(7, "account.update", { id: "other", name: "Not this" }, { base_version: 1 }),
    ];

    expect(rebaseRow("account", "a1", server, pending)).toEqual({
      ...server,
      name: "Mine",
      phone: "2",
      pending: true,
    });
  });

  test("leaves the pulled row alone without pending mutations for it", () => {
    expect(rebaseRow("account", "a1", server, [visit(1)])).toBe(server);
  });

  test("keeps a pending create that the server does not have yet", () => {
    const create = mutation(1, "visit.create", { id: "v1", account_id: "a1", outcome: "met" });

    expect(rebaseRow("visit", "v1", undefined, [create])).toMatchObject({
      id: "v1",
      outcome: "met",
      pending: true,
    });
  });

  test("lets the server's row win over a create it already applied", () => {
    const serverVisit = { id: "v1", outcome: "met", verification: "verified", version: 1 };
    const create = mutation(1, "visit.create", { id: "v1", outcome: "met" });

    expect(rebaseRow("visit", "v1", serverVisit, [create])).toBe(serverVisit);
  });

  test("does not invent an account for an edit of one deleted on the server", () => {
    expect(
      applyMutation(undefined, mutation(1, "account.update", { id: "gone", name: "x" })),
    ).toBeUndefined();
  });

  test("shows a task given offline at once, open and waiting, with the server's defaults", () => {
    const create = mutation(1, "task.create", { id: "t9", title: "Call", assignee_id: "rep" });

    expect(rebaseRow("task", "t9", undefined, [create])).toEqual({
      id: "t9",
      title: "Call",
      assignee_id: "rep",
      notes: "",
      priority: "normal",
      due_at: null,
      account_id: null,
      status: "open",
      pending: true,
    });
  });

  test("lets the server's task win over a create it already applied, and takes back a refused one", () => {
    const serverTask = { id: "t9", title: "Call", status: "done", version: 2 };
    const create = mutation(1, "task.create", { id: "t9", title: "Call", assignee_id: "rep" });

    expect(rebaseRow("task", "t9", serverTask, [create])).toBe(serverTask);
    expect(withdrawn("task", { id: "t9", pending: true }, create, [])).toBeUndefined();
  });

  test("drops what the server acknowledged from the pending list", () => {
    expect(stillPending([visit(1), visit(2), visit(3)], 2).map((entry) => entry.id)).toEqual([3]);
  });
});

describe("checksum", () => {
  // Digests and sums computed on their own with Python's hashlib, as the server's tests do.
  const rows = [
    { id: "B0000000-0000-4000-8000-000000000000", version: 2 },
    { id: "0a000000-0000-4000-8000-000000000000", version: 7 },
    { id: "a0000000-0000-4000-8000-000000000000", version: 1 },
  ];

  test("digests a row as the first 8 bytes of SHA-256 of <lowercase id>:<version>", async () => {
    expect((await rowDigest(rows[0].id, rows[0].version)).toString(16)).toBe("724149a155ed99dc");
    expect((await rowDigest("a", 1)).toString(16)).toBe("2b2c40a6706d9e5f");
  });

  test("sums the digests mod 2^64 as 16 hex digits, in any order", async () => {
    expect(await checksumHash(rows)).toBe("83ad8553a1c955db");
    expect(await checksumHash([...rows].reverse())).toBe("83ad8553a1c955db");
  });

  test("is sixteen zeros for no rows", async () => {
    expect(await checksumHash([])).toBe("0000000000000000");
  });

  test("counts only rows the server knows (with a version)", async () => {
    const local = [
      { id: "a", version: 1 },
      { id: "b", pending: true },
    ];

    expect(await localChecksum(local)).toEqual({ count: 1, hash: "2b2c40a6706d9e5f" });
  });
});

describe("classifyFailure", () => {
  test.each([
    [undefined, "offline"],
    [401, "auth"],
    [429, "retry"],
    [500, "retry"],
    [503, "retry"],
    [413, "split"],
    [403, "fatal"],
  ])("status %s is %s", (status, kind) => {
    expect(classifyFailure(status === undefined ? new TypeError("Failed to fetch") : { status })).toBe(kind);
  });
});

describe("visitBody", () => {
  const base = {
    id: "v1",
    accountId: "a1",
    startedAt: "s",
    endedAt: "e",
    outcome: "met",
    notes: " talked \n",
  };

  test("carries the fix as a GeoJSON point with its accuracy", () => {
    const body = visitBody({
      ...base,
      fix: { lat: 44.4, lng: 26.1, accuracy: 12 },
      nextStep: { title: "Call back", due_on: "2026-12-01" },
    });

    expect(body).toEqual({
      id: "v1",
      account_id: "a1",
      started_at: "s",
      ended_at: "e",
      location: { type: "Point", coordinates: [26.1, 44.4] },
      accuracy_m: 12,
      outcome: "met",
      notes: "talked",
      next_step: { title: "Call back", due_on: "2026-12-01" },
    });
  });

  test("has no location and no accuracy without a fix (capture off)", () => {
    const body = visitBody({ ...base, fix: null, nextStep: { title: "", due_on: "" } });

    expect(body.location).toBeNull();
    expect(body.accuracy_m).toBeNull();
    expect(body.next_step).toBeNull();
  });
});

describe("a refused change taken back", () => {
  const server = { id: "a1", name: "Server name", email: "a@b.example", version: 3 };

  test("an edit keeps the values it changed, as they were", () => {
    expect(undoOf(server, { id: "a1", email: "bad" })).toEqual({ email: "a@b.example" });
  });

  test("a refused edit puts its fields back and keeps the rep's later edits on top", () => {
    const refused = mutation(
      4,
      "account.update",
      { id: "a1", email: "bad" },
      { base_version: 3, undo: { email: "a@b.example" } },
    );
    const later = mutation(5, "account.update", { id: "a1", name: "Mine" }, { base_version: 3 });
    const shown = { ...server, email: "bad", name: "Mine", pending: true };

    expect(withdrawn("account", shown, refused, [])).toEqual({
      ...server,
      email: "a@b.example",
      name: "Mine",
      pending: false,
    });
    expect(withdrawn("account", shown, refused, [later])).toEqual({
      ...server,
      email: "a@b.example",
      name: "Mine",
      pending: true,
    });
  });

  test("a refused create leaves nothing", () => {
    const create = mutation(1, "account.create", { id: "a2", name: "New" });

    expect(withdrawn("account", { id: "a2", name: "New", pending: true }, create, [])).toBeUndefined();
  });

  test("a task edit is rebased like an account edit", () => {
    const task = { id: "t1", status: "open", version: 2 };
    const done = mutation(6, "task.update", { id: "t1", status: "done" }, { base_version: 2 });

    expect(rebaseRow("task", "t1", task, [done])).toEqual({ ...task, status: "done", pending: true });
  });
});
