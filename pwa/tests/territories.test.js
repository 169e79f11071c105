import { describe, expect, test } from "vitest";
import { languages } from "../src/i18n.js";
import strings from "../src/locales/territories.js";
import {
  assignmentProgress,
  fieldErrors,
  gapMarkers,
  overlapRows,
  partsOf,
  polygonsOf,
  readCollection,
  repNames,
  territoryColour,
  territoryList,
  toMultiPolygon,
} from "../src/shared/territories.js";

// Leaflet's LatLng is an object with lat and lng; Geoman's polygons give rings of them.
const ll = (lat, lng) => ({ lat, lng });
// A square drawn clockwise (as a hand often goes: north-west, north-east, south-east, south-west).
const CLOCKWISE = [ll(44.44, 26.09), ll(44.44, 26.11), ll(44.42, 26.11), ll(44.42, 26.09)];
const twiceArea = (ring) =>
  ring.slice(0, -1).reduce((sum, [x1, y1], i) => sum + x1 * ring[i + 1][1] - ring[i + 1][0] * y1, 0);

describe("toMultiPolygon", () => {
  test("turns one drawn part into a closed, counter-clockwise MultiPolygon ring in [lng, lat]", () => {
    const area = toMultiPolygon([[CLOCKWISE]]);

    expect(area.type).toBe("MultiPolygon");
    expect(area.coordinates).toHaveLength(1);
    const [[ring]] = area.coordinates;
    expect(ring).toHaveLength(5);
    expect(ring[0]).toEqual(ring[4]);
    expect(new Set(ring.slice(0, 4).map(String))).toEqual(
      new Set(["26.09,44.44", "26.11,44.44", "26.11,44.42", "26.09,44.42"]),
    );
    expect(twiceArea(ring)).toBeGreaterThan(0);
  });

  test("keeps several parts as several polygons, and a hole clockwise inside its part", () => {
    const hole = [ll(44.425, 26.095), ll(44.435, 26.095), ll(44.435, 26.105), ll(44.425, 26.105)];
    const east = [ll(44.42, 26.2), ll(44.42, 26.22), ll(44.44, 26.21)];

    const area = toMultiPolygon([[CLOCKWISE, hole], [east]]);

    expect(area.coordinates).toHaveLength(2);
    const [[outer, inner], [second]] = area.coordinates;
    expect(twiceArea(outer)).toBeGreaterThan(0);
    expect(twiceArea(inner)).toBeLessThan(0);
    expect(twiceArea(second)).toBeGreaterThan(0);
    expect(second).toHaveLength(4);
  });

  test("reads a layer's multi-part latlngs and a bare ring the same way", () => {
    const multi = toMultiPolygon([[[CLOCKWISE], [[ll(1, 1), ll(1, 2), ll(2, 2)]]]]);
    const bare = toMultiPolygon([CLOCKWISE]);

    expect(multi.coordinates).toHaveLength(2);
    expect(bare).toEqual(toMultiPolygon([[CLOCKWISE]]));
  });

  test("drops repeated corners, a closing repeat, and parts with no area; null when nothing is left", () => {
    const repeated = [
      ll(44.44, 26.09),
      ll(44.44, 26.09),
      ll(44.44, 26.11),
      ll(44.42, 26.11),
      ll(44.44, 26.09),
    ];
    const line = [ll(1, 1), ll(1, 2), ll(1, 1)];

    const area = toMultiPolygon([[repeated], [line]]);

    expect(area.coordinates).toHaveLength(1);
    expect(area.coordinates[0][0]).toHaveLength(4);
    expect(toMultiPolygon([[line]])).toBeNull();
    expect(toMultiPolygon([])).toBeNull();
    expect(polygonsOf([])).toEqual([]);
  });

  test("rounds coordinates to seven decimals", () => {
    const [[ring]] = toMultiPolygon([
      [[ll(44.123456789, 26.987654321), ll(44.2, 26.9), ll(44.3, 27)]],
    ]).coordinates;

    expect(ring).toContainEqual([26.9876543, 44.1234568]);
  });
});

describe("partsOf", () => {
  test("gives Leaflet [lat, lng] rings per part without the closing repeat, and round-trips", () => {
    const area = toMultiPolygon([[CLOCKWISE], [[ll(1, 1), ll(1, 2), ll(2, 2)]]]);

    const parts = partsOf(area);

    expect(parts).toHaveLength(2);
    expect(parts[1][0]).toHaveLength(3);
    const back = toMultiPolygon(
      parts.map((rings) => rings.map((ring) => ring.map(([lat, lng]) => ll(lat, lng)))),
    );
    expect(back).toEqual(area);
  });

  test("reads a Polygon as one part, and nothing as no part", () => {
    expect(
      partsOf({
        type: "Polygon",
        coordinates: [
          [
            [0, 0],
            [1, 0],
            [1, 1],
            [0, 0],
          ],
        ],
      }),
    ).toEqual([
      [
        [
          [0, 0],
          [0, 1],
          [1, 1],
        ],
      ],
    ]);
    expect(partsOf(null)).toEqual([]);
  });
});

