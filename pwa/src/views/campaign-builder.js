// The campaign builder: name, dates, talking points and the visit task; where (a polygon,
// rectangle or circle drawn with Leaflet-Geoman, a circle around the map's centre for the
// keyboard, a territory or a saved segment) and which accounts (filters). The audience count,
// its clusters on the map and the first accounts follow every change, live while a shape is
// drawn or dragged: POST /campaigns/audience-preview, the latest request only (shared/campaigns.js
// latestOnly). Save keeps a draft (POST, then PATCH); Launch asks who gets the visits, confirms,
// and POSTs .../launch. The drawing plugin loads with this screen only.
import { LitElement, css, html, nothing } from "lit";
import L from "leaflet";
import { campaigns, segments, territories } from "../api/campaigns.js";
import { LANGUAGE_EVENT, addStrings, language, locale, t } from "../i18n.js";
import strings from "../locales/campaigns.js";
import {
  ASSIGNMENTS,
  KINDS,
  areaFromLayer,
  blankCampaign,
  campaignBody,
  cleanFilters,
  filterValues,
  hasSource,
  latestOnly,
  previewBody,
  shapeOfArea,
} from "../shared/campaigns.js";
import { formatNumber } from "../shared/format.js";
import { allAccounts, getMeta } from "../store/db.js";
import { Listen } from "./listen.js";
import { TOUCH, addTiles, createMap, mapStyles, tileConfig } from "./map-base.js";
import {
  SHAPE_CHANGES,
  drawStyles,
  makeEditable,
  onDrawing,
  startDrawing,
  stopDrawing,
  stopEditing,
  teachDrawing,
} from "./map-draw.js";
import { screenStyles } from "./styles.js";

addStrings(strings);

const STATUSES = ["active", "at_risk", "inactive", "new", "contacted", "qualified", "lost"];
const SHAPES = [
  ["Polygon", "campaign.drawPolygon"],
  ["Rectangle", "campaign.drawRectangle"],
  ["Circle", "campaign.drawCircle"],
];
const SHAPE_LOOK = { color: "#5a28aa", weight: 3, fillOpacity: 0.12 };
const SOURCE_LOOK = {
  color: "#5a28aa",
  weight: 2,
  dashArray: "6 4",
  fillOpacity: 0.08,
  interactive: false,
  pmIgnore: true,
};
const WORLD = { center: [20, 0], zoom: 2 };
const DEFAULT_RADIUS_KM = 2;
const TIPS = ["firstVertex", "continueLine", "finishPoly", "finishRect", "startCircle", "finishCircle"];

const count = (n) => formatNumber(n, locale);

function node(tag, className, text = "") {
  const element = document.createElement(tag);
  element.className = className;
  element.textContent = text;
  return element;
}

// Icons are built from DOM nodes, never HTML strings, so names cannot inject markup.
function clusterIcon(members) {
  const size = members < 100 ? TOUCH : members < 1000 ? 52 : 60;
  return L.divIcon({
    html: node("span", "count", count(members)),
    className: "wp-cluster",
    iconSize: [size, size],
  });
}

const dotIcon = () => L.divIcon({ html: node("span", "dot"), className: "wp-pin", iconSize: [TOUCH, TOUCH] });

/** The form's values for a campaign (a saved draft, or a blank one). */
function valuesOf(campaign) {
  const source = campaign ?? blankCampaign();
  const template = source.task_template ?? {};
  return {
    name: source.name ?? "",
    starts_on: source.starts_on ?? "",
    ends_on: source.ends_on ?? "",
    talking_points: source.talking_points ?? "",
    task_title: template.title && template.title !== source.name ? template.title : "",
    task_notes: template.notes ?? "",
    due_in_days: template.due_in_days ?? 7,
    ...filterValues(source.filters),
  };
}

export class CampaignBuilder extends LitElement {
  static properties = {
    campaign: { attribute: false },
    values: { state: true },
    source: { state: true },
    drawing: { state: true },
    preview: { state: true },
    previewState: { state: true },
    previewError: { state: true },
    message: { state: true },
    busy: { state: true },
    confirming: { state: true },
    assignment: { state: true },
    territoryList: { state: true },
    segmentList: { state: true },
    noTiles: { state: true },
  };

