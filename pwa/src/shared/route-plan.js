// The order of a day's stops when the server cannot plan it (offline, or its planner is not
// there), and the totals of any order the rep makes by hand. DOM-free, so it is unit-tested in
// node. Every figure comes from a travel matrix shaped like the server's answer (`ids` naming
// rows and columns: "start", the stops, then "end" when the day ends somewhere given), so the
// road figures of a server plan are reused offline and a geodesic one stands in without them.
import { distanceMetres } from "./distance.js";

// The server's geodesic provider (server/planning/matrix.py): a straight line stretched for the
// roads' windings, driven at a town-and-suburb average. The same numbers here keep a plan made
// on the device comparable with one the server made without a routing service.
export const GEODESIC_DETOUR = 1.3;
export const GEODESIC_SPEED_M_S = 40_000 / 3600;
// Up to this many stops free to move, every order is tried: the best one, in a few milliseconds
// on a phone. Above it nearest neighbour and local search (2-opt, moving one stop) are used.
export const EXACT_LIMIT = 8;

/**
 * A geodesic travel matrix over `points` ({id, lng, lat}, the first "start", the last "end" when
 * there is one): whole metres along the stretched straight line and whole seconds to drive them.
 */
export function geodesicMatrix(points) {
  const distance_m = points.map((from) =>
    points.map((to) =>
      from === to ? 0 : Math.round(distanceMetres(from.lng, from.lat, to.lng, to.lat) * GEODESIC_DETOUR),
    ),
  );
  const duration_s = distance_m.map((row) => row.map((metres) => Math.round(metres / GEODESIC_SPEED_M_S)));
  return { ids: points.map((point) => point.id), distance_m, duration_s };
}

/** Whether `matrix` has a row for the start and every one of `ids`. */
export function covers(matrix, ids) {
  if (!matrix?.ids || matrix.ids[0] !== "start") return false;
  const known = new Set(matrix.ids);
  return ids.every((id) => known.has(id));
}

function indexer(matrix) {
  const index = new Map(matrix.ids.map((id, i) => [id, i]));
  return (id) => {
    const i = index.get(id);
    if (i === undefined) throw new Error(`the matrix has no row for ${id}`);
    return i;
  };
}

const hasEnd = (matrix) => matrix.ids[matrix.ids.length - 1] === "end";

// The cost of visiting `nodes` (matrix indexes) from the start, then to the end when there is one.
function tourCost(table, nodes, end) {
  let cost = 0;
  let from = 0;
  for (const node of nodes) {
    cost += table[from][node];
    from = node;
  }
  return end === null ? cost : cost + table[from][end];
}

/**
 * The totals of visiting `order` (stop ids) from the start (and on to the end when the matrix has
 * one): {distance_m, duration_s, legs: [{from, to, distance_m, duration_s}]}.
 */
export function routeTotals(matrix, order) {
  const at = indexer(matrix);
  const path = ["start", ...order, ...(hasEnd(matrix) ? ["end"] : [])];
  const legs = [];
  for (let k = 1; k < path.length; k += 1) {
    const [i, j] = [at(path[k - 1]), at(path[k])];
    legs.push({
      from: path[k - 1],
      to: path[k],
      distance_m: matrix.distance_m[i][j],
      duration_s: matrix.duration_s[i][j],
    });
  }
  const sum = (name) => legs.reduce((total, leg) => total + leg[name], 0);
  return { distance_m: sum("distance_m"), duration_s: sum("duration_s"), legs };
}

/**
 * The visiting order of `stops` (ids, in their current order) that keeps the drive shortest in
 * time: `locked` ids keep the position they have among the stops that are not skipped, `skipped`
 * ids are left out. Up to EXACT_LIMIT free stops the best order; above, nearest neighbour
 * improved by 2-opt and by moving single stops until neither helps.
 */
