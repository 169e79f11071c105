import { describe, expect, test } from "vitest";
import { languages } from "../src/i18n.js";
import places from "../src/locales/places.js";
import reminders from "../src/locales/reminders.js";
import {
  DEFAULT_REMINDER_MINUTES,
  minutesUntil,
  remember,
  reminderKey,
  reminderMinutes,
  remindersDue,
} from "../src/shared/reminders.js";
import { assignedTo, dueWithin, todayLists } from "../src/shared/tasks.js";

const now = new Date("2026-11-23T09:30:00Z");
const inMinutes = (minutes) => new Date(now.getTime() + minutes * 60_000).toISOString();
const task = (id, due_at, { status = "open", assignee_id = "me" } = {}) => ({
  id,
  title: id,
  due_at,
  status,
  assignee_id,
  version: 1,
});

describe("assignedTo", () => {
  test("keeps only the user's own tasks of a device that holds the team's", () => {
    const tasks = [task("mine", inMinutes(60)), task("rep's", inMinutes(60), { assignee_id: "rep" })];

    expect(assignedTo(tasks, "me").map((item) => item.id)).toEqual(["mine"]);
  });

  test("gives Today only the manager's own tasks", () => {
    const tasks = [task("team", inMinutes(-60), { assignee_id: "rep" }), task("own", inMinutes(60))];

    expect(todayLists(assignedTo(tasks, "me"), now).now.map((item) => item.id)).toEqual(["own"]);
  });
});

describe("dueWithin", () => {
  test("lists active tasks due in the next minutes, soonest first", () => {
    const tasks = [
      task("in 25", inMinutes(25)),
      task("in 5", inMinutes(5)),
      task("in 31", inMinutes(31)),
      task("in 30", inMinutes(30)),
    ];

    expect(dueWithin(tasks, 30, now).map((item) => item.id)).toEqual(["in 5", "in 25", "in 30"]);
  });

  test("leaves out overdue, done, cancelled and undated tasks; keeps those in progress", () => {
    const tasks = [
      task("overdue", inMinutes(-1)),
      task("done", inMinutes(5), { status: "done" }),
      task("cancelled", inMinutes(5), { status: "cancelled" }),
      task("undated", null),
      task("doing", inMinutes(5), { status: "in_progress" }),
    ];

    expect(dueWithin(tasks, 30, now).map((item) => item.id)).toEqual(["doing"]);
  });
});

describe("remindersDue", () => {
  const tasks = [
    task("soon", inMinutes(10)),
    task("later", inMinutes(90)),
    task("theirs", inMinutes(10), { assignee_id: "rep" }),
  ];

  test("reminds the user of their own tasks due within their minutes", () => {
    expect(remindersDue(tasks, { userId: "me", minutes: 30, now }).map((item) => item.id)).toEqual(["soon"]);
    expect(remindersDue(tasks, { userId: "me", minutes: 120, now }).map((item) => item.id)).toEqual([
      "soon",
      "later",
    ]);
  });

  test("reminds of a task once per due time", () => {
    const shown = remember([], remindersDue(tasks, { userId: "me", minutes: 30, now }), now);

    expect(remindersDue(tasks, { userId: "me", minutes: 30, now, shown })).toEqual([]);
  });

  test("reminds again when the task was moved to another time", () => {
    const shown = remember([], [tasks[0]], now);
    const moved = [{ ...tasks[0], due_at: inMinutes(20) }];

    expect(remindersDue(moved, { userId: "me", minutes: 30, now, shown }).map((item) => item.id)).toEqual([
      "soon",
    ]);
  });

  test("reminds of nothing when reminders are off or no one is logged in", () => {
    expect(remindersDue(tasks, { userId: "me", minutes: 0, now })).toEqual([]);
    expect(remindersDue(tasks, { userId: null, minutes: 30, now })).toEqual([]);
  });
});

describe("remember", () => {
  test("adds the new keys once and forgets those of due times a day past", () => {
    const old = reminderKey(task("old", inMinutes(-25 * 60)));
    const recent = reminderKey(task("recent", inMinutes(-60)));

    const kept = remember([old, recent], [task("recent", inMinutes(-60)), task("new", inMinutes(10))], now);

    expect(kept).toEqual([recent, reminderKey(task("new", inMinutes(10)))]);
  });
});

describe("minutesUntil and reminderMinutes", () => {
  test("rounds up to whole minutes, at least one", () => {
    expect(minutesUntil(task("a", inMinutes(12.2)), now)).toBe(13);
    expect(minutesUntil(task("b", inMinutes(0.1)), now)).toBe(1);
  });

  test("takes the user's setting, zero included, else the default", () => {
    expect(reminderMinutes({ reminder_minutes: 15 })).toBe(15);
    expect(reminderMinutes({ reminder_minutes: 0 })).toBe(0);
    expect(reminderMinutes({})).toBe(DEFAULT_REMINDER_MINUTES);
    expect(reminderMinutes(null)).toBe(DEFAULT_REMINDER_MINUTES);
  });
});

describe("the place search and reminder strings", () => {
  const placeholders = (text) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

  test.each(
    languages.flatMap(({ code }) => [
      [code, "places", places],
      [code, "reminders", reminders],
    ]),
  )("has every English key with the same placeholders in %s (%s)", (code, _name, table) => {
    expect(Object.keys(table[code]).sort()).toEqual(Object.keys(table.en).sort());
    for (const [key, text] of Object.entries(table.en))
      expect(placeholders(table[code][key]), key).toEqual(placeholders(text));
  });
});
