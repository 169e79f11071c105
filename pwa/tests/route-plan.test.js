import { describe, expect, test } from "vitest";
import {
  EXACT_LIMIT,
  covers,
  geodesicMatrix,
  localSearch,
  moveStop,
  nearestNeighbour,
  planOrder,
  routeTotals,
} from "../src/shared/route-plan.js";

// A small seeded generator (mulberry32), so every instance is the same on every run.
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = Math.imul(state ^ (state >>> 15), 1 | state);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

// `count` stops scattered over about 20 km around Bucharest, a start among them, an end if asked.
function instance(seed, count, { end = false } = {}) {
  const next = random(seed);
  const point = (id) => ({ id, lng: 26.0 + next() * 0.25, lat: 44.35 + next() * 0.18 });
  const stops = Array.from({ length: count }, (_, k) => point(`s${k}`));
  const points = [point("start"), ...stops, ...(end ? [point("end")] : [])];
  return { matrix: geodesicMatrix(points), stops: stops.map((stop) => stop.id) };
}

// The reference: every order of the stops that are not skipped, locked ones where they were,
// tried one by one (in place, so nine stops' 362,880 orders take well under a second).
function bruteForce(matrix, stops, { locked = [], skipped = [] } = {}) {
  const visiting = stops.filter((id) => !skipped.includes(id));
  const order = [...visiting];
  let best = null;
  const permute = (k) => {
    if (k === order.length) {
      if (locked.some((id) => order.indexOf(id) !== visiting.indexOf(id))) return;
      const cost = routeTotals(matrix, order).duration_s;
      if (best === null || cost < best.cost) best = { order: [...order], cost };
      return;
    }
    for (let i = k; i < order.length; i += 1) {
      [order[k], order[i]] = [order[i], order[k]];
      permute(k + 1);
      [order[k], order[i]] = [order[i], order[k]];
    }
  };
  permute(0);
  return best;
}

const duration = (matrix, order) => routeTotals(matrix, order).duration_s;

describe("planOrder", () => {
  test.each([3, 5, 6, 7, 8])(
    "finds the shortest order of %i stops, as trying every order does",
    (count) => {
      for (const seed of [1, 2, 3, 4, 5]) {
        const { matrix, stops } = instance(seed * 100 + count, count);
        expect(duration(matrix, planOrder(matrix, stops))).toBe(bruteForce(matrix, stops).cost);
      }
    },
    30_000,
  ); // the brute force is the slow part on a loaded machine

  test("ends the day at the end point when the matrix has one", () => {
    for (const seed of [11, 12, 13]) {
      const { matrix, stops } = instance(seed, 7, { end: true });
      const order = planOrder(matrix, stops);
      expect(duration(matrix, order)).toBe(bruteForce(matrix, stops).cost);
      expect(routeTotals(matrix, order).legs.at(-1).to).toBe("end");
    }
  });

  test("keeps locked stops at their positions and leaves skipped stops out", () => {
    for (const seed of [21, 22, 23, 24]) {
      const { matrix, stops } = instance(seed, 8);
      const rules = { locked: [stops[0], stops[5]], skipped: [stops[2]] };
      const order = planOrder(matrix, stops, rules);
      const visiting = stops.filter((id) => id !== stops[2]);
      expect(order).not.toContain(stops[2]);
      expect([...order].sort()).toEqual([...visiting].sort());
      expect(order.indexOf(stops[0])).toBe(visiting.indexOf(stops[0]));
      expect(order.indexOf(stops[5])).toBe(visiting.indexOf(stops[5]));
      expect(duration(matrix, order)).toBe(bruteForce(matrix, stops, rules).cost);
    }
  });

  test("with every stop locked, keeps the order as it is", () => {
    const { matrix, stops } = instance(31, 6);
    expect(planOrder(matrix, stops, { locked: stops })).toEqual(stops);
  });

  test("above the exact limit, nearest neighbour and local search stay within 5 % of the best order", () => {
    const count = EXACT_LIMIT + 1;
    for (const seed of [41, 42, 43]) {
      const { matrix, stops } = instance(seed, count);
      const order = planOrder(matrix, stops);
      expect([...order].sort()).toEqual([...stops].sort());
      expect(duration(matrix, order)).toBeLessThanOrEqual(bruteForce(matrix, stops).cost * 1.05);
    }
  }, 30_000);

  test("above the exact limit, honours locks and skips too", () => {
    const { matrix, stops } = instance(51, 12);
    const order = planOrder(matrix, stops, { locked: [stops[3], stops[9]], skipped: [stops[0], stops[7]] });
    const visiting = stops.filter((id) => id !== stops[0] && id !== stops[7]);
    expect([...order].sort()).toEqual([...visiting].sort());
    expect(order.indexOf(stops[3])).toBe(visiting.indexOf(stops[3]));
    expect(order.indexOf(stops[9])).toBe(visiting.indexOf(stops[9]));
  });

  test("plans a day of 60 stops with each stop once, shorter than the order given", () => {
    const { matrix, stops } = instance(61, 60);
    const order = planOrder(matrix, stops);
    expect(new Set(order).size).toBe(60);
    expect(duration(matrix, order)).toBeLessThan(duration(matrix, stops));
  });
});

