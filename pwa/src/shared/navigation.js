// Links that hand a route to the phone's navigation app, in the forms the server's plan uses
// (API "Routes"): Google Maps directions with the stops as waypoints, and per leg Apple Maps,
// Waze and the platform's `geo:` intent. DOM-free, so it is unit-tested in node. Points are
// {lng, lat}.

/** Google Maps takes at most this many waypoints between origin and destination in one link. */
export const GOOGLE_WAYPOINTS = 9;

/** The navigation apps a rep can choose, in the order the setting lists them. */
export const NAVIGATION_APPS = Object.freeze(["google", "apple", "waze", "geo"]);

// Six decimals: about 10 cm, more than any phone's fix; trailing zeros dropped.
const coordinate = (value) => String(Number(value.toFixed(6)));
const latLng = (point) => `${coordinate(point.lat)},${coordinate(point.lng)}`;

/** A Google Maps driving directions link from `origin` through `waypoints` to `destination`. */
export function googleDirections(origin, destination, waypoints = []) {
  const via = waypoints.length ? `&waypoints=${encodeURIComponent(waypoints.map(latLng).join("|"))}` : "";
  return `https://www.google.com/maps/dir/?api=1&origin=${latLng(origin)}&destination=${latLng(destination)}${via}&travelmode=driving`;
}

/**
 * The Google Maps links of a whole route from `origin` through `stops` in order (to `end` when
 * given): one link while the stops fit, else several, each starting where the last one ended.
 */
export function googleRouteUrls(origin, stops, end = null) {
  const points = [origin, ...stops, ...(end ? [end] : [])];
  if (points.length < 2) return [];
  const urls = [];
  // Each link covers up to GOOGLE_WAYPOINTS + 1 legs: origin, the waypoints, its destination.
  for (let first = 0; first < points.length - 1; first += GOOGLE_WAYPOINTS + 1) {
    const last = Math.min(first + GOOGLE_WAYPOINTS + 1, points.length - 1);
    urls.push(googleDirections(points[first], points[last], points.slice(first + 1, last)));
  }
  return urls;
}

/** The links of one leg, `from` one point `to` the next, for each navigation app. */
export function legLinks(from, to) {
  return {
    google: googleDirections(from, to),
    apple: `https://maps.apple.com/?saddr=${latLng(from)}&daddr=${latLng(to)}&dirflg=d`,
    waze: `https://waze.com/ul?ll=${latLng(to)}&navigate=yes`,
    geo: `geo:${latLng(to)}?q=${latLng(to)}`,
  };
}

/** The link that opens `app` (one of NAVIGATION_APPS; Google otherwise) for the leg `from` -> `to`. */
export function legLink(app, from, to) {
  const links = legLinks(from, to);
  return links[app] ?? links.google;
}