  static styles = [
    screenStyles,
    ...mapStyles,
    ...drawStyles,
    css`
      :host { max-width: 1280px; }
      .layout { display: grid; gap: 16px; }
      @media (min-width: 900px) {
        .layout { grid-template-columns: minmax(320px, 420px) minmax(0, 1fr); align-items: start; }
        .audience { position: sticky; top: 8px; }
      }
      form { display: grid; gap: 14px; }
      .field { display: grid; gap: 6px; }
      .field > input, .field > select, .field > textarea { width: 100%; }
      fieldset { border: 1px solid var(--border); border-radius: 12px; padding: 10px 12px; margin: 0; display: grid; gap: 10px; min-width: 0; }
      legend { font-weight: 600; padding: 0 4px; }
      .pair { display: grid; grid-template-columns: 1fr 1fr; gap: 8px; }
      .radio { display: flex; gap: 10px; align-items: center; min-height: 44px; font-weight: normal; }
      .radio input { min-height: 0; width: 22px; height: 22px; margin: 0; flex: none; }
      .tools { display: flex; flex-wrap: wrap; gap: 8px; }
      .audience { display: grid; gap: 8px; align-content: start; }
      .audience .help { font-size: 0.9rem; margin: 0; }
      .tools button[aria-pressed="true"] { background: var(--accent); border-color: var(--accent); color: #fff; }
      .audience-count { font-size: 1.1rem; font-weight: 600; margin: 4px 0; min-height: 1.5em; }
      .map { height: 360px; border-radius: 12px; border: 1px solid var(--border); overflow: hidden; }
      @media (min-width: 900px) {
        .map { height: min(68vh, 640px); }
      }
      ul.accounts { list-style: none; padding: 0; margin: 0; display: grid; gap: 4px; }
      ul.accounts li { padding: 6px 0; border-bottom: 1px solid var(--border); overflow-wrap: anywhere; }
      ul.accounts .address { color: var(--muted); font-size: 0.9rem; margin-left: 6px; }
      .confirm { border: 2px solid var(--accent); border-radius: 12px; padding: 10px 12px; display: grid; gap: 10px; }
      .confirm:focus { outline: 3px solid var(--accent); outline-offset: 2px; }
      .wp-pin { display: grid; place-items: center; }
      .wp-pin .dot { width: 14px; height: 14px; border-radius: 50%; border: 3px solid #fff; background: #5a28aa; box-shadow: 0 1px 4px rgb(0 0 0 / 0.5); }
      .wp-cluster { display: grid; place-items: center; border-radius: 50%; background: rgb(90 40 170 / 0.3); }
      .wp-cluster .count { display: grid; place-items: center; width: calc(100% - 8px); height: calc(100% - 8px); border-radius: 50%; background: #5a28aa; color: #fff; font-weight: 700; font-size: 0.9rem; min-height: 0; margin: 0; }
      @media (prefers-color-scheme: dark) {
        .wp-pin .dot { border-color: #1a1d23; }
      }
    `,
  ];

  constructor() {
    super();
    this.campaign = null;
    this.loadedId = undefined; // the campaign the form shows (null: a new one)
    this.values = valuesOf(null);
    this.source = { area: null, segment_id: null };
    this.territoryId = "";
    this.drawing = null;
    this.preview = null;
    this.previewState = "idle";
    this.assignment = "owner";
    this.territoryList = [];
    this.segmentList = [];
    this.dirty = false;
    this.previewer = latestOnly((body, signal) => campaigns.preview(body, signal), {
      delayMs: 250,
      onAnswer: (answer) => this.showPreview(answer),
      onError: (error) => this.previewFailed(error),
    });
    new Listen(this, [[window, LANGUAGE_EVENT, () => this.languageChanged()]]);
  }

  connectedCallback() {
    super.connectedCallback();
    this.loadChoices();
    if (this.hasUpdated && !this.map) this.setUpMap();
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    this.previewer.cancel();
    this.map?.remove();
    this.map = this.shape = this.sourceLayer = null;
  }

  willUpdate(changed) {
    if (changed.has("campaign") && (this.campaign?.id ?? null) !== this.loadedId) this.showCampaign();
  }

  firstUpdated() {
    this.setUpMap();
  }

  // --- the campaign shown -------------------------------------------------------------------

