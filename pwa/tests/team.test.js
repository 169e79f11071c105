import { describe, expect, test } from "vitest";
import { languages } from "../src/i18n.js";
import manager from "../src/locales/manager.js";
import team from "../src/locales/team.js";
import { givenToMe, openTaskCount } from "../src/shared/assigned.js";
import {
  assignableReps,
  byName,
  dayRange,
  defaultDue,
  dueFromInput,
  isoWithOffset,
  mergeTasks,
  newTaskData,
  repTaskLists,
  searchAccounts,
  visitMarkers,
} from "../src/shared/team.js";

const local = (day, hours, minutes = 0) => new Date(2026, 10, day, hours, minutes); // November 2026, local time
const task = (id, due, fields = {}) => ({
  id,
  title: id,
  due_at: due ? due.toISOString() : null,
  status: "open",
  assignee_id: "ana",
  version: 1,
  ...fields,
});

describe("the day a Team query asks about", () => {
  test("runs from local midnight to the next, each with its offset", () => {
    const { from, to } = dayRange(local(23, 9, 30));

    expect(Date.parse(from)).toBe(local(23, 0).getTime());
    expect(Date.parse(to)).toBe(local(24, 0).getTime());
    expect(from).toMatch(/^2026-11-23T00:00:00[+-]\d\d:\d\d$/);
  });

  test("writes a time with its offset so it parses back to the same instant", () => {
    const when = local(5, 7, 45);

    expect(Date.parse(isoWithOffset(when))).toBe(when.getTime());
  });
});

describe("the team's rows", () => {
  test("come in name order", () => {
    const rows = [{ user: { name: "Zoe" } }, { user: { name: "ana" } }, { user: { name: "Bogdan" } }];

    expect(byName(rows).map((row) => row.user.name)).toEqual(["ana", "Bogdan", "Zoe"]);
  });
});

describe("a rep's tasks in the drill-down", () => {
  const now = local(23, 12);

  test("lists today's (done ones too) and overdue ones, most overdue first, then later open ones", () => {
    const tasks = [
      task("tomorrow", local(24, 9)),
      task("this afternoon", local(23, 15)),
      task("done this morning", local(23, 9), { status: "done" }),
      task("last week", local(16, 9)),
      task("done last week", local(16, 10), { status: "done" }),
      task("whenever", null),
      task("someone else's", local(23, 10), { assignee_id: "bob" }),
    ];

    const lists = repTaskLists(tasks, "ana", now);

    expect(lists.now.map((item) => item.id)).toEqual(["last week", "done this morning", "this afternoon"]);
    expect(lists.later.map((item) => item.id)).toEqual(["tomorrow", "whenever"]);
  });

  test("drops a task reassigned to another rep at once", () => {
    const moved = task("moved", local(23, 15), { assignee_id: "bob", pending: true });

    expect(repTaskLists([moved], "ana", now).now).toEqual([]);
  });
});

describe("mergeTasks", () => {
  test("takes the server's newer copy, but never over a change of ours not yet sent", () => {
    const device = [
      task("a", null, { version: 1 }),
      task("b", null, { version: 1, status: "cancelled", pending: true }),
    ];
    const server = [
      task("a", null, { version: 2, title: "renamed" }),
      task("b", null, { version: 2 }),
      task("c", null),
    ];

    const merged = new Map(mergeTasks(device, server).map((item) => [item.id, item]));

    expect(merged.get("a").title).toBe("renamed");
    expect(merged.get("b").status).toBe("cancelled");
    expect(merged.has("c")).toBe(true);
  });

  test("keeps the device's copy when the server's is older", () => {
    const merged = mergeTasks(
      [task("a", null, { version: 3, title: "new" })],
      [task("a", null, { version: 2, title: "old" })],
    );

    expect(merged[0].title).toBe("new");
  });
});

describe("visitMarkers", () => {
  test("places the visits with a position and only those, lat and lng the right way round", () => {
    const visits = [
      { id: "v1", location: { type: "Point", coordinates: [26.1, 44.4] } },
      { id: "v2", location: null },
    ];

    expect(visitMarkers(visits).map(({ id, lat, lng }) => ({ id, lat, lng }))).toEqual([
      { id: "v1", lat: 44.4, lng: 26.1 },
    ]);
  });
});

