// What every map of the app shares: Leaflet's CSS inside a shadow root, the tile layer from the
// server's settings (the last ones seen are kept, so a map opens offline), touch-sized controls
// and the night-time tile filter; the map's lifecycle in a view and the device's position on it.
// Loaded only with the screens that draw a map.
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

export const WORLD = { center: [20, 0], zoom: 2 };

/**
 * A view's Leaflet map, from its first render to its removal: the map is made in the element
 * `selector` names once the host has rendered (and again when the host is put back into the
 * page), `ready(map)` adds the host's layers and sets the view, then the configured tiles are
 * added (`noTiles` says when there are none). Removed with the host, so no map outlives its view.
 */
export class MapController {
  constructor(host, { selector = ".map", ready = () => {}, removed = () => {} } = {}) {
    this.host = host;
    this.selector = selector;
    this.ready = ready;
    this.removed = removed;
    this.map = null;
    this.noTiles = false;
    host.addController(this);
  }

  hostConnected() {
    if (this.host.hasUpdated && !this.map) this.setUp();
  }

  hostUpdated() {
    // The first render made the element the map draws in; later renders keep it.
    if (!this.started) this.setUp();
  }

  hostDisconnected() {
    this.map?.remove();
    this.map = null;
    this.removed();
  }

  /** Whether `map` is still the one shown (an await may outlive it). */
  current(map) {
    return map !== null && this.map === map;
  }

  async setUp() {
    this.started = true;
    const map = createMap(this.host.renderRoot.querySelector(this.selector));
    this.map = map;
    const config = tileConfig();
    await this.ready(map);
    this.showTiles(await config, map);
  }

  showTiles(config, map = this.map) {
    if (!this.current(map)) return;
    this.noTiles = !addTiles(map, config);
    this.host.requestUpdate();
  }
}

/**
 * The device's position while the host is in the page and the page is visible: `watch()` starts
 * it (the host says when its map is ready for fixes), hiding the page pauses it, and each fix goes
 * to `moved({lng, lat, accuracy})`. Without a fix (no permission) nothing happens: the screens
 * still work, and Near me explains the permission.
 */
export class PositionWatch {
  constructor(host, moved) {
    this.moved = moved;
    this.watchId = null;
    this.onVisibility = () => (document.visibilityState === "visible" ? this.watch() : this.unwatch());
    host.addController(this);
  }

  hostConnected() {
    document.addEventListener("visibilitychange", this.onVisibility);
  }

  hostDisconnected() {
    document.removeEventListener("visibilitychange", this.onVisibility);
    this.unwatch();
  }

  watch() {
    if (!("geolocation" in navigator) || this.watchId !== null || document.visibilityState !== "visible")
      return;
    this.watchId = navigator.geolocation.watchPosition(
      (fix) =>
        this.moved({ lng: fix.coords.longitude, lat: fix.coords.latitude, accuracy: fix.coords.accuracy }),
      () => {},
      { enableHighAccuracy: true, maximumAge: 30000, timeout: 15000 },
    );
  }

  unwatch() {
    if (this.watchId !== null) navigator.geolocation.clearWatch(this.watchId);
    this.watchId = null;
  }
}

/** The blue dot of the device's position with its accuracy circle, drawn on `map` when shown. */
export class PositionMarker {
  constructor(map) {
    this.map = map;
    this.me = this.accuracy = null;
  }

  show(position) {
    const here = [position.lat, position.lng];
    if (!this.me) {
      const look = { interactive: false, color: "#0b5fff", weight: 1, fillOpacity: 0.12 };
      this.accuracy = L.circle(here, { ...look, radius: position.accuracy || 0 }).addTo(this.map);
      this.me = L.circleMarker(here, {
        interactive: false,
        radius: 8,
        color: "#fff",
        weight: 3,
        fillColor: "#0b5fff",
        fillOpacity: 1,
      }).addTo(this.map);
    }
    this.accuracy.setLatLng(here).setRadius(position.accuracy || 0);
    this.me.setLatLng(here);
  }
}