  showCampaign() {
    const campaign = this.campaign;
    this.loadedId = campaign?.id ?? null;
    this.values = valuesOf(campaign);
    this.territoryId = campaign?.area?.territory_id ?? "";
    this.source = { area: campaign?.area ?? null, segment_id: campaign?.segment_id ?? null };
    this.assignment = campaign?.assignment ?? "owner";
    Object.assign(this, {
      message: null,
      confirming: false,
      preview: null,
      previewState: "idle",
      dirty: false,
    });
    if (this.map) this.drawSavedSource(true);
  }

  async loadChoices() {
    const [territoryList, segmentList] = await Promise.all([
      territories.list().catch(() => []),
      segments.list().catch(() => []),
    ]);
    Object.assign(this, { territoryList, segmentList });
    if (this.source.segment_id || this.territoryId) this.drawSavedSource(false);
  }

  // --- the map ------------------------------------------------------------------------------

  async setUpMap() {
    const map = createMap(this.renderRoot.querySelector(".map"));
    this.map = map;
    this.teachGeoman();
    this.audienceLayer = L.layerGroup().addTo(map);
    onDrawing(map, {
      drawn: (layer) => this.drawn(layer),
      started: (shape, workingLayer) => this.drawStarted(shape, workingLayer),
      ended: () => (this.drawing = null),
    });
    map.on("moveend", () => this.schedulePreview());
    await this.placeView(map);
    if (this.map !== map) return;
    this.drawSavedSource(true);
    const config = await tileConfig();
    if (this.map === map) this.noTiles = !addTiles(map, config);
  }

  // Geoman's hints in the app's language (ours, so every language has them).
  teachGeoman() {
    const tooltips = Object.fromEntries(TIPS.map((key) => [key, t(`campaign.tip.${key}`)]));
    teachDrawing(this.map, language, tooltips);
  }

  languageChanged() {
    if (this.map) this.teachGeoman();
    this.requestUpdate();
  }

  // Where the map opens: the campaign's area when it has one, else the accounts on this device
  // (a manager's pull holds the team's), else the last known position, else the world.
  async placeView(map) {
    if (this.source.area && !this.source.area.territory_id) return; // drawSavedSource fits it
    const placed = (await allAccounts()).filter((account) => Array.isArray(account.location?.coordinates));
    if (this.map !== map) return;
    if (placed.length) {
      const bounds = L.latLngBounds(
        placed.map((account) => [account.location.coordinates[1], account.location.coordinates[0]]),
      );
      map.fitBounds(bounds, { padding: [TOUCH, TOUCH], maxZoom: 15 });
      return;
    }
    const here = await getMeta("position");
    map.setView(here ? [here.lat, here.lng] : WORLD.center, here ? 13 : WORLD.zoom);
  }

  // The saved area as an editable shape, or the chosen territory's or segment's outline.
  drawSavedSource(fit) {
    if (!this.map) return;
    this.clearSourceLayer();
    const shape = shapeOfArea(this.source.area);
    if (shape?.kind === "circle" || shape?.kind === "polygon") {
      this.removeShape();
      const layer =
        shape.kind === "circle"
          ? L.circle(shape.center, { ...SHAPE_LOOK, radius: shape.radius })
          : L.polygon(shape.latLngs, SHAPE_LOOK);
      this.adopt(layer.addTo(this.map));
      if (fit) this.map.fitBounds(layer.getBounds(), { padding: [TOUCH, TOUCH] });
    } else {
      this.removeShape();
      const outline = this.outlineArea();
      if (outline) {
        this.sourceLayer = L.geoJSON(outline, { style: SOURCE_LOOK, pmIgnore: true }).addTo(this.map);
        if (fit && this.sourceLayer.getBounds().isValid())
          this.map.fitBounds(this.sourceLayer.getBounds(), { padding: [TOUCH, TOUCH] });
      }
    }
    this.schedulePreview();
  }

  outlineArea() {
    if (this.source.segment_id) {
      const area = this.segmentList.find((segment) => segment.id === this.source.segment_id)?.area;
      return area?.type ? area : null;
    }
    if (this.territoryId)
      return this.territoryList.find((territory) => territory.id === this.territoryId)?.area ?? null;
    return null;
  }

  clearSourceLayer() {
    this.sourceLayer?.remove();
    this.sourceLayer = null;
  }

  // --- drawing ------------------------------------------------------------------------------