describe("what the screen lists", () => {
  const territories = [
    { id: "t-north", name: "North" },
    { id: "t-east", name: "East" },
  ];

  test("gives a territory the same colour every time, from the palette", () => {
    expect(territoryColour("t-north")).toBe(territoryColour("t-north"));
    expect(territoryColour("t-north")).toMatch(/^#[0-9a-f]{6}$/);
    const colours = new Set(Array.from({ length: 40 }, (_, i) => territoryColour(`id-${i}`)));
    expect(colours.size).toBeGreaterThan(5);
  });

  test("names overlaps by the server's name, else the device's account, with their territories by name", () => {
    const items = [
      { account_id: "a2", territory_ids: ["t-north", "t-east"] },
      { account_id: "a1", account_name: "Zebra Pharmacy", territory_ids: ["t-gone", "t-east"] },
      { account_id: "a3", territory_ids: ["t-north", "t-east"] },
    ];
    const accounts = new Map([["a2", { id: "a2", name: "Apothecary" }]]);

    const rows = overlapRows(items, territories, accounts);

    expect(rows.map((row) => row.accountId)).toEqual(["a3", "a2", "a1"]); // no name first, then by name
    expect(rows[1]).toEqual({ accountId: "a2", name: "Apothecary", territories: ["East", "North"] });
    expect(rows[2].territories).toEqual(["East", null]);
    expect(rows[0].name).toBeNull();
    expect(territoryList(rows[2].territories, "en", "another")).toBe("East and another");
  });

  test("lists reps by name and leaves out ids it does not know", () => {
    const reps = [
      { id: "r1", name: "Radu" },
      { id: "r2", name: "Ana" },
    ];

    expect(repNames(["r1", "r2", "r9"], reps)).toEqual(["Ana", "Radu"]);
    expect(repNames(undefined, reps)).toEqual([]);
  });

  test("turns a gaps answer into markers at [lat, lng] and counts every account in it", () => {
    const answer = {
      clusters: [
        { location: { type: "Point", coordinates: [26.1, 44.4] }, count: 12, bbox: [26, 44, 26.2, 44.5] },
      ],
      items: [
        { id: "a1", name: "Shop", location: { type: "Point", coordinates: [26.2, 44.5] } },
        { id: "a2", name: "Nowhere", location: null },
      ],
    };

    const gaps = gapMarkers(answer);

    expect(gaps.clusters).toEqual([{ at: [44.4, 26.1], count: 12, bbox: [26, 44, 26.2, 44.5] }]);
    expect(gaps.items).toEqual([{ id: "a1", name: "Shop", at: [44.5, 26.2] }]);
    expect(gaps.total).toBe(13);
    expect(gaps.capped).toBe(false);
    expect(gapMarkers(undefined)).toEqual({ clusters: [], items: [], total: 0, capped: false });
  });

  test("takes the server's count of gaps over the accounts it lists, and says when it stopped counting", () => {
    const items = [{ id: "a1", name: "Shop", location: { type: "Point", coordinates: [26.2, 44.5] } }];

    expect(gapMarkers({ count: 740, count_capped: false, items })).toMatchObject({
      total: 740,
      capped: false,
    });
    expect(gapMarkers({ count: 10000, count_capped: true, items })).toMatchObject({
      total: 10000,
      capped: true,
    });
  });

  test("shows a re-assignment's progress while it runs, and none once done or absent", () => {
    expect(assignmentProgress({ assignment: { state: "running", done: 25000, total: 100000 } })).toEqual({
      state: "running",
      done: 25000,
      total: 100000,
      percent: 25,
    });
    expect(assignmentProgress({ assignment: { state: "queued", done: 0, total: 0 } })).toEqual({
      state: "queued",
      done: 0,
      total: 0,
      percent: 0,
    });
    expect(assignmentProgress({ assignment: { state: "running", done: 12, total: 10 } }).done).toBe(10);
    expect(assignmentProgress({ assignment: { state: "done", done: 10, total: 10 } })).toBeNull();
    expect(assignmentProgress({ assignment: null })).toBeNull();
    expect(assignmentProgress({})).toBeNull();
  });
});

describe("a GeoJSON file to import", () => {
  test("is a FeatureCollection with features", () => {
    const collection = {
      type: "FeatureCollection",
      features: [{ type: "Feature", properties: { name: "North" }, geometry: null }],
    };

    expect(readCollection(JSON.stringify(collection))).toEqual({ collection });
  });

  test("is refused when not JSON, not a FeatureCollection, or empty", () => {
    expect(readCollection("{nope")).toEqual({ error: "json" });
    expect(readCollection('{"type": "Feature"}')).toEqual({ error: "type" });
    expect(readCollection("null")).toEqual({ error: "type" });
    expect(readCollection('{"type": "FeatureCollection", "features": []}')).toEqual({ error: "empty" });
  });

  test("shows the server's field errors in feature order", () => {
    const fields = { "features.10.geometry": "not closed", "features.2.properties.name": "required" };

    expect(fieldErrors(fields)).toEqual([
      "features.2.properties.name: required",
      "features.10.geometry: not closed",
    ]);
    expect(fieldErrors(undefined)).toEqual([]);
  });
});

describe("the Territories strings", () => {
  const placeholders = (text) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

  test.each(languages.map(({ code }) => code))(
    "have every English key with the same placeholders in %s",
    (code) => {
      expect(Object.keys(strings[code]).sort()).toEqual(Object.keys(strings.en).sort());
      for (const [key, text] of Object.entries(strings.en))
        expect(placeholders(strings[code][key]), key).toEqual(placeholders(text));
    },
  );

  test.each(languages.filter(({ code }) => code !== "en").map(({ code }) => code))(
    "are translated in %s",
    (code) => {
      const same = Object.keys(strings.en).filter((key) => strings[code][key] === strings.en[key]);
      expect(same).toEqual(["territories.file"]); // the format's name
    },
  );
});
