import { describe, expect, test } from "vitest";
import { languages } from "../src/i18n.js";
import tasks from "../src/locales/tasks.js";
import { endOfDay, overdue, statusChange, todayLists } from "../src/shared/tasks.js";

const at = (hours) => new Date(2026, 10, 23, hours, 0, 0).toISOString(); // local time, 23 Nov
const task = (id, due_at, status = "open") => ({ id, title: id, due_at, status, version: 1 });

describe("todayLists", () => {
  const now = new Date(2026, 10, 23, 9, 30);

  test("puts overdue and today's tasks first, most overdue first, then upcoming soonest first", () => {
    const tasks = [
      task("later", at(24 + 10)),
      task("today", at(17)),
      task("yesterday", at(-10)),
      task("next week", at(24 * 7)),
    ];

    const lists = todayLists(tasks, now);

    expect(lists.now.map((item) => item.id)).toEqual(["yesterday", "today"]);
    expect(lists.upcoming.map((item) => item.id)).toEqual(["later", "next week"]);
  });

  test("leaves out done and cancelled tasks, keeps those in progress", () => {
    const tasks = [
      task("done", at(8), "done"),
      task("cancelled", at(8), "cancelled"),
      task("doing", at(8), "in_progress"),
    ];

    expect(todayLists(tasks, now).now.map((item) => item.id)).toEqual(["doing"]);
  });

  test("lists tasks without a due date last among the upcoming", () => {
    const lists = todayLists([task("whenever", null), task("tomorrow", at(24 + 9))], now);

    expect(lists.upcoming.map((item) => item.id)).toEqual(["tomorrow", "whenever"]);
  });

  test("counts the whole local day as today", () => {
    expect(endOfDay(now)).toBe(new Date(2026, 10, 23, 23, 59, 59, 999).getTime());
    expect(todayLists([task("tonight", at(23))], now).now).toHaveLength(1);
  });
});

describe("a task's status", () => {
  test("is overdue only while still open or in progress", () => {
    const now = new Date(2026, 10, 23, 9, 30);

    expect(overdue(task("a", at(8)), now)).toBe(true);
    expect(overdue(task("b", at(8), "done"), now)).toBe(false);
    expect(overdue(task("c", at(10)), now)).toBe(false);
  });

  test("changes through task.update data with only the status", () => {
    expect(statusChange(task("t1", null), "start")).toEqual({ id: "t1", status: "in_progress" });
    expect(statusChange(task("t1", null), "done")).toEqual({ id: "t1", status: "done" });
    expect(statusChange(task("t1", null), "cancel")).toEqual({ id: "t1", status: "cancelled" });
  });
});

describe("the task strings", () => {
  const placeholders = (text) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

  test.each(languages.map(({ code }) => code))(
    "has every English key with the same placeholders in %s",
    (code) => {
      expect(Object.keys(tasks[code]).sort()).toEqual(Object.keys(tasks.en).sort());
      for (const [key, text] of Object.entries(tasks.en))
        expect(placeholders(tasks[code][key]), key).toEqual(placeholders(text));
    },
  );
});
