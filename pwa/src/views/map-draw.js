// Drawing and editing shapes on a map with Leaflet-Geoman, for the screens that draw (the
// campaign builder, territories): the plugin and its CSS load with those screens only. Each
// screen keeps its own look and rules; this is the one place that speaks Geoman's API.
import { unsafeCSS } from "lit";
import "@geoman-io/leaflet-geoman-free";
// Geoman's CSS, like Leaflet's (map-base.js), lives in the drawing view's shadow root.
import geomanCss from "@geoman-io/leaflet-geoman-free/dist/leaflet-geoman.css?inline";

/** Geoman's styles, for the view that draws (beside map-base.js's mapStyles). */
export const drawStyles = [unsafeCSS(geomanCss)];

/** Every event by which Geoman says a shape being edited changed. */
export const SHAPE_CHANGES =
  "pm:drag pm:markerdrag pm:edit pm:dragend pm:markerdragend pm:vertexremoved pm:vertexadded pm:change";

/**
 * Call `drawn(layer)` for each shape the user finishes, and `started(shape, workingLayer)` and
 * `ended()` around each drawing.
 */
export function onDrawing(map, { drawn, started = () => {}, ended = () => {} }) {
  map.on("pm:create", ({ layer }) => drawn(layer));
  map.on("pm:drawstart", ({ shape, workingLayer }) => started(shape, workingLayer));
  map.on("pm:drawend", () => ended());
}

/**
 * Start drawing a `shape` ("Polygon", "Rectangle", "Circle") in the path style `look`, ending
 * any drawing under way; `options` are Geoman's draw options.
 */
export function startDrawing(map, shape, look, options = {}) {
  map.pm.disableDraw();
  map.pm.enableDraw(shape, {
    templineStyle: look,
    hintlineStyle: { ...look, dashArray: "5 5" },
    pathOptions: look,
    ...options,
  });
}

/** End any drawing under way on `map` (none, or no map yet, is fine). */
export function stopDrawing(map) {
  map?.pm.disableDraw();
}

/** Let the user move `layer`'s corners and drag it whole, never crossing its own edges. */
export function makeEditable(layer, options = {}) {
  layer.pm.enable({ allowSelfIntersection: false, draggable: true, ...options });
}

/** No more editing of `layer`. */
export function stopEditing(layer) {
  layer.pm?.disable();
}

/** Geoman's hints in the app's language (`tooltips` by Geoman's keys; English fills gaps). */
export function teachDrawing(map, language, tooltips) {
  map.pm.setLang(`wp-${language}`, { tooltips }, "en");
}
