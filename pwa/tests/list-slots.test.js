import { describe, expect, test } from "vitest";
import { slotAt } from "../src/shared/list-slots.js";

describe("slotAt", () => {
  const boxes = [
    { top: 100, bottom: 160 },
    { top: 168, bottom: 228 },
    { top: 236, bottom: 296 },
  ];

  test("the item the pointer is on, the gap below an item counting as the next one", () => {
    expect(slotAt(130, boxes)).toBe(0);
    expect(slotAt(200, boxes)).toBe(1);
    expect(slotAt(164, boxes)).toBe(1);
    expect(slotAt(295, boxes)).toBe(2);
  });

  test("the first above the list, the last below it, none in an empty list", () => {
    expect(slotAt(10, boxes)).toBe(0);
    expect(slotAt(900, boxes)).toBe(2);
    expect(slotAt(10, [])).toBe(-1);
  });
});