describe("searchAccounts", () => {
  const accounts = [
    { id: "1", name: "Farmacia Centrală" },
    { id: "2", name: "Central Market" },
    { id: "3", name: "Magazin Centrala Nord" },
    { id: "4", name: "Bakery" },
  ];

  test("finds names holding every word, whatever the case and accents, those starting with it first", () => {
    expect(searchAccounts(accounts, "centrala").map((account) => account.id)).toEqual(["1", "3"]);
    expect(searchAccounts(accounts, "CENTRAL").map((account) => account.id)).toEqual(["2", "1", "3"]);
    expect(searchAccounts(accounts, "farm centr").map((account) => account.id)).toEqual(["1"]);
  });

  test("finds nothing for an empty query, and at most the limit", () => {
    expect(searchAccounts(accounts, "  ")).toEqual([]);
    expect(searchAccounts(accounts, "a", 2)).toHaveLength(2);
  });
});

describe("the Assign work form", () => {
  test("starts with 17:00 today, or tomorrow once it is late in the day", () => {
    expect(defaultDue(local(23, 9, 30))).toBe("2026-11-23T17:00");
    expect(defaultDue(local(23, 16, 5))).toBe("2026-11-24T17:00");
    expect(defaultDue(local(30, 18))).toBe("2026-12-01T17:00");
  });

  test("reads the due time as local time", () => {
    expect(dueFromInput("2026-11-23T17:00")).toBe(local(23, 17).toISOString());
    expect(dueFromInput("")).toBeNull();
    expect(dueFromInput("not a time")).toBeNull();
  });

  test("makes task.create data with a new id, trimmed text and only the fields given", () => {
    const data = newTaskData(
      {
        title: "  Bring the price list ",
        notes: " ",
        accountId: "acc",
        assigneeId: "ana",
        due: "2026-11-23T17:00",
        priority: "high",
      },
      () => "new-id",
    );

    expect(data).toEqual({
      id: "new-id",
      title: "Bring the price list",
      assignee_id: "ana",
      priority: "high",
      account_id: "acc",
      due_at: local(23, 17).toISOString(),
    });
  });

  test("makes nothing without a title or a rep", () => {
    expect(newTaskData({ title: " ", assigneeId: "ana" })).toBeNull();
    expect(newTaskData({ title: "Call", assigneeId: "" })).toBeNull();
  });

  test("offers the Team answer's people, else the reps among the users, by name", () => {
    const items = [
      { user: { id: "b", name: "Bogdan", email: "b@x" } },
      { user: { id: "a", name: "Ana", email: "a@x" } },
    ];
    const users = [
      { id: "m", name: "Maria", role: "manager" },
      { id: "z", name: "Zoe", role: "rep" },
    ];

    expect(assignableReps(items, users)).toEqual([
      { id: "a", name: "Ana" },
      { id: "b", name: "Bogdan" },
    ]);
    expect(assignableReps([], users)).toEqual([{ id: "z", name: "Zoe" }]);
  });
});

describe("a task given to the user", () => {
  const mine = (fields = {}) => ({
    id: "t1",
    title: "Call",
    assignee_id: "ana",
    created_by: "boss",
    status: "open",
    ...fields,
  });

  test("is a task created for them by someone else", () => {
    expect(givenToMe("task.created", mine(), "ana", new Set())).toBe(true);
    expect(givenToMe("task.created", mine({ created_by: "ana" }), "ana", new Set())).toBe(false);
    expect(givenToMe("task.created", mine({ assignee_id: "bob" }), "ana", new Set())).toBe(false);
  });

  test("is a task changed to be theirs that the device did not hold as theirs", () => {
    expect(givenToMe("task.updated", mine(), "ana", new Set())).toBe(true);
    expect(givenToMe("task.updated", mine(), "ana", new Set(["t1"]))).toBe(false);
  });

  test("is never a task already done or cancelled, nor a deleted one", () => {
    expect(givenToMe("task.updated", mine({ status: "done" }), "ana", new Set())).toBe(false);
    expect(givenToMe("task.deleted", mine(), "ana", new Set())).toBe(false);
    expect(givenToMe("task.created", undefined, "ana", new Set())).toBe(false);
  });

  test("counts on the badge while open or in progress", () => {
    const tasks = [
      mine(),
      mine({ id: "t2", status: "in_progress" }),
      mine({ id: "t3", status: "done" }),
      mine({ id: "t4", assignee_id: "bob" }),
    ];

    expect(openTaskCount(tasks, "ana")).toBe(2);
  });
});

describe.each([
  ["team", team],
  ["manager", manager],
])("the %s strings", (_, table) => {
  const placeholders = (text) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

  test.each(languages.map(({ code }) => code))(
    "have every English key with the same placeholders in %s",
    (code) => {
      expect(Object.keys(table[code]).sort()).toEqual(Object.keys(table.en).sort());
      for (const [key, text] of Object.entries(table.en))
        expect(placeholders(table[code][key]), key).toEqual(placeholders(text));
    },
  );
});
