import { describe, expect, test } from "vitest";
import { distanceMetres, nearestFirst } from "../src/shared/distance.js";

// From a Bucharest street corner; the expected metres are WGS 84 geodesics (geopy).
const CENTRE = [26.1025, 44.4268];
const PLACES = [
  { id: "sofia", location: { type: "Point", coordinates: [23.3219, 42.6977] }, geodesic: 295561.7 },
  { id: "south", location: { type: "Point", coordinates: [26.1025, 44.3] }, geodesic: 14089.9 },
  { id: "corner", location: { type: "Point", coordinates: [26.104, 44.428] }, geodesic: 179.0 },
  { id: "vilnius", location: { type: "Point", coordinates: [25.2797, 54.6872] }, geodesic: 1142692.8 },
  { id: "east", location: { type: "Point", coordinates: [26.2, 44.4268] }, geodesic: 7763.8 },
  { id: "north", location: { type: "Point", coordinates: [26.0969, 44.4378] }, geodesic: 1301.1 },
];

describe("distanceMetres", () => {
  test.each(PLACES)("is within 0.5 % of the geodesic to $id", ({ location, geodesic }) => {
    const metres = distanceMetres(...CENTRE, ...location.coordinates);
    expect(Math.abs(metres - geodesic) / geodesic).toBeLessThan(0.005);
  });

  test("is zero to the same point", () => {
    expect(distanceMetres(...CENTRE, ...CENTRE)).toBe(0);
  });
});

describe("nearestFirst", () => {
  test("orders the accounts as the geodesic distances do", () => {
    const byGeodesic = [...PLACES].sort((a, b) => a.geodesic - b.geodesic).map((place) => place.id);

    const ordered = nearestFirst(PLACES, ...CENTRE);

    expect(ordered.map((account) => account.id)).toEqual(byGeodesic);
  });

  test("adds a fresh distance_m and leaves the input alone", () => {
    const accounts = [{ id: "a", location: { coordinates: [26.104, 44.428] }, distance_m: 5 }];

    const [account] = nearestFirst(accounts, ...CENTRE);

    expect(account.distance_m).toBeCloseTo(179, -1);
    expect(accounts[0].distance_m).toBe(5);
  });

  test("skips accounts without a location and breaks ties by id", () => {
    const here = { coordinates: [26.104, 44.428] };
    const accounts = [
      { id: "b", location: here },
      { id: "x", location: null },
      { id: "a", location: here },
    ];

    expect(nearestFirst(accounts, ...CENTRE).map((account) => account.id)).toEqual(["a", "b"]);
  });
});
