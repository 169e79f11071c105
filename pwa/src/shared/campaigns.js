// The campaign screens' rules, DOM-free so they run in node: a drawn shape as the API's area, the
// builder's form as a campaign body, the audience preview's request and the latest-answer-only
// scheduling of it while a shape is dragged, and how a target's state looks on the progress map.

const DIGITS = 1e6; // six decimals: about 10 cm, more than a hand on a map can place

const round = (value) => Math.round(value * DIGITS) / DIGITS;

// Leaflet lets a map scroll past the antimeridian, so a shape drawn one world to the east has
// longitudes beyond 180. The whole shape moves back by whole turns (never point by point, which
// would tear a shape that crosses the antimeridian apart).
function turnsOff(lng) {
  return Math.round(lng / 360) * 360;
}

function position(latLng, offset) {
  return [round(latLng.lng - offset), round(latLng.lat)];
}

function ring(latLngs, offset) {
  const points = latLngs.map((latLng) => position(latLng, offset));
  const [first] = points;
  const last = points.at(-1);
  if (first[0] !== last[0] || first[1] !== last[1]) points.push([...first]);
  return points;
}

// Leaflet nests a polygon's latlngs: [ring, hole, ...] for one polygon, [[ring, ...], ...] for
// a multi-polygon; a flat list of points is a polygon without holes.
const isPoint = (value) => value && typeof value.lat === "number" && typeof value.lng === "number";

function polygonArea(latLngs) {
  const polygons = isPoint(latLngs[0]) ? [[latLngs]] : isPoint(latLngs[0][0]) ? [latLngs] : latLngs;
  const offset = turnsOff(polygons[0][0][0].lng);
  const coordinates = polygons.map((rings) =>
    rings.filter((points) => points.length >= 3).map((points) => ring(points, offset)),
  );
  if (coordinates.length === 1) return { type: "Polygon", coordinates: coordinates[0] };
  return { type: "MultiPolygon", coordinates };
}

/**
 * The area the API takes for a drawn Leaflet layer (a Geoman shape): a circle as
 * `{center: Point, radius_m}`, a polygon or rectangle as a GeoJSON Polygon (a MultiPolygon
 * when it has several parts), closed rings, [lng, lat] with six decimals. Null for anything else.
 */
export function areaFromLayer(layer) {
  if (typeof layer?.getRadius === "function" && typeof layer.getLatLng === "function") {
    const center = layer.getLatLng();
    const point = { type: "Point", coordinates: position(center, turnsOff(center.lng)) };
    return { center: point, radius_m: Math.round(layer.getRadius() * 10) / 10 };
  }
  if (typeof layer?.getLatLngs === "function") {
    const latLngs = layer.getLatLngs();
    if (!latLngs?.length) return null;
    return polygonArea(latLngs);
  }
  return null;
}

/**
 * What to draw for a saved area: `{kind: "circle", center: [lat, lng], radius}`,
 * `{kind: "polygon", latLngs}` (Leaflet's nesting, [lat, lng] pairs, rings left closed), or
 * `{kind: "territory", territoryId}`; null for an area the builder does not draw.
 */
export function shapeOfArea(area) {
  if (!area) return null;
  if (area.center && typeof area.radius_m === "number") {
    const [lng, lat] = area.center.coordinates;
    return { kind: "circle", center: [lat, lng], radius: area.radius_m };
  }
  const flip = (points) => points.map(([lng, lat]) => [lat, lng]);
  if (area.type === "Polygon") return { kind: "polygon", latLngs: area.coordinates.map(flip) };
  if (area.type === "MultiPolygon")
    return { kind: "polygon", latLngs: area.coordinates.map((rings) => rings.map(flip)) };
  if (area.territory_id) return { kind: "territory", territoryId: area.territory_id };
  return null;
}

export const KINDS = ["customer", "prospect"];

/**
 * The filters object of a campaign or segment from the form's values, without the empty ones:
 * tags typed as "a, b" become ["a", "b"], "not visited in N days" a whole number.
 */
export function cleanFilters(values = {}) {
  const filters = {};
  for (const name of ["kind", "status", "industry"]) {
    const value = String(values[name] ?? "").trim();
    if (value) filters[name] = value;
  }
  const tags = Array.isArray(values.tags) ? values.tags : String(values.tags ?? "").split(",");
  const cleaned = [...new Set(tags.map((tag) => String(tag).trim()).filter(Boolean))];
  if (cleaned.length) filters.tags = cleaned;
  const days = Number.parseInt(String(values.not_visited_days ?? ""), 10);
  if (Number.isFinite(days) && days >= 0) filters.not_visited_days = days;
  return filters;
}