describe("nearest neighbour and local search", () => {
  test("nearest neighbour goes to the nearest stop left each time", () => {
    // start 0, stops on a line at 1, 5, 2 (matrix indexes 1..3), distances |a - b|.
    const places = [0, 1, 5, 2];
    const table = places.map((a) => places.map((b) => Math.abs(a - b)));
    expect(nearestNeighbour(table, [null, null, null], [1, 2, 3])).toEqual([1, 3, 2]);
  });

  test("2-opt undoes a crossing", () => {
    const places = [0, 1, 2, 3, 4];
    const table = places.map((a) => places.map((b) => Math.abs(a - b)));
    expect(localSearch(table, [null, null, null, null], [1, 3, 2, 4], null)).toEqual([1, 2, 3, 4]);
  });

  test("never moves a locked position", () => {
    const places = [0, 1, 2, 3, 4];
    const table = places.map((a) => places.map((b) => Math.abs(a - b)));
    const tour = localSearch(table, [null, 4, null, null], [1, 4, 2, 3], null);
    expect(tour[1]).toBe(4);
  });
});

describe("routeTotals", () => {
  const matrix = {
    ids: ["start", "a", "b", "end"],
    distance_m: [
      [0, 100, 300, 50],
      [110, 0, 200, 90],
      [310, 190, 0, 70],
      [50, 90, 70, 0],
    ],
    duration_s: [
      [0, 10, 30, 5],
      [11, 0, 20, 9],
      [31, 19, 0, 7],
      [5, 9, 7, 0],
    ],
  };

  test("adds the legs of an order from the start to the end", () => {
    const totals = routeTotals(matrix, ["a", "b"]);
    expect(totals).toMatchObject({ distance_m: 100 + 200 + 70, duration_s: 10 + 20 + 7 });
    expect(totals.legs.map((leg) => [leg.from, leg.to])).toEqual([
      ["start", "a"],
      ["a", "b"],
      ["b", "end"],
    ]);
  });

  test("reads the matrix in the direction driven (road figures need not be symmetric)", () => {
    expect(routeTotals(matrix, ["b", "a"])).toMatchObject({
      distance_m: 300 + 190 + 90,
      duration_s: 30 + 19 + 9,
    });
  });

  test("is nothing for no stops without an end", () => {
    const noEnd = {
      ids: ["start", "a"],
      distance_m: [
        [0, 5],
        [5, 0],
      ],
      duration_s: [
        [0, 1],
        [1, 0],
      ],
    };
    expect(routeTotals(noEnd, [])).toEqual({ distance_m: 0, duration_s: 0, legs: [] });
  });

  test("refuses a stop the matrix does not know", () => {
    expect(() => routeTotals(matrix, ["zzz"])).toThrow(/zzz/);
  });
});

describe("geodesicMatrix and covers", () => {
  test("stretches straight lines for the roads and drives them at the assumed speed", () => {
    // One degree of latitude is about 111.2 km; stretched by 1.3, driven at 40 km/h.
    const matrix = geodesicMatrix([
      { id: "start", lng: 26, lat: 44 },
      { id: "a", lng: 26, lat: 45 },
    ]);
    expect(matrix.ids).toEqual(["start", "a"]);
    expect(matrix.distance_m[0][1]).toBeGreaterThan(144_400);
    expect(matrix.distance_m[0][1]).toBeLessThan(144_800);
    expect(matrix.duration_s[0][1]).toBe(Math.round(matrix.distance_m[0][1] / (40_000 / 3600)));
    expect(matrix.distance_m[1][0]).toBe(matrix.distance_m[0][1]);
    expect(matrix.distance_m[0][0]).toBe(0);
  });

  test("says whether a matrix has a start and every stop", () => {
    const matrix = { ids: ["start", "a", "b"] };
    expect(covers(matrix, ["b", "a"])).toBe(true);
    expect(covers(matrix, ["a", "c"])).toBe(false);
    expect(covers({ ids: ["a", "b"] }, ["a"])).toBe(false);
    expect(covers(null, [])).toBe(false);
  });
});

describe("moveStop", () => {
  test("moves one stop and shifts the others", () => {
    expect(moveStop(["a", "b", "c", "d"], 0, 2)).toEqual(["b", "c", "a", "d"]);
    expect(moveStop(["a", "b", "c", "d"], 3, 1)).toEqual(["a", "d", "b", "c"]);
  });

  test("leaves the order alone for a position outside it", () => {
    expect(moveStop(["a", "b"], 1, 2)).toEqual(["a", "b"]);
    expect(moveStop(["a", "b"], -1, 0)).toEqual(["a", "b"]);
  });
});
