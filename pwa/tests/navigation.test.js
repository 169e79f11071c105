import { describe, expect, test } from "vitest";
import {
  GOOGLE_WAYPOINTS,
  googleDirections,
  googleRouteUrls,
  legLink,
  legLinks,
} from "../src/shared/navigation.js";

const point = (k) => ({ lng: 26 + k / 100, lat: 44 + k / 100 });
const ll = (k) => `${44 + k / 100},${26 + k / 100}`;

function parts(url) {
  const query = new URL(url).searchParams;
  return {
    origin: query.get("origin"),
    destination: query.get("destination"),
    waypoints: query.get("waypoints")?.split("|") ?? [],
  };
}

describe("googleDirections", () => {
  test("names origin, destination and the waypoints in order, encoded, for driving", () => {
    const url = googleDirections(point(0), point(3), [point(1), point(2)]);
    expect(url).toBe(
      `https://www.google.com/maps/dir/?api=1&origin=${ll(0)}&destination=${ll(3)}&waypoints=${encodeURIComponent(`${ll(1)}|${ll(2)}`)}&travelmode=driving`,
    );
  });

  test("has no waypoints parameter for a single leg and rounds to six decimals", () => {
    const url = googleDirections({ lng: 26.10251234567, lat: 44.4268 }, { lng: -0.5, lat: 51.000001 });
    expect(url).toBe(
      "https://www.google.com/maps/dir/?api=1&origin=44.4268,26.102512&destination=51.000001,-0.5&travelmode=driving",
    );
  });
});

describe("googleRouteUrls", () => {
  test("puts a route that fits into one link", () => {
    const stops = Array.from({ length: GOOGLE_WAYPOINTS + 1 }, (_, k) => point(k + 1));
    const urls = googleRouteUrls(point(0), stops);
    expect(urls).toHaveLength(1);
    expect(parts(urls[0])).toEqual({
      origin: ll(0),
      destination: ll(10),
      waypoints: [1, 2, 3, 4, 5, 6, 7, 8, 9].map(ll),
    });
  });

  test("splits a longer route, each link starting where the last ended, no stop lost", () => {
    const stops = Array.from({ length: 24 }, (_, k) => point(k + 1));
    const urls = googleRouteUrls(point(0), stops, point(99)).map(parts);
    expect(urls).toHaveLength(3);
    for (const link of urls) expect(link.waypoints.length).toBeLessThanOrEqual(GOOGLE_WAYPOINTS);
    expect(urls[0].origin).toBe(ll(0));
    expect(urls[1].origin).toBe(urls[0].destination);
    expect(urls[2].origin).toBe(urls[1].destination);
    expect(urls[2].destination).toBe(ll(99));
    const visited = urls.flatMap((link, k) => [
      ...(k === 0 ? [link.origin] : []),
      ...link.waypoints,
      link.destination,
    ]);
    expect(visited).toEqual([0, ...Array.from({ length: 24 }, (_, k) => k + 1), 99].map(ll));
  });

  test("is empty without a stop", () => {
    expect(googleRouteUrls(point(0), [])).toEqual([]);
  });
});

describe("legLinks", () => {
  test("gives each app's link for one leg", () => {
    expect(legLinks(point(0), point(1))).toEqual({
      google: `https://www.google.com/maps/dir/?api=1&origin=${ll(0)}&destination=${ll(1)}&travelmode=driving`,
      apple: `https://maps.apple.com/?saddr=${ll(0)}&daddr=${ll(1)}&dirflg=d`,
      waze: `https://waze.com/ul?ll=${ll(1)}&navigate=yes`,
      geo: `geo:${ll(1)}?q=${ll(1)}`,
    });
  });

  test("legLink picks the chosen app, Google for one it does not know", () => {
    expect(legLink("waze", point(0), point(1))).toBe(`https://waze.com/ul?ll=${ll(1)}&navigate=yes`);
    expect(legLink("nonsense", point(0), point(1))).toBe(legLinks(point(0), point(1)).google);
  });
});
