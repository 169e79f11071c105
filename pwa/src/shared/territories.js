// The Territories screen's rules, DOM-free so they are unit-tested in node: the parts drawn on the
// map as the MultiPolygon the API takes (and back), each territory's colour, the overlaps and gaps
// as the screen lists them, a long re-assignment's progress and a GeoJSON file read for import.

// Distinct on the map's light and dark tiles, and none of them the accounts' blue or orange.
const PALETTE = [
  "#1b9e77",
  "#d95f02",
  "#7570b3",
  "#e7298a",
  "#66a61e",
  "#a6761d",
  "#1f78b4",
  "#b15928",
  "#6a3d9a",
  "#e31a1c",
];
const DIGITS = 1e7; // GeoJSON coordinates kept to 7 decimals (about a centimetre)

const round = (value) => Math.round(value * DIGITS) / DIGITS;
const isPoint = (value) =>
  value !== null && typeof value === "object" && Number.isFinite(value.lat) && Number.isFinite(value.lng);

/** The colour a territory is drawn in: the same for the same id on every device and every visit. */
export function territoryColour(id) {
  let hash = 0;
  for (const char of String(id)) hash = (hash * 31 + char.codePointAt(0)) >>> 0;
  return PALETTE[hash % PALETTE.length];
}

// Twice the ring's signed area in degrees (positive when counter-clockwise); only its sign is used.
function signedArea(ring) {
  let sum = 0;
  for (let i = 0; i < ring.length - 1; i += 1)
    sum += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1];
  return sum;
}

// A ring of Leaflet points as closed GeoJSON [lng, lat] positions, repeated points dropped; null
// when fewer than three distinct positions are left (no area).
function ringOf(latlngs) {
  const positions = [];
  for (const point of latlngs) {
    if (!isPoint(point)) continue;
    const position = [round(point.lng), round(point.lat)];
    const last = positions.at(-1);
    if (!last || last[0] !== position[0] || last[1] !== position[1]) positions.push(position);
  }
  while (
    positions.length > 1 &&
    positions[0][0] === positions.at(-1)[0] &&
    positions[0][1] === positions.at(-1)[1]
  )
    positions.pop();
  if (new Set(positions.map(String)).size < 3) return null;
  return [...positions, positions[0]];
}

// Outer rings counter-clockwise and holes clockwise, as RFC 7946 asks.
function oriented(ring, counterClockwise) {
  return signedArea(ring) > 0 === counterClockwise ? ring : [...ring].reverse();
}

/**
 * A polygon layer's latlngs as Leaflet gives them (getLatLngs(): a ring, [outer, ...holes], or a
 * list of those for a multi-part layer) as GeoJSON polygons' coordinates.
 */
export function polygonsOf(latlngs) {
  if (!Array.isArray(latlngs) || latlngs.length === 0) return [];
  if (isPoint(latlngs[0])) return polygonsOf([latlngs]);
  if (Array.isArray(latlngs[0]) && isPoint(latlngs[0][0])) {
    const [outer, ...holes] = latlngs.map(ringOf);
    if (!outer) return [];
    return [[oriented(outer, true), ...holes.filter(Boolean).map((hole) => oriented(hole, false))]];
  }
  return latlngs.flatMap(polygonsOf);
}

/** The parts drawn (each a polygon layer's getLatLngs()) as one MultiPolygon, or null when none has an area. */
export function toMultiPolygon(parts) {
  const polygons = parts.flatMap(polygonsOf);
  return polygons.length ? { type: "MultiPolygon", coordinates: polygons } : null;
}

/**
 * A territory's area (a MultiPolygon, or a Polygon) as one Leaflet latlngs array per part:
 * [outer, ...holes], each ring of [lat, lng] without GeoJSON's closing repeat.
 */
export function partsOf(area) {
  const polygons =
    area?.type === "Polygon" ? [area.coordinates] : area?.type === "MultiPolygon" ? area.coordinates : [];
  return polygons.map((rings) =>
    rings.map((ring) => {
      const open =
        ring.length > 1 && ring[0][0] === ring.at(-1)[0] && ring[0][1] === ring.at(-1)[1]
          ? ring.slice(0, -1)
          : ring;
      return open.map(([lng, lat]) => [lat, lng]);
    }),
  );
}