export function planOrder(matrix, stops, { locked = [], skipped = [] } = {}) {
  const at = indexer(matrix);
  const table = matrix.duration_s;
  const end = hasEnd(matrix) ? matrix.ids.length - 1 : null;
  const out = new Set(skipped);
  const visiting = stops.filter((id) => !out.has(id));
  const lockedSet = new Set(locked);
  const fixed = visiting.map((id) => (lockedSet.has(id) ? at(id) : null)); // position -> node or null
  const free = visiting.filter((id) => !lockedSet.has(id)).map(at);
  const nodes =
    free.length <= EXACT_LIMIT
      ? bestOrder(table, fixed, free, end)
      : localSearch(table, fixed, nearestNeighbour(table, fixed, free), end);
  return nodes.map((node) => matrix.ids[node]);
}

// Every way of putting the free stops into the free positions, the cheapest kept (depth first,
// a branch dropped once it costs more than the best whole tour found so far).
function bestOrder(table, fixed, free, end) {
  let best = null;
  let bestCost = Number.POSITIVE_INFINITY;
  const tour = [];
  const used = new Array(free.length).fill(false);
  const extend = (position, from, cost) => {
    if (cost >= bestCost) return;
    if (position === fixed.length) {
      const total = end === null ? cost : cost + table[from][end];
      if (total < bestCost) [bestCost, best] = [total, [...tour]];
      return;
    }
    const candidates =
      fixed[position] !== null
        ? [[fixed[position], -1]]
        : free.map((node, k) => [node, k]).filter(([, k]) => !used[k]);
    for (const [node, k] of candidates) {
      if (k >= 0) used[k] = true;
      tour.push(node);
      extend(position + 1, node, cost + table[from][node]);
      tour.pop();
      if (k >= 0) used[k] = false;
    }
  };
  extend(0, 0, 0);
  return best ?? [];
}

/**
 * Nearest neighbour over matrix indexes: position by position from the start, a locked
 * position takes its stop and a free one the nearest free stop not yet visited.
 */
export function nearestNeighbour(table, fixed, free) {
  const left = new Set(free);
  const tour = [];
  let from = 0;
  for (const node of fixed) {
    let next = node;
    if (next === null) {
      for (const candidate of left)
        if (next === null || table[from][candidate] < table[from][next]) next = candidate;
      left.delete(next);
    }
    tour.push(next);
    from = next;
  }
  return tour;
}

/**
 * `tour` (matrix indexes) improved until no move shortens it: 2-opt (a stretch of free
 * positions visited backwards) and moving the stop of one free position to another (the free
 * stops between shift along, locked positions stay). Locked positions never change.
 */
export function localSearch(table, fixed, tour, end) {
  let current = [...tour];
  let cost = tourCost(table, current, end);
  const freePositions = fixed
    .map((node, position) => (node === null ? position : -1))
    .filter((position) => position >= 0);
  for (let improved = true; improved;) {
    improved = false;
    for (const candidate of moves(current, fixed, freePositions)) {
      const candidateCost = tourCost(table, candidate, end);
      if (candidateCost < cost) {
        [current, cost, improved] = [candidate, candidateCost, true];
        break;
      }
    }
  }
  return current;
}

function* moves(tour, fixed, freePositions) {
  // 2-opt: reverse tour[i..j] when no locked position lies within it.
  for (let i = 0; i < tour.length; i += 1) {
    if (fixed[i] !== null) continue;
    for (let j = i + 1; j < tour.length && fixed[j] === null; j += 1) {
      yield [...tour.slice(0, i), ...tour.slice(i, j + 1).reverse(), ...tour.slice(j + 1)];
    }
  }
  // Or-opt of one stop: take the stop at one free position and put it at another.
  for (const from of freePositions) {
    for (const to of freePositions) {
      if (from === to) continue;
      const stops = freePositions.map((position) => tour[position]);
      const [moved] = stops.splice(freePositions.indexOf(from), 1);
      stops.splice(freePositions.indexOf(to), 0, moved);
      const candidate = [...tour];
      freePositions.forEach((position, k) => (candidate[position] = stops[k]));
      yield candidate;
    }
  }
}

/** `order` with the stop at `from` moved to `to` (positions in the list). */
export function moveStop(order, from, to) {
  if (from === to || from < 0 || to < 0 || from >= order.length || to >= order.length) return [...order];
  const next = [...order];
  const [id] = next.splice(from, 1);
  next.splice(to, 0, id);
  return next;
}