  toggleDraw(shape) {
    if (this.drawing === shape) {
      stopDrawing(this.map);
      this.drawing = null;
      return;
    }
    startDrawing(this.map, shape, SHAPE_LOOK, { snappable: false, continueDrawing: false, tooltips: true });
    this.drawing = shape;
  }

  // While a polygon is drawn, every corner placed after the third asks for the count.
  drawStarted(shape, workingLayer) {
    this.drawing = shape;
    if (shape !== "Polygon" || !workingLayer) return;
    workingLayer.on("pm:vertexadded", () => {
      if (workingLayer.getLatLngs().length >= 3) this.setArea(areaFromLayer(workingLayer));
    });
  }

  drawn(layer) {
    this.drawing = null;
    this.removeShape();
    this.adopt(layer);
    this.changedShape();
  }

  // A shape of the campaign's own: editable (corners, and dragging the whole), each change
  // asking for the count again while the manager drags.
  adopt(layer) {
    this.shape = layer;
    makeEditable(layer, { snappable: false });
    layer.on(SHAPE_CHANGES, () => this.changedShape());
  }

  changedShape() {
    this.territoryId = "";
    this.clearSourceLayer();
    this.setArea(areaFromLayer(this.shape));
  }

  removeShape() {
    if (!this.shape) return;
    stopEditing(this.shape);
    this.shape.off();
    this.shape.remove();
    this.shape = null;
  }

  clearShape() {
    this.removeShape();
    this.setArea(null);
  }

  circleHere(event) {
    event.preventDefault();
    const km = Number.parseFloat(this.renderRoot.querySelector("#radius").value);
    if (!(km > 0)) return;
    stopDrawing(this.map);
    this.removeShape();
    const layer = L.circle(this.map.getCenter(), { ...SHAPE_LOOK, radius: km * 1000 }).addTo(this.map);
    this.adopt(layer);
    this.map.fitBounds(layer.getBounds(), { padding: [TOUCH, TOUCH] });
    this.changedShape();
  }

  // --- sources ------------------------------------------------------------------------------

  setArea(area) {
    this.source = { area, segment_id: null };
    this.dirty = true;
    this.schedulePreview();
  }

  pickTerritory(event) {
    this.territoryId = event.target.value;
    this.removeShape();
    this.source = { area: this.territoryId ? { territory_id: this.territoryId } : null, segment_id: null };
    this.dirty = true;
    this.drawSavedSource(true);
  }

  pickSegment(event) {
    const segmentId = event.target.value || null;
    this.territoryId = "";
    this.removeShape();
    this.source = { area: null, segment_id: segmentId };
    this.dirty = true;
    this.drawSavedSource(true);
  }

  async saveSegment() {
    const name = this.renderRoot.querySelector("#segment-name").value.trim();
    if (!name || !this.source.area) return;
    try {
      const segment = await segments.create({
        name,
        area: this.source.area,
        filters: cleanFilters(this.values),
      });
      this.segmentList = [...this.segmentList, segment];
      this.message = { kind: "saved", text: t("campaign.segmentSaved", { name: segment.name }) };
    } catch (error) {
      this.failedWith(error, "campaign.segmentFailed");
    }
  }

  // --- the form -----------------------------------------------------------------------------

  input(event) {
    const form = event.currentTarget;
    const before = JSON.stringify(cleanFilters(this.values));
    this.values = Object.fromEntries(new FormData(form));
    this.dirty = true;
    if (JSON.stringify(cleanFilters(this.values)) !== before) this.schedulePreview();
  }

  // --- the audience preview -----------------------------------------------------------------

  previewRequest() {
    const bounds = this.map?.getBounds();
    const view = bounds
      ? { west: bounds.getWest(), south: bounds.getSouth(), east: bounds.getEast(), north: bounds.getNorth() }
      : null;
    return previewBody({
      source: this.source,
      filters: cleanFilters(this.values),
      bounds: view,
      zoom: this.map?.getZoom(),
    });
  }

  schedulePreview() {
    const body = this.previewRequest();
    if (!body) {
      this.previewer.cancel();
      this.audienceLayer?.clearLayers();
      Object.assign(this, { preview: null, previewState: "idle" });
      return;
    }
    this.previewState = "counting";
    this.previewer.schedule(body);
  }

  showPreview(answer) {
    Object.assign(this, { preview: answer, previewState: "ready", previewError: null });
    this.drawAudience(answer);
  }