/** The form's view of a filters object (the reverse of cleanFilters). */
export function filterValues(filters = {}) {
  return {
    kind: filters.kind ?? "",
    status: filters.status ?? "",
    industry: filters.industry ?? "",
    tags: (filters.tags ?? []).join(", "),
    not_visited_days: filters.not_visited_days ?? "",
  };
}

/**
 * Where the audience comes from: `{area}` for a drawn shape or a territory, `{segmentId}` for a
 * saved segment. Exactly one is set; the builder keeps the last one the manager chose.
 */
export function audienceSource({ area = null, segmentId = null } = {}) {
  if (segmentId) return { area: null, segment_id: segmentId };
  return { area, segment_id: null };
}

/** Whether there is an audience to preview or save: a shape, a territory or a segment. */
export function hasSource(source) {
  return Boolean(source?.area || source?.segment_id);
}

const clamp = (value, low, high) => Math.min(high, Math.max(low, value));

/** "minLng,minLat,maxLng,maxLat" of a map view, inside the world's limits. */
export function bboxText({ west, south, east, north }) {
  const whole = east - west >= 360;
  const box = [
    whole ? -180 : clamp(west, -180, 180),
    clamp(south, -90, 90),
    whole ? 180 : clamp(east, -180, 180),
    clamp(north, -90, 90),
  ];
  return box.map((value) => value.toFixed(6)).join(",");
}

export const PREVIEW_LIMIT = 20;

/**
 * The body of `POST /campaigns/audience-preview` for the builder's current state: the source
 * (an area or a segment), the filters, and the map view (bbox and a whole zoom) for clusters.
 * Null while there is no source.
 */
export function previewBody({ source, filters = {}, bounds = null, zoom = null, limit = PREVIEW_LIMIT }) {
  if (!hasSource(source)) return null;
  const body = source.segment_id ? { segment_id: source.segment_id } : { area: source.area };
  body.filters = filters;
  if (bounds && Number.isFinite(zoom)) {
    body.bbox = bboxText(bounds);
    body.zoom = clamp(Math.round(zoom), 0, 22);
  }
  body.limit = limit;
  return body;
}

/**
 * A scheduler that sends the latest request only: `schedule(body)` waits `delayMs` after the last
 * call (and no more than `maxWaitMs` after the first of a burst, so a shape dragged for a while
 * still updates), aborts the request still under way (an AbortController per request) and sends
 * the new one with `send(body, signal)`; `onAnswer(answer, body)` hears only the newest request's
 * answer, `onError(error)` its failure (never an abort). `now(body)` sends at once; `cancel()`
 * drops what is pending and under way.
 */
export function latestOnly(
  send,
  { delayMs = 250, maxWaitMs = 4 * delayMs, onAnswer = () => {}, onError = () => {}, clock = Date.now } = {},
) {
  let timer = null;
  let first = null; // when the burst of calls under way began
  let controller = null;
  let sequence = 0;

  const abort = () => {
    controller?.abort();
    controller = null;
  };

  async function fire(body) {
    timer = first = null;
    abort();
    const mine = ++sequence;
    const current = new AbortController();
    controller = current;
    try {
      const answer = await send(body, current.signal);
      if (mine === sequence && !current.signal.aborted) onAnswer(answer, body);
    } catch (error) {
      if (mine === sequence && !current.signal.aborted && error?.name !== "AbortError") onError(error);
    } finally {
      if (controller === current) controller = null;
    }
  }

  return {
    schedule(body) {
      const now = clock();
      first ??= now;
      clearTimeout(timer);
      timer = setTimeout(() => fire(body), Math.max(0, Math.min(delayMs, first + maxWaitMs - now)));
    },
    now(body) {
      clearTimeout(timer);
      return fire(body);
    },
    cancel() {
      clearTimeout(timer);
      timer = first = null;
      sequence += 1;
      abort();
    },
    get pending() {
      return timer !== null || controller !== null;
    },
  };
}

const DEFAULT_DUE_IN_DAYS = 7;

