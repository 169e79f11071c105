// Near me's prospect queries, DOM-free so they are unit-tested in node: the list filters applied
// to the device's accounts when the server cannot be asked (kind, status, not visited in N days,
// as GET /accounts applies them), the line of the rep's day (where they stand, then today's
// tasks' accounts in Today's order) that "along my route" asks about, and the accounts found
// along it put in the order the route passes them.
import { distanceMetres } from "./distance.js";
import { assignedTo, todayLists } from "./tasks.js";

const DAY_MS = 86_400_000;
const DIGITS = 1e6;

const round = (value) => Math.round(value * DIGITS) / DIGITS;

/** Whether `account` has not been visited in the last `days` days before `now` (never visited counts). */
export function notVisitedFor(account, days, now = Date.now()) {
  if (!account.last_visit_at) return true;
  return Date.parse(account.last_visit_at) < now - days * DAY_MS;
}

/** Whether `account` passes Near me's filters ({kind, status, not_visited_days}; empty ones pass). */
export function matchesFilters(account, filters, now = Date.now()) {
  const { kind, status, not_visited_days: days } = filters;
  if (kind && account.kind !== kind) return false;
  if (status && account.status !== status) return false;
  if (days !== undefined && days !== null && days !== "" && !notVisitedFor(account, Number(days), now))
    return false;
  return true;
}

/**
 * The route of the day as a GeoJSON LineString: from `position` ({lat, lng}, when known) through
 * the accounts of `userId`'s tasks due today or overdue, in the order Today lists them, skipping
 * tasks without an account or a location on the device and a stop where the route already is.
 * Null when fewer than two places are left: there is no route to follow.
 */
export function routeLine(position, tasks, accountsById, userId, now = new Date()) {
  const places = [];
  if (position && Number.isFinite(position.lat) && Number.isFinite(position.lng))
    places.push([round(position.lng), round(position.lat)]);
  for (const task of todayLists(assignedTo(tasks, userId), now).now) {
    const coordinates = accountsById.get(task.account_id)?.location?.coordinates;
    if (!coordinates) continue;
    const place = [round(coordinates[0]), round(coordinates[1])];
    const last = places.at(-1);
    if (!last || last[0] !== place[0] || last[1] !== place[1]) places.push(place);
  }
  return places.length >= 2 ? { type: "LineString", coordinates: places } : null;
}

// Where `point` falls on the segment a-b ([lng, lat] each): the fraction along it, measured in a
// plane tangent at `a` (exact enough over the few kilometres between two stops).
function fractionAlong(point, a, b) {
  const scale = Math.cos((a[1] * Math.PI) / 180);
  const bx = (b[0] - a[0]) * scale;
  const by = b[1] - a[1];
  const px = (point[0] - a[0]) * scale;
  const py = point[1] - a[1];
  const length2 = bx * bx + by * by;
  return length2 === 0 ? 0 : Math.min(1, Math.max(0, (px * bx + py * by) / length2));
}

/**
 * `accounts` (with locations) found along `line`, each with `along_m` (how far along the route
 * its nearest point is) and `off_m` (how far it is from the route), in the order the route
 * passes them (then nearer first, then by id).
 */
export function alongRoute(line, accounts) {
  const stops = line.coordinates;
  const starts = [0];
  for (let i = 1; i < stops.length; i += 1)
    starts.push(starts[i - 1] + distanceMetres(...stops[i - 1], ...stops[i]));
  return accounts
    .filter((account) => account.location)
    .map((account) => {
      const point = account.location.coordinates;
      let best = { off_m: Number.POSITIVE_INFINITY, along_m: 0 };
      for (let i = 0; i < Math.max(1, stops.length - 1); i += 1) {
        const a = stops[i];
        const b = stops[Math.min(i + 1, stops.length - 1)];
        const fraction = fractionAlong(point, a, b);
        const nearest = [a[0] + (b[0] - a[0]) * fraction, a[1] + (b[1] - a[1]) * fraction];
        const off = distanceMetres(...point, ...nearest);
        if (off < best.off_m) best = { off_m: off, along_m: starts[i] + distanceMetres(...a, ...nearest) };
      }
      return { ...account, ...best };
    })
    .sort((a, b) => a.along_m - b.along_m || a.off_m - b.off_m || (a.id < b.id ? -1 : 1));
}

/** The corridor `POST /accounts/search` takes for `line`, `withinM` metres wide on each side. */
export function corridorArea(line, withinM) {
  return { line, within_m: withinM };
}