  previewFailed(error) {
    if (error.status === 401)
      return this.dispatchEvent(new CustomEvent("logged-out", { bubbles: true, composed: true }));
    Object.assign(this, { previewState: "failed", previewError: error.message });
  }

  drawAudience({ clusters = [], items = [] }) {
    const layer = this.audienceLayer;
    if (!layer) return;
    layer.clearLayers();
    const options = (title) => ({
      title,
      alt: title,
      keyboard: false,
      interactive: true,
      pmIgnore: true,
      snapIgnore: true,
    });
    if (clusters.length) {
      for (const cluster of clusters) {
        const [lng, lat] = cluster.location.coordinates;
        const title = t("mapCluster", { count: count(cluster.count) });
        const icon = cluster.count > 1 ? clusterIcon(cluster.count) : dotIcon();
        L.marker([lat, lng], { icon, ...options(title) }).addTo(layer);
      }
      return;
    }
    for (const account of items) {
      if (!account.location) continue;
      const [lng, lat] = account.location.coordinates;
      L.marker([lat, lng], { icon: dotIcon(), ...options(account.name) }).addTo(layer);
    }
  }

  // --- save and launch ----------------------------------------------------------------------

  async save(event) {
    event?.preventDefault();
    if (!this.renderRoot.querySelector("form").reportValidity()) return null;
    if (!hasSource(this.source)) {
      this.message = { kind: "error", text: t("campaign.needSource") };
      return null;
    }
    this.busy = "saving";
    try {
      const body = campaignBody(this.values, this.source, this.campaign?.version ?? null);
      const saved = this.campaign
        ? await campaigns.update(this.campaign.id, body)
        : await campaigns.create(body);
      this.loadedId = saved.id;
      this.campaign = saved;
      this.dirty = false;
      this.message = { kind: "saved", text: t("campaign.saved") };
      this.dispatchEvent(new CustomEvent("campaign-saved", { detail: saved, bubbles: true, composed: true }));
      return saved;
    } catch (error) {
      this.failedWith(error, "campaign.saveFailed");
      return null;
    } finally {
      this.busy = null;
    }
  }

  async askToLaunch() {
    if (this.dirty && !(await this.save())) return;
    this.confirming = true;
    await this.updateComplete;
    this.renderRoot.querySelector(".confirm")?.focus();
  }

  async launch() {
    this.busy = "launching";
    try {
      const answer = await campaigns.launch(this.campaign.id, this.assignment);
      this.dispatchEvent(
        new CustomEvent("campaign-launched", {
          detail: answer.campaign ?? answer,
          bubbles: true,
          composed: true,
        }),
      );
    } catch (error) {
      this.failedWith(error, "campaign.launchFailed");
      this.confirming = false;
    } finally {
      this.busy = null;
    }
  }

  failedWith(error, key) {
    if (error.status === 401)
      return this.dispatchEvent(new CustomEvent("logged-out", { bubbles: true, composed: true }));
    this.message = { kind: "error", text: t(key, { message: error.message }) };
  }

  // --- rendering ----------------------------------------------------------------------------

  render() {
    const title = this.campaign
      ? t("campaign.editTitle", { name: this.campaign.name })
      : t("campaign.newTitle");
    return html`<a class="back" href="/campaigns" data-route>${t("campaign.back")}</a>
      <h1>${title}</h1>
      <div class="layout">
        <form @input=${this.input} @change=${this.input} @submit=${this.save} novalidate>
          ${this.renderDetails()} ${this.renderFilters()} ${this.renderTask()}
          ${this.message ? html`<p class="message ${this.message.kind}" role="status">${this.message.text}</p>` : nothing}
          <div class="row">
            <button type="submit" class="primary save" ?disabled=${Boolean(this.busy)}>
              ${this.busy === "saving" ? t("campaign.saving") : t("campaign.save")}
            </button>
          </div>
          ${this.renderLaunch()}
        </form>
        <section class="audience" aria-label=${t("campaign.where")}>
          ${this.renderTools()} ${this.renderCount()}
          <div class="map" role="region" aria-label=${t("campaign.mapLabel")}></div>
          ${this.noTiles ? html`<p class="note">${t("mapNoTiles")}</p>` : nothing} ${this.renderWhere()} ${this.renderFirstAccounts()}
        </section>
      </div>`;
  }

