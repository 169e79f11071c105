// What the Map screen asks the server: the tile settings and the accounts of a viewport, which
// come back as server clusters when the viewport holds more than a map can draw.
import { request } from "./client.js";

// The server sends at most this many accounts per page; a viewport below the cluster threshold
// fits in one or two pages.
const PAGE_LIMIT = 500;
const MAX_PAGES = 4;

export function mapConfig() {
  return request("/config");
}

const clamp = (value, low, high) => Math.min(high, Math.max(low, value));
const fixed = (value) => value.toFixed(6);

// "minLng,minLat,maxLng,maxLat" inside the world's limits; a view wider than the world is the world.
export function bboxParam({ west, south, east, north }) {
  const whole = east - west >= 360;
  const box = [
    whole ? -180 : clamp(west, -180, 180),
    clamp(south, -90, 90),
    whole ? 180 : clamp(east, -180, 180),
    clamp(north, -90, 90),
  ];
  return box.map(fixed).join(",");
}

// { clusters: [{location, count, bbox}], items: [account] } for the viewport at `zoom`.
export async function viewport(bounds, zoom, filters = {}) {
  const query = new URLSearchParams({
    bbox: bboxParam(bounds),
    zoom: String(Math.round(zoom)),
    limit: String(PAGE_LIMIT),
  });
  for (const [name, value] of Object.entries(filters)) if (value) query.set(name, value);
  let page = await request(`/accounts?${query}`);
  const items = [...page.items];
  for (let pages = 1; page.next_cursor && pages < MAX_PAGES; pages += 1) {
    query.set("cursor", page.next_cursor);
    page = await request(`/accounts?${query}`);
    items.push(...page.items);
  }
  return { clusters: page.clusters ?? [], items };
}
