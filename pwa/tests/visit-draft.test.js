import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import {
  DRAFTS_KEY,
  DraftGone,
  DraftKeeper,
  draftsElsewhere,
  takeDraft,
  withDraft,
  withoutDraft,
} from "../src/store/visit-draft.js";

const draft = (account_id, id, started_at = "2026-11-23T09:00:00.000Z", fields = {}) => ({
  id,
  account_id,
  account_name: account_id,
  started_at,
  ...fields,
});

describe("the visits in progress on a device", () => {
  test("keep one visit per account, a new check-in there replacing the old", () => {
    const drafts = withDraft(withDraft({}, draft("shop", "v1")), draft("bakery", "v2"));

    const again = withDraft(drafts, draft("shop", "v3"));

    expect(Object.keys(again).sort()).toEqual(["bakery", "shop"]);
    expect(again.shop.id).toBe("v3");
  });

  test("lose a visit only when it is the one asked for", () => {
    const drafts = withDraft({}, draft("shop", "v1"));

    expect(withoutDraft(drafts, "shop", "v1")).toEqual({});
    expect(withoutDraft(drafts, "shop", "older")).toBe(drafts);
    expect(withoutDraft(undefined, "shop", "v1")).toEqual({});
  });

  test("name the visits elsewhere than the account on screen, oldest first", () => {
    const drafts = withDraft(
      withDraft(
        withDraft({}, draft("c", "v3", "2026-11-23T11:00:00Z")),
        draft("a", "v1", "2026-11-23T10:00:00Z"),
      ),
      draft("b", "v2", "2026-11-23T09:00:00Z"),
    );

    expect(draftsElsewhere(drafts, "a").map((item) => item.account_id)).toEqual(["b", "c"]);
    expect(draftsElsewhere(drafts, null)).toHaveLength(3);
    expect(draftsElsewhere(undefined, "a")).toEqual([]);
  });
});

// The part of an IndexedDB transaction that takeDraft uses, over a Map.
function fakeTransaction(stored) {
  const meta = new Map(Object.entries(stored));
  const puts = [];
  const store = {
    get: async (key) => meta.get(key),
    put: async (value, key) => (puts.push(key), meta.set(key, value)),
  };
  return { tx: { objectStore: (name) => (name === "meta" ? store : null) }, meta, puts };
}

describe("takeDraft, the check-out step in the outbox transaction", () => {
  test("takes the visit out of the drafts, leaving the others", async () => {
    const { tx, meta } = fakeTransaction({
      [DRAFTS_KEY]: withDraft(withDraft({}, draft("shop", "v1")), draft("bakery", "v2")),
    });

    await takeDraft("shop", "v1")(tx);

    expect(Object.keys(meta.get(DRAFTS_KEY))).toEqual(["bakery"]);
  });

  test.each([
    ["checked out already", {}],
    ["replaced by a newer check-in", { [DRAFTS_KEY]: withDraft({}, draft("shop", "v9")) }],
  ])("refuses, writing nothing, when the visit was %s", async (_, stored) => {
    const { tx, puts } = fakeTransaction(stored);

    await expect(takeDraft("shop", "v1")(tx)).rejects.toBeInstanceOf(DraftGone);
    expect(puts).toEqual([]);
  });
});

describe("DraftKeeper", () => {
  let written;
  const writer =
    (kind, delay = 0) =>
    async (value) => {
      if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
      written.push([kind, value.notes]);
    };
  const keeper = (options = {}) =>
    new DraftKeeper({ start: writer("start"), update: writer("update"), delayMs: 300, ...options });

  beforeEach(() => {
    written = [];
    vi.useFakeTimers();
  });
  afterEach(() => vi.useRealTimers());

  test("writes only the latest of a burst of typing, after the pause", async () => {
    const keep = keeper();
    for (const notes of ["O", "Or", "Ord"]) keep.keep({ notes });

    await vi.advanceTimersByTimeAsync(299);
    expect(written).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(written).toEqual([["update", "Ord"]]);
  });

  test("writes the check-in before any change to it, even when that write is slow", async () => {
    const keep = keeper({ start: writer("start", 1000) });
    keep.start({ notes: "" });
    keep.keep({ notes: "typed" });

    await vi.advanceTimersByTimeAsync(2000);

    expect(written).toEqual([
      ["start", ""],
      ["update", "typed"],
    ]);
  });

  test("flush writes at once and resolves when it is written", async () => {
    const keep = keeper();
    keep.keep({ notes: "before the tab is hidden" });

    await keep.flush();

    expect(written).toEqual([["update", "before the tab is hidden"]]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(written).toHaveLength(1);
  });

  test("drop forgets what waits but waits for the write under way", async () => {
    const keep = keeper({ update: writer("update", 500) });
    keep.keep({ notes: "sent" });
    await vi.advanceTimersByTimeAsync(300); // the write has begun
    keep.keep({ notes: "never sent" });

    const dropped = keep.drop();
    await vi.advanceTimersByTimeAsync(500);
    await dropped;

    expect(written).toEqual([["update", "sent"]]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(written).toEqual([["update", "sent"]]);
  });

  test("goes on writing after a write failed", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    let calls = 0;
    const keep = keeper({
      update: async (value) =>
        calls++ === 0 ? Promise.reject(new Error("quota")) : written.push(["update", value.notes]),
    });

    keep.keep({ notes: "first" });
    await keep.flush();
    keep.keep({ notes: "second" });
    await keep.flush();

    expect(written).toEqual([["update", "second"]]);
    expect(warn).toHaveBeenCalledOnce();
    warn.mockRestore();
  });
});