  renderDetails() {
    const v = this.values;
    return html`<fieldset class="details">
      <legend>${t("campaign.details")}</legend>
      <div class="field">
        <label for="name">${t("campaign.name")}</label> <input id="name" name="name" required maxlength="200" autocomplete="off" .value=${v.name} />
      </div>
      <div class="pair">
        <div class="field">
          <label for="starts_on">${t("campaign.startsOn")}</label><input id="starts_on" name="starts_on" type="date" .value=${v.starts_on} />
        </div>
        <div class="field">
          <label for="ends_on">${t("campaign.endsOn")}</label>
          <input id="ends_on" name="ends_on" type="date" min=${v.starts_on || nothing} .value=${v.ends_on} />
        </div>
      </div>
      <div class="field">
        <label for="talking_points">${t("campaign.talkingPoints")}</label>
        <textarea id="talking_points" name="talking_points" maxlength="10000" .value=${v.talking_points}></textarea>
      </div>
    </fieldset>`;
  }

  renderFilters() {
    const v = this.values;
    return html`<fieldset class="filters">
      <legend>${t("campaign.filters")}</legend>
      <div class="pair">
        <div class="field">
          <label for="kind">${t("campaign.kind")}</label>
          <select id="kind" name="kind">
            <option value="">${t("campaign.anyKind")}</option>
            ${KINDS.map((kind) => html`<option value=${kind} ?selected=${v.kind === kind}>${t(`account.kind.${kind}`)}</option>`)}
          </select>
        </div>
        <div class="field">
          <label for="status">${t("campaign.status")}</label>
          <select id="status" name="status">
            <option value="">${t("campaign.anyStatus")}</option>
            ${STATUSES.map((status) => html`<option value=${status} ?selected=${v.status === status}>${t(`account.status.${status}`)}</option>`)}
          </select>
        </div>
      </div>
      <div class="field">
        <label for="industry">${t("campaign.industry")}</label><input id="industry" name="industry" maxlength="100" autocomplete="off" .value=${v.industry} />
      </div>
      <div class="field"><label for="tags">${t("campaign.tags")}</label><input id="tags" name="tags" autocomplete="off" .value=${v.tags} /></div>
      <div class="field">
        <label for="not_visited_days">${t("campaign.notVisitedDays")}</label>
        <input id="not_visited_days" name="not_visited_days" type="number" min="0" max="36500" inputmode="numeric" .value=${String(v.not_visited_days)} />
      </div>
    </fieldset>`;
  }

  renderTask() {
    const v = this.values;
    return html`<fieldset class="task">
      <legend>${t("campaign.taskSection")}</legend>
      <div class="field">
        <label for="task_title">${t("campaign.taskTitle")}</label>
        <input id="task_title" name="task_title" maxlength="200" autocomplete="off" .value=${v.task_title} />
      </div>
      <div class="field">
        <label for="task_notes">${t("campaign.taskNotes")}</label>
        <textarea id="task_notes" name="task_notes" maxlength="10000" .value=${v.task_notes}></textarea>
      </div>
      <div class="field">
        <label for="due_in_days">${t("campaign.dueInDays")}</label>
        <input id="due_in_days" name="due_in_days" type="number" min="0" max="365" inputmode="numeric" .value=${String(v.due_in_days)} />
      </div>
    </fieldset>`;
  }

  // The drawing buttons, above the map they draw on; the other ways to choose the area follow
  // the map (renderWhere).
  renderTools() {
    const drawingNow = (shape) => (this.drawing === shape ? "true" : "false");
    return html`<div class="tools" role="group" aria-label=${t("campaign.where")} aria-describedby="draw-help">
        ${SHAPES.map(([shape, key]) => html`<button type="button" class="draw-${shape.toLowerCase()}" aria-pressed=${drawingNow(shape)} @click=${() => this.toggleDraw(shape)}>${this.drawing === shape ? t("campaign.stopDrawing") : t(key)}</button>`)}
        <button type="button" class="clear-shape" ?disabled=${!this.shape} @click=${this.clearShape}>${t("campaign.clearShape")}</button>
      </div>
      <p class="note help" id="draw-help">${t("campaign.drawHelp")}</p>`;
  }

