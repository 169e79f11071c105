import { describe, expect, test, vi } from "vitest";
import { deviceTimeZone, localDate, localIso, nextWorkingDays, weekDays } from "../src/shared/week-plan.js";

describe("localIso", () => {
  test("is the local wall-clock time with the device's offset, the same instant", () => {
    const when = new Date(2026, 4, 12, 9, 5, 7);
    const iso = localIso(when);
    expect(iso).toMatch(/^2026-05-12T09:05:07[+-]\d\d:\d\d$/);
    expect(Date.parse(iso)).toBe(when.getTime() - when.getMilliseconds());
  });

  test("keeps the offset's sign and minutes, east and west of UTC", () => {
    const at = (offsetMinutes) => {
      const when = new Date(2026, 0, 5, 23, 30);
      vi.spyOn(when, "getTimezoneOffset").mockReturnValue(offsetMinutes);
      return localIso(when).slice(19);
    };
    expect(at(-120)).toBe("+02:00");
    expect(at(-330)).toBe("+05:30");
    expect(at(210)).toBe("-03:30");
    expect(at(0)).toBe("+00:00");
  });
});

describe("nextWorkingDays", () => {
  test("the five working days after a Wednesday skip the weekend", () => {
    expect(nextWorkingDays(new Date(2026, 4, 13, 10))).toEqual([
      "2026-05-14",
      "2026-05-15",
      "2026-05-18",
      "2026-05-19",
      "2026-05-20",
    ]);
  });

  test("from a Friday night or a Sunday the week starts on Monday", () => {
    const week = ["2026-05-18", "2026-05-19", "2026-05-20", "2026-05-21", "2026-05-22"];
    expect(nextWorkingDays(new Date(2026, 4, 15, 23, 59))).toEqual(week);
    expect(nextWorkingDays(new Date(2026, 4, 17, 0, 1))).toEqual(week);
  });

  test("crosses a month end and gives as many days as asked", () => {
    expect(nextWorkingDays(new Date(2026, 6, 30, 8), 3)).toEqual(["2026-07-31", "2026-08-03", "2026-08-04"]);
    expect(localDate(new Date(2026, 11, 31, 23))).toBe("2026-12-31");
  });
});

test("deviceTimeZone names an IANA zone", () => {
  expect(() => new Intl.DateTimeFormat("en", { timeZone: deviceTimeZone() })).not.toThrow();
});

describe("weekDays", () => {
  const plan = {
    days: [
      {
        date: "2026-05-14",
        order: ["b", "a"],
        arrivals: { a: "2026-05-14T09:30:00+03:00", b: "2026-05-14T08:10:00+03:00" },
        total_distance_m: 4200,
        total_duration_s: 600,
        navigation_urls: ["https://g/1"],
      },
      {
        date: "2026-05-15",
        order: [],
        arrivals: {},
        total_distance_m: 0,
        total_duration_s: 0,
        navigation_urls: [],
      },
    ],
    unplanned: [
      { id: "c", reason: "no_time" },
      { id: "gone", reason: "no_time" },
    ],
    tasks_created: 0,
    stops: ["a", "b", "c"].map((id) => ({
      id,
      name: `Shop ${id.toUpperCase()}`,
      location: { type: "Point", coordinates: [26.1, 44.4] },
      task_id: null,
    })),
  };

  test("lists each day's stops in visiting order with their names and arrival times", () => {
    const { days } = weekDays(plan);
    expect(days[0]).toEqual({
      date: "2026-05-14",
      stops: [
        { id: "b", name: "Shop B", arrival: "2026-05-14T08:10:00+03:00" },
        { id: "a", name: "Shop A", arrival: "2026-05-14T09:30:00+03:00" },
      ],
      distance_m: 4200,
      duration_s: 600,
      urls: ["https://g/1"],
    });
    expect(days[1].stops).toEqual([]);
  });

  test("names the unplanned from the plan's stops, an account missing there by its id", () => {
    expect(weekDays(plan).unplanned).toEqual([
      { id: "c", reason: "no_time", name: "Shop C" },
      { id: "gone", reason: "no_time", name: "gone" },
    ]);
  });
});
