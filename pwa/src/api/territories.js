// What the Territories screen asks the server: the territories (all pages), one created, changed
// or deleted, the accounts that sit in two, those in a viewport that sit in none, and GeoJSON in
// and out. Online only: territories are the manager's desk work, not kept on the device.
import { request } from "./client.js";
import { bboxParam } from "./map.js";

const PAGE_LIMIT = 500;
const MAX_PAGES = 20; // 10,000 territories: far more than an organisation draws

const path = (id) => `/territories/${encodeURIComponent(id)}`;

/** Every territory the caller may see, in the server's order. */
export async function listTerritories() {
  const params = new URLSearchParams({ limit: String(PAGE_LIMIT) });
  const items = [];
  for (let pages = 0; pages < MAX_PAGES; pages += 1) {
    const page = await request(`/territories?${params}`);
    items.push(...page.items);
    if (!page.next_cursor) break;
    params.set("cursor", page.next_cursor);
  }
  return items;
}

export const getTerritory = (id) => request(path(id));

/** A new territory: {name, area, rep_ids}. */
export const createTerritory = (territory) => request("/territories", { method: "POST", body: territory });

/** Changes to a territory, with the version they were made on (a stale one is a 409). */
export const updateTerritory = (id, changes, version) =>
  request(path(id), { method: "PATCH", body: { ...changes, version } });

export const deleteTerritory = (id) => request(path(id), { method: "DELETE" });

/** The accounts that sit in more than one territory: {items: [{account_id, territory_ids}], next_cursor?}. */
export const overlaps = () => request(`/territories/overlaps?limit=${PAGE_LIMIT}`);

/** The accounts with a location and no territory in a viewport: {count, count_capped, items}. */
export const gaps = (bounds) =>
  request(`/territories/gaps?${new URLSearchParams({ bbox: bboxParam(bounds), limit: String(PAGE_LIMIT) })}`);

/** Where the browser downloads every territory as a GeoJSON FeatureCollection. */
export const EXPORT_URL = "/api/v1/territories/export.geojson";

/** One territory per feature of a FeatureCollection. */
export const importTerritories = (collection) =>
  request("/territories/import", { method: "POST", body: collection });
