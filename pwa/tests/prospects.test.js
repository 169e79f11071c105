import { describe, expect, test } from "vitest";
import { languages } from "../src/i18n.js";
import strings from "../src/locales/prospects.js";
import { distanceMetres } from "../src/shared/distance.js";
import {
  alongRoute,
  corridorArea,
  matchesFilters,
  notVisitedFor,
  routeLine,
} from "../src/shared/prospects.js";

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 23, 9, 0);
const point = (lng, lat) => ({ type: "Point", coordinates: [lng, lat] });
const account = (id, lng, lat, fields = {}) => ({
  id,
  name: id,
  kind: "prospect",
  status: "new",
  location: point(lng, lat),
  last_visit_at: null,
  ...fields,
});

describe("not visited in N days", () => {
  test("holds for an account never visited or last visited before the cutoff", () => {
    expect(notVisitedFor({ last_visit_at: null }, 60, NOW)).toBe(true);
    expect(notVisitedFor({ last_visit_at: new Date(NOW - 61 * DAY).toISOString() }, 60, NOW)).toBe(true);
    expect(notVisitedFor({ last_visit_at: new Date(NOW - 59 * DAY).toISOString() }, 60, NOW)).toBe(false);
  });

  test("combines with kind and status the way the server's list does", () => {
    const recent = account("recent", 26, 44, { last_visit_at: new Date(NOW - 5 * DAY).toISOString() });
    const stale = account("stale", 26, 44, { last_visit_at: new Date(NOW - 90 * DAY).toISOString() });
    const customer = account("customer", 26, 44, { kind: "customer" });
    const filters = { kind: "prospect", status: "", not_visited_days: "60" };

    expect(
      [recent, stale, customer].filter((item) => matchesFilters(item, filters, NOW)).map((item) => item.id),
    ).toEqual(["stale"]);
    expect(
      [recent, stale, customer].filter((item) =>
        matchesFilters(item, { kind: "", status: "", not_visited_days: "" }, NOW),
      ),
    ).toHaveLength(3);
    expect(matchesFilters(stale, { status: "active" }, NOW)).toBe(false);
  });
});

describe("the route of the day", () => {
  const now = new Date(2026, 10, 23, 9, 0);
  const at = (hours) => new Date(2026, 10, 23, hours, 0).toISOString();
  const task = (id, accountId, due, fields = {}) => ({
    id,
    title: id,
    account_id: accountId,
    assignee_id: "me",
    status: "open",
    due_at: due,
    ...fields,
  });
  const accounts = new Map(
    [
      account("first", 26.11, 44.43),
      account("second", 26.13, 44.44),
      account("third", 26.15, 44.45),
      { id: "unplaced", location: null },
    ].map((item) => [item.id, item]),
  );
  const here = { lat: 44.4268, lng: 26.1025 };

  test("starts where the rep stands and follows today's tasks in Today's order", () => {
    const tasks = [task("t3", "third", at(15)), task("t1", "first", at(10)), task("t2", "second", at(12))];

    expect(routeLine(here, tasks, accounts, "me", now)).toEqual({
      type: "LineString",
      coordinates: [
        [26.1025, 44.4268],
        [26.11, 44.43],
        [26.13, 44.44],
        [26.15, 44.45],
      ],
    });
  });

  test("skips others' tasks, later days, done ones, no account or no location, and a stop it is already at", () => {
    const tasks = [
      task("theirs", "third", at(10), { assignee_id: "someone" }),
      task("tomorrow", "third", new Date(2026, 10, 24, 10).toISOString()),
      task("done", "third", at(10), { status: "done" }),
      task("call", null, at(10)),
      task("unplaced", "unplaced", at(10)),
      task("first", "first", at(11)),
      task("again", "first", at(12)),
      task("second", "second", at(13)),
    ];

    expect(routeLine(null, tasks, accounts, "me", now).coordinates).toEqual([
      [26.11, 44.43],
      [26.13, 44.44],
    ]);
  });

  test("is no route with fewer than two places", () => {
    expect(routeLine(here, [], accounts, "me", now)).toBeNull();
    expect(routeLine(null, [task("t1", "first", at(10))], accounts, "me", now)).toBeNull();
  });

  test("asks for a corridor of the given width", () => {
    const line = {
      type: "LineString",
      coordinates: [
        [26, 44],
        [26.1, 44],
      ],
    };

    expect(corridorArea(line, 1000)).toEqual({ line, within_m: 1000 });
  });
});

describe("prospects along the route", () => {
  // West to east along the 44th parallel, then north.
  const line = {
    type: "LineString",
    coordinates: [
      [26.0, 44.0],
      [26.1, 44.0],
      [26.1, 44.1],
    ],
  };

  test("come in the order the route passes them, with how far off the route each is", () => {
    const prospects = [
      account("north-leg", 26.105, 44.05),
      account("late-east", 26.09, 44.004),
      account("early", 26.01, 43.995),
    ];

    const ordered = alongRoute(line, prospects);

    expect(ordered.map((item) => item.id)).toEqual(["early", "late-east", "north-leg"]);
    expect(ordered[0].off_m).toBeCloseTo(distanceMetres(26.01, 43.995, 26.01, 44.0), -1);
    expect(ordered[2].off_m).toBeCloseTo(distanceMetres(26.105, 44.05, 26.1, 44.05), -1);
    expect(ordered[2].along_m).toBeGreaterThan(distanceMetres(26.0, 44.0, 26.1, 44.0));
    expect(ordered[0].along_m).toBeCloseTo(distanceMetres(26.0, 44.0, 26.01, 44.0), -1);
  });

  test("measure beyond the ends from the nearest end, and leave out accounts without a location", () => {
    const ordered = alongRoute(line, [account("before", 25.99, 44.0), { id: "nowhere", location: null }]);

    expect(ordered.map((item) => item.id)).toEqual(["before"]);
    expect(ordered[0].along_m).toBe(0);
    expect(ordered[0].off_m).toBeCloseTo(distanceMetres(25.99, 44.0, 26.0, 44.0), -1);
  });
});

describe("the Near me prospect strings", () => {
  const placeholders = (text) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

  test.each(languages.map(({ code }) => code))(
    "have every English key with the same placeholders in %s",
    (code) => {
      expect(Object.keys(strings[code]).sort()).toEqual(Object.keys(strings.en).sort());
      for (const [key, text] of Object.entries(strings.en))
        expect(placeholders(strings[code][key]), key).toEqual(placeholders(text));
    },
  );
});
