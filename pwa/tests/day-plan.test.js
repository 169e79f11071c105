import { describe, expect, test } from "vitest";
import { languages } from "../src/i18n.js";
import plan from "../src/locales/plan.js";
import { planKey, reconcile, routeLine, startPoint, todayStops } from "../src/shared/day-plan.js";
import { formatDuration } from "../src/shared/format.js";

const NOW = new Date(2026, 4, 12, 10, 0); // local time, 12 May 2026 10:00
const at = (hours) => new Date(2026, 4, 12, hours, 0).toISOString();
const account = (id, located = true) => ({
  id,
  name: `Shop ${id}`,
  location: located ? { type: "Point", coordinates: [26 + id.length / 100, 44.4] } : null,
});
const task = (id, accountId, fields = {}) => ({
  id,
  title: `Task ${id}`,
  assignee_id: "me",
  account_id: accountId,
  status: "open",
  due_at: at(15),
  ...fields,
});

describe("todayStops", () => {
  const accounts = [account("a"), account("bb"), account("ccc"), account("d", false)];

  test("one stop per located account of the user's tasks due today or overdue, in Today's order", () => {
    const tasks = [
      task("t1", "a", { due_at: at(16) }),
      task("t2", "bb", { due_at: new Date(2026, 4, 11, 9).toISOString() }), // overdue
      task("t3", "a", { due_at: at(12) }), // a second task at a: one stop
      task("t4", "d"), // no location
      task("t5", "ccc", { due_at: new Date(2026, 4, 14, 9).toISOString() }), // later this week
      task("t6", "ccc", { assignee_id: "someone else" }),
      task("t7", "ccc", { status: "done" }),
      task("t8", null),
    ];
    const stops = todayStops(tasks, accounts, [], "me", NOW);
    expect(stops.map((stop) => [stop.id, stop.task_id])).toEqual([
      ["bb", "t2"],
      ["a", "t3"],
    ]);
    expect(stops[0]).toMatchObject({ name: "Shop bb", lng: 26.02, lat: 44.4, title: "Task t2" });
  });

  test("leaves out a stop once its account was visited today or its task was checked in", () => {
    const tasks = [task("t1", "a"), task("t2", "bb"), task("t3", "ccc")];
    const visits = [
      { id: "v1", account_id: "a", started_at: at(9) },
      { id: "v2", account_id: "bb", started_at: new Date(2026, 4, 11, 9).toISOString() }, // yesterday
      { id: "v3", account_id: "elsewhere", task_id: "t3", started_at: at(9) },
    ];
    expect(todayStops(tasks, accounts, visits, "me", NOW).map((stop) => stop.id)).toEqual(["bb"]);
  });
});

describe("reconcile", () => {
  test("keeps the order of stops still to do, drops done ones and adds new ones after", () => {
    const kept = { order: ["a", "b", "c"], locked: ["b", "a"], skipped: ["d", "e"], provider: "osrm" };
    expect(reconcile(kept, ["c", "b", "d", "f"])).toEqual({
      order: ["b", "c", "f"],
      locked: ["b"],
      skipped: ["d"],
      provider: "osrm",
    });
  });

  test("is null without a kept plan", () => {
    expect(reconcile(null, ["a"])).toBeNull();
    expect(reconcile({}, ["a"])).toBeNull();
  });
});

describe("startPoint", () => {
  const stops = [{ lng: 26.1, lat: 44.4 }];

  test("starts where the device is, else at home, else at the first stop", () => {
    const home = { home_base: { type: "Point", coordinates: [25.9, 44.5] } };
    expect(startPoint({ lng: 26, lat: 44, accuracy: 5 }, home, stops)).toEqual({
      lng: 26,
      lat: 44,
      source: "device",
    });
    expect(startPoint(null, home, stops)).toEqual({ lng: 25.9, lat: 44.5, source: "home" });
    expect(startPoint(null, { home_base: null }, stops)).toEqual({ lng: 26.1, lat: 44.4, source: "first" });
    expect(startPoint(null, null, [])).toBeNull();
  });
});

describe("planKey", () => {
  test("is one per user and local day", () => {
    expect(planKey("u1", NOW)).toBe("waypoint.plan.u1.2026-05-12");
    expect(planKey("u1", new Date(2026, 4, 13, 0, 1))).not.toBe(planKey("u1", NOW));
  });
});

describe("formatDuration", () => {
  test("reads minutes, then hours and minutes", () => {
    const plain = (text) => text.replace(/\s/g, " ");
    expect(plain(formatDuration(600, "en"))).toBe("10 min");
    expect(plain(formatDuration(3900, "en"))).toBe("1 hr 5 min");
    expect(plain(formatDuration(7200, "en"))).toBe("2 hr");
    expect(formatDuration(null, "en")).toBe("");
  });
});

describe("the Plan my day strings", () => {
  const placeholders = (text) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

  test.each(languages.map(({ code }) => code))(
    "have every English key with the same placeholders in %s",
    (code) => {
      expect(Object.keys(plan[code]).sort()).toEqual(Object.keys(plan.en).sort());
      for (const [key, text] of Object.entries(plan.en))
        expect(placeholders(plan[code][key]), key).toEqual(placeholders(text));
    },
  );
});

describe("routeLine", () => {
  const stops = new Map([
    ["a", { lat: 44.41, lng: 26.01 }],
    ["b", { lat: 44.42, lng: 26.02 }],
  ]);
  const start = { lat: 44.4, lng: 26.0 };
  const road = {
    type: "LineString",
    coordinates: [
      [26.0, 44.4],
      [26.0, 44.41],
      [26.01, 44.41],
      [26.02, 44.42],
    ],
  };

  test("the road line, as [lat, lng], while the order is the one it was drawn for", () => {
    const plan = { start, order: ["a", "b"], geometry: road, geometry_order: ["a", "b"] };
    expect(routeLine(plan, stops)).toEqual([
      [44.4, 26.0],
      [44.41, 26.0],
      [44.41, 26.01],
      [44.42, 26.02],
    ]);
  });

  test("straight lines from the start through the stops once reordered, or without a road line", () => {
    const straight = [
      [44.4, 26.0],
      [44.42, 26.02],
      [44.41, 26.01],
    ];
    const reordered = { start, order: ["b", "a"], geometry: road, geometry_order: ["a", "b"] };
    expect(routeLine(reordered, stops)).toEqual(straight);
    expect(routeLine({ start, order: ["b", "a"], geometry: null }, stops)).toEqual(straight);
    expect(routeLine({ start, order: ["b", "a"] }, stops)).toEqual(straight);
    const fewer = { start, order: ["a"], geometry: road, geometry_order: ["a", "b"] };
    expect(routeLine(fewer, stops)).toEqual([
      [44.4, 26.0],
      [44.41, 26.01],
    ]);
  });
});
