// What every map of the app shares: Leaflet's CSS inside a shadow root, the tile layer from the
// server's settings (the last ones seen are kept, so a map opens offline), touch-sized controls
// and the night-time tile filter. Loaded only with the screens that draw a map.
import { css, unsafeCSS } from "lit";
import L from "leaflet";
// Leaflet draws inside the view's shadow root, so its CSS must live there too. Lit adopts
// these as constructed style sheets, which the CSP (style-src 'self') allows, unlike <style>.
import leafletCss from "leaflet/dist/leaflet.css?inline";
import { mapConfig } from "../api/map.js";
import { t } from "../i18n.js";
import { getMeta, setMeta } from "../store/db.js";

export const MAX_ZOOM = 19;
export const TOUCH = 44; // px: the smallest target a thumb hits reliably

/** The styles a view with a map adopts: Leaflet's own and the app's look of its controls. */
export const mapStyles = [
  unsafeCSS(leafletCss),
  css`
    .leaflet-container { font: inherit; background: var(--bg); }
    .leaflet-control-zoom.leaflet-bar a { width: ${TOUCH}px; height: ${TOUCH}px; line-height: ${TOUCH}px; font-size: 22px; background: var(--card); color: var(--fg); border-color: var(--border); }
    .leaflet-control-attribution { background: var(--card); color: var(--muted); }
    .leaflet-control-attribution a { color: var(--accent); }
    @media (prefers-color-scheme: dark) {
      /* Light tiles would glare at night; the usual trick: invert them and turn the hue back. */
      .leaflet-tile-pane { filter: invert(1) hue-rotate(180deg) brightness(0.9) contrast(0.9); }
    }
  `,
];

/** Tile settings from the server; the last ones seen when it does not answer. */
export async function tileConfig() {
  try {
    const config = await mapConfig();
    await setMeta("mapConfig", config);
    return config;
  } catch {
    return getMeta("mapConfig");
  }
}

/** A Leaflet map in `element` with the app's zoom control (its titles translated). */
export function createMap(element, options = {}) {
  const map = L.map(element, { zoomControl: false, maxZoom: MAX_ZOOM, ...options });
  L.control.zoom({ zoomInTitle: t("mapZoomIn"), zoomOutTitle: t("mapZoomOut") }).addTo(map);
  return map;
}

/** Add the configured tile layer to `map`; false when no tile server is configured. */
export function addTiles(map, config) {
  if (!config?.tile_url) return false;
  // CORS tiles (public tile servers allow it): the service worker can cache them as ordinary
  // 200 responses, where opaque ones would be skipped and count megabytes each against quota.
  const options = { attribution: config.tile_attribution, maxZoom: MAX_ZOOM, crossOrigin: "anonymous" };
  L.tileLayer(config.tile_url, options).addTo(map);
  return true;
}