/** The names of `repIds` among `reps` ({id, name}), in name order; ids not among them are left out. */
export function repNames(repIds, reps) {
  const names = new Map(reps.map((rep) => [rep.id, rep.name]));
  return (repIds ?? [])
    .map((id) => names.get(id))
    .filter(Boolean)
    .sort((a, b) => a.localeCompare(b));
}

/**
 * The overlaps (`GET /territories/overlaps` items: {account_id, territory_ids, and the account's
 * name when the server sends one}) as rows to list: {accountId, name (the server's, else the
 * device's copy of the account, else null), territories: names in order (null, last, for one
 * not known here)}, by name then id.
 */
export function overlapRows(items, territories, accountsById = new Map()) {
  const names = new Map(territories.map((territory) => [territory.id, territory.name]));
  return items
    .map((item) => ({
      accountId: item.account_id,
      name:
        item.account_name ??
        item.name ??
        item.account?.name ??
        accountsById.get(item.account_id)?.name ??
        null,
      territories: (item.territory_ids ?? []).map((id) => names.get(id) ?? null).sort(byNameUnknownLast),
    }))
    .sort(
      (a, b) =>
        String(a.name ?? "").localeCompare(String(b.name ?? "")) || (a.accountId < b.accountId ? -1 : 1),
    );
}

function byNameUnknownLast(a, b) {
  if (a === null || b === null) return (a === null) - (b === null);
  return a.localeCompare(b);
}

/** The territories' names of an overlap row as one phrase in `locale` ("North and East"); `unknown` for a missing name. */
export function territoryList(names, locale, unknown = "?") {
  return new Intl.ListFormat(locale, { type: "conjunction" }).format(names.map((name) => name ?? unknown));
}

/**
 * The gaps of a viewport (`GET /territories/gaps` answer: {count, count_capped, items: [accounts]},
 * and clusters [{location, count, bbox}] when the server groups them) as what the map draws:
 * clusters and accounts at [lat, lng]; `total`, how many accounts have no territory there (the
 * server's count when it gives one, which may go beyond the accounts listed), and `capped` when
 * the server stopped counting.
 */
export function gapMarkers(answer) {
  const at = (point) => [point.coordinates[1], point.coordinates[0]];
  const clusters = (answer?.clusters ?? [])
    .filter((cluster) => cluster.location)
    .map((cluster) => ({ at: at(cluster.location), count: cluster.count, bbox: cluster.bbox }));
  const items = (answer?.items ?? [])
    .filter((account) => account.location)
    .map((account) => ({ id: account.id, name: account.name, at: at(account.location) }));
  const drawn = clusters.reduce((sum, cluster) => sum + cluster.count, 0) + items.length;
  return {
    clusters,
    items,
    total: Number.isFinite(answer?.count) ? answer.count : drawn,
    capped: Boolean(answer?.count_capped),
  };
}

/**
 * A re-assignment still running for a territory (its `assignment: {state, done, total}`): {state,
 * done, total, percent}, or null when there is none or it is done.
 */
export function assignmentProgress(territory) {
  const assignment = territory?.assignment;
  if (!assignment || assignment.state === "done") return null;
  const total = Math.max(0, Number(assignment.total) || 0);
  const done = Math.min(total, Math.max(0, Number(assignment.done) || 0));
  return { state: assignment.state, done, total, percent: total ? Math.floor((done * 100) / total) : 0 };
}

/**
 * A file's text read for import: {collection} when it is a GeoJSON FeatureCollection with at
 * least one feature, else {error}: "json" (not JSON), "type" (not a FeatureCollection) or "empty".
 */
export function readCollection(text) {
  let data;
  try {
    data = JSON.parse(text);
  } catch {
    return { error: "json" };
  }
  if (data?.type !== "FeatureCollection" || !Array.isArray(data.features)) return { error: "type" };
  if (data.features.length === 0) return { error: "empty" };
  return { collection: data };
}

/** The server's field errors of a refused import as lines "field: why", in field order. */
export function fieldErrors(fields) {
  return Object.entries(fields ?? {})
    .sort(([a], [b]) => a.localeCompare(b, "en", { numeric: true }))
    .map(([field, why]) => `${field}: ${why}`);
}