  renderWhere() {
    return html`<fieldset class="where">
      <legend>${t("campaign.where")}</legend>
      <form class="row circle-here" @submit=${this.circleHere}>
        <div class="field">
          <label for="radius">${t("campaign.radiusKm")}</label>
          <input id="radius" type="number" min="0.1" max="500" step="0.1" inputmode="decimal" value=${DEFAULT_RADIUS_KM} />
        </div>
        <button type="submit" class="circle">${t("campaign.circleHere")}</button>
      </form>
      <div class="pair">
        <div class="field">
          <label for="territory">${t("campaign.territory")}</label>
          <select id="territory" @change=${this.pickTerritory}>
            <option value="">${t("campaign.none")}</option>
            ${this.territoryList.map((territory) => html`<option value=${territory.id} ?selected=${territory.id === this.territoryId}>${territory.name}</option>`)}
          </select>
        </div>
        <div class="field">
          <label for="segment">${t("campaign.segment")}</label>
          <select id="segment" @change=${this.pickSegment}>
            <option value="">${t("campaign.none")}</option>
            ${this.segmentList.map((segment) => html`<option value=${segment.id} ?selected=${segment.id === this.source.segment_id}>${segment.name}</option>`)}
          </select>
        </div>
      </div>
      <div class="row save-segment">
        <div class="field"><label for="segment-name">${t("campaign.segmentName")}</label><input id="segment-name" maxlength="200" autocomplete="off" /></div>
        <button type="button" class="save-segment" ?disabled=${!this.source.area} @click=${this.saveSegment}>${t("campaign.saveSegment")}</button>
      </div>
    </fieldset>`;
  }

  renderCount() {
    let text = t("campaign.noSource");
    if (this.previewState === "failed")
      text = t("campaign.previewFailed", { message: this.previewError ?? "" });
    else if (this.preview && hasSource(this.source))
      text = t("campaign.audienceCount", { count: count(this.preview.count) });
    else if (this.previewState === "counting") text = t("campaign.counting");
    const busy = this.previewState === "counting" ? "true" : "false";
    return html`<p class="audience-count" role="status" aria-live="polite" aria-busy=${busy} data-count=${this.preview?.count ?? ""}>${text}</p>`;
  }

  renderFirstAccounts() {
    const items = hasSource(this.source) ? (this.preview?.items ?? []) : [];
    if (!items.length) return nothing;
    return html`<h2>${t("campaign.firstAccounts")}</h2>
      <ul class="accounts">
        ${items.map((account) => html`<li data-id=${account.id}>${account.name}${account.address ? html`<span class="address">${account.address}</span>` : nothing}</li>`)}
      </ul>`;
  }

  renderLaunch() {
    const saved = Boolean(this.campaign);
    return html`<fieldset class="launch">
      <legend>${t("campaign.launchSection")}</legend>
      <div role="radiogroup" aria-label=${t("campaign.assignment")}>
        <p class="note">${t("campaign.assignment")}</p>
        ${ASSIGNMENTS.map((assignment) => this.renderAssignment(assignment))}
      </div>
      ${saved ? nothing : html`<p class="note">${t("campaign.launchSaveFirst")}</p>`}
      ${this.confirming ? this.renderConfirm() : html`<div class="row"><button type="button" class="launch" ?disabled=${!saved || Boolean(this.busy)} @click=${this.askToLaunch}>${t("campaign.launch")}</button></div>`}
    </fieldset>`;
  }

  renderAssignment(assignment) {
    const chosen = this.assignment === assignment;
    return html`<label class="radio">
      <input type="radio" name="assignment" value=${assignment} .checked=${chosen} @change=${() => (this.assignment = assignment)} />
      ${t(`campaign.assignment.${assignment}`)}
    </label>`;
  }

  renderConfirm() {
    const values = {
      name: this.campaign.name,
      count: this.preview ? count(this.preview.count) : "…",
      assignment: t(`campaign.assignment.${this.assignment}`),
    };
    return html`<div class="confirm" tabindex="-1" role="alertdialog" aria-label=${t("campaign.launchSection")}>
      <p>${t("campaign.confirmLaunch", values)}</p>
      <div class="row">
        <button type="button" class="primary confirm-launch" ?disabled=${Boolean(this.busy)} @click=${this.launch}>${t("campaign.confirm")}</button>
        <button type="button" class="cancel-launch" @click=${() => (this.confirming = false)}>${t("campaign.cancel")}</button>
      </div>
    </div>`;
  }
}
customElements.define("wp-campaign-builder", CampaignBuilder);