/** Today (or `day`) as YYYY-MM-DD in local time. */
export function isoDate(day = new Date()) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${day.getFullYear()}-${pad(day.getMonth() + 1)}-${pad(day.getDate())}`;
}

/** A new campaign's form: starting today, four weeks long, tasks due in a week. */
export function blankCampaign(today = new Date()) {
  const end = new Date(today.getFullYear(), today.getMonth(), today.getDate() + 28);
  return {
    name: "",
    area: null,
    segment_id: null,
    filters: {},
    starts_on: isoDate(today),
    ends_on: isoDate(end),
    talking_points: "",
    task_template: { title: "", notes: "", due_in_days: DEFAULT_DUE_IN_DAYS },
    status: "draft",
  };
}

/**
 * The body of `POST /campaigns` (or a draft's PATCH, with its version) from the form's values
 * and the audience source. Empty optional text is left out or null as the contract has it.
 */
export function campaignBody(values, source, version = null) {
  const text = (name) => String(values[name] ?? "").trim();
  const due = Number.parseInt(String(values.due_in_days ?? ""), 10);
  const template = {
    title: text("task_title") || text("name"),
    due_in_days: Number.isFinite(due) && due >= 0 ? due : DEFAULT_DUE_IN_DAYS,
  };
  if (text("task_notes")) template.notes = text("task_notes");
  const body = {
    name: text("name"),
    ...audienceSource({ area: source?.area ?? null, segmentId: source?.segment_id ?? null }),
    filters: cleanFilters(values),
    starts_on: text("starts_on") || null,
    ends_on: text("ends_on") || null,
    talking_points: text("talking_points"),
    task_template: template,
  };
  if (version !== null) body.version = version;
  return body;
}

/** Which screen a campaign opens on: the builder while a draft, its progress afterwards. */
export function campaignStage(campaign) {
  return !campaign || campaign.status === "draft" ? "builder" : "progress";
}

export const ASSIGNMENTS = ["owner", "territory", "nearest_rep"];

/** Whether a launch is still creating tasks (the server's `launch.state`). */
export function launching(campaign) {
  const state = campaign?.launch?.state;
  return state === "queued" || state === "running";
}

/**
 * How a target's state shows on the progress map and in its legend: a colour, and a glyph and
 * a label so the state reads without colour. Unknown states show as "to visit".
 */
export const TARGET_STATES = Object.freeze({
  to_visit: Object.freeze({ colour: "#0b5fff", glyph: "○", label: "campaign.state.to_visit" }),
  visited: Object.freeze({ colour: "#b06000", glyph: "✓", label: "campaign.state.visited" }),
  converted: Object.freeze({ colour: "#137333", glyph: "★", label: "campaign.state.converted" }),
});

export function targetLook(state) {
  return TARGET_STATES[state] ?? TARGET_STATES.to_visit;
}

/** Counts of targets per state, for the legend. */
export function countByState(targets) {
  const counts = Object.fromEntries(Object.keys(TARGET_STATES).map((state) => [state, 0]));
  for (const target of targets) counts[TARGET_STATES[target.state] ? target.state : "to_visit"] += 1;
  return counts;
}

/** A whole percentage of `part` in `whole`; 0 when there is nothing. */
export function percent(part, whole) {
  return whole > 0 ? Math.round((100 * part) / whole) : 0;
}

/** The per-rep rows of the stats, most targets first then by name, with their percentages. */
export function repRows(stats) {
  return [...(stats?.by_rep ?? [])]
    .sort((a, b) => b.targets - a.targets || String(a.name ?? "").localeCompare(String(b.name ?? "")))
    .map((row) => ({
      ...row,
      visitedPercent: percent(row.visited, row.targets),
      convertedPercent: percent(row.converted, row.targets),
    }));
}

/** The campaign totals: targets, visited and converted with percentages. */
export function totals(stats) {
  const targets = stats?.targets ?? 0;
  const visited = stats?.visited ?? 0;
  const converted = stats?.converted ?? 0;
  return {
    targets,
    visited,
    converted,
    visitedPercent: percent(visited, targets),
    convertedPercent: percent(converted, targets),
  };
}

/** A YYYY-MM-DD date in the locale's medium style ("4 Dec 2026"); "" without one. */
export function formatDay(day, locale) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day ?? "");
  if (!match) return "";
  const date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium" }).format(date);
}
