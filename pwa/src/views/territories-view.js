// Territories (managers and admins): every territory on a map in its colour with its name, and
// listed with its reps and account count; a new one drawn part by part (Leaflet-Geoman, loaded
// only with this screen), one edited by dragging its corners or the whole part, saved with the
// version it was read at (a 409 asks for a reload), deleted after a confirmation; the accounts
// that sit in two territories, and on request those in the viewport that sit in none; GeoJSON
// export and import. Online only: the answers are the server's, and offline it says so.
import { LitElement, css, html, nothing, svg } from "lit";
import L from "leaflet";
import { viewport } from "../api/map.js";
import { reps as listReps } from "../api/team.js";
import {
  EXPORT_URL,
  createTerritory,
  deleteTerritory,
  gaps as gapsIn,
  getTerritory,
  importTerritories,
  listTerritories,
  overlaps as listOverlaps,
  updateTerritory,
} from "../api/territories.js";
import { LANGUAGE_EVENT, addStrings, locale, t } from "../i18n.js";
import strings from "../locales/territories.js";
import { navigate } from "../router.js";
import { formatNumber } from "../shared/format.js";
import { assignableReps } from "../shared/team.js";
import {
  assignmentProgress,
  fieldErrors,
  gapMarkers,
  overlapRows,
  partsOf,
  readCollection,
  repNames,
  territoryColour,
  territoryList,
  toMultiPolygon,
} from "../shared/territories.js";
import { allAccounts, getMeta } from "../store/db.js";
import { Listen } from "./listen.js";
import { TOUCH, addTiles, createMap, mapStyles, tileConfig } from "./map-base.js";
import { drawStyles, makeEditable, onDrawing, startDrawing, stopDrawing, stopEditing } from "./map-draw.js";
import { screenStyles } from "./styles.js";
import { freshTeamDay, keptTeamDay } from "./team-data.js";

addStrings(strings);

const WORLD = { center: [20, 0], zoom: 2 };
const POLL_MS = 2000; // while a territory's accounts are being re-assigned
const NO_TERRITORY = "#777";
const DRAFT = "#0b5fff";
const count = (n) => formatNumber(n, locale);
// Shapes Geoman draws and edits: no crossing edges (the server would refuse them), no tooltips of
// its own (the screen explains in the user's language).
const GEOMAN = { allowSelfIntersection: false, snappable: true, snapDistance: 12, tooltips: false };

// The territory's colour beside its name: an SVG fill, since the CSP refuses style attributes.
const swatch = (colour) =>
  html`<svg class="swatch" viewBox="0 0 14 14" aria-hidden="true">${svg`<rect width="14" height="14" rx="4" fill=${colour}></rect>`}</svg>`;

function labelled(tag, className, text) {
  const node = document.createElement(tag);
  node.className = className;
  node.textContent = text;
  return node;
}

export class TerritoriesView extends LitElement {
  static properties = {
    territories: { state: true },
    reps: { state: true },
    offline: { state: true },
    failed: { state: true },
    draft: { state: true }, // {id, name, repIds, version, isNew} while one is created or edited
    parts: { state: true },
    drawing: { state: true },
    shaping: { state: true },
    confirming: { state: true },
    saving: { state: true },
    message: { state: true }, // {kind: saved|deleted|conflict|error, text, lines}
    overlaps: { state: true }, // {rows, more} or {failed: true}
    showGaps: { state: true },
    gapCount: { state: true },
    gapsFailed: { state: true },
    importNote: { state: true }, // {ok: n} or {error, lines}
    noTiles: { state: true },
  };

  static styles = [
    screenStyles,
    ...mapStyles,
    ...drawStyles,
    css`
      :host { max-width: 1400px; }
      .layout { display: grid; gap: 12px; }
      @media (min-width: 900px) { .layout { grid-template-columns: minmax(0, 1fr) 380px; align-items: start; } }
      .map { height: 70vh; min-height: 360px; border-radius: 12px; border: 1px solid var(--border); overflow: hidden; }
      .panel { display: grid; gap: 12px; }
      form.editor { display: grid; gap: 10px; }
      .field { display: grid; gap: 6px; }
      fieldset { border: 1px solid var(--border); border-radius: 12px; padding: 10px 12px; margin: 0; display: grid; gap: 6px; }
      legend { font-weight: 600; padding: 0 4px; }
      fieldset label { font-weight: normal; display: flex; gap: 8px; align-items: center; min-height: 44px; }
      fieldset input[type="checkbox"], label.toggle input { min-height: 0; width: 22px; height: 22px; }
      label.toggle { display: flex; gap: 8px; align-items: center; min-height: 44px; font-weight: normal; }
      .swatch { width: 14px; height: 14px; flex: none; }
      li.territory .top { display: flex; gap: 8px; align-items: center; justify-content: space-between; }
      li.territory .name { font-weight: 600; display: flex; gap: 8px; align-items: center; overflow-wrap: anywhere; }
      .meta { color: var(--muted); font-size: 0.9rem; margin: 0; }
      progress { width: 100%; }
      ul.overlaps { list-style: none; padding: 0; margin: 0; display: grid; gap: 6px; }
      ul.overlaps a { color: var(--accent); font-weight: 600; }
      .hint { margin: 0; color: var(--muted); font-size: 0.9rem; }
      .file input[type="file"] { min-height: 44px; padding: 8px 0; border: 0; background: none; }
      .wp-territory-label { background: var(--card); color: var(--fg); border: 1px solid var(--border); font-weight: 600; box-shadow: none; }
      .wp-territory-label::before { display: none; }
      .wp-count { display: grid; place-items: center; border-radius: 50%; background: rgb(90 90 90 / 0.75); color: #fff; font-weight: 700; font-size: 0.8rem; }
      .wp-count.gap { background: rgb(217 48 37 / 0.85); }
    `,
  ];

  constructor() {
    super();
    this.territories = null;
    this.reps = [];
    this.draft = null;
    this.parts = 0;
    this.sequence = 0; // an answer to an older viewport is dropped
    this.shapeChanged = false;
    this.fitted = false;
    new Listen(this, [
      [window, "online", () => this.load()],
      [window, LANGUAGE_EVENT, () => this.requestUpdate()],
    ]);
  }

  connectedCallback() {
    super.connectedCallback();
    this.load();
    this.loadReps();
    if (this.hasUpdated && !this.map) this.setUpMap();
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    clearTimeout(this.poll);
    this.map?.remove();
    this.map = null;
  }

  firstUpdated() {
    this.setUpMap();
  }

  // --- data -------------------------------------------------------------------------------

  async load() {
    clearTimeout(this.poll);
    try {
      const territories = await listTerritories();
      territories.sort((a, b) => String(a.name).localeCompare(String(b.name)) || (a.id < b.id ? -1 : 1));
      Object.assign(this, { territories, offline: false, failed: false });
      this.drawTerritories();
      this.fitOnce();
      if (territories.some((territory) => assignmentProgress(territory)))
        this.poll = setTimeout(() => this.load(), POLL_MS);
      this.loadOverlaps();
    } catch (error) {
      this.failedWith(error);
    }
  }

  failedWith(error) {
    if (error.status === 401)
      return this.dispatchEvent(new CustomEvent("logged-out", { bubbles: true, composed: true }));
    Object.assign(this, { offline: !error.status, failed: Boolean(error.status) });
  }

  // The reps of the caller's team (every rep, for an admin), as Assign work finds them: the
  // Team answer, the one kept on the device, else the users the server lists.
  async loadReps() {
    try {
      this.reps = assignableReps((await freshTeamDay()).items);
    } catch {
      const kept = await keptTeamDay();
      this.reps = kept?.items.length
        ? assignableReps(kept.items)
        : assignableReps([], await listReps().catch(() => []));
    }
  }

  async loadOverlaps() {
    try {
      const answer = await listOverlaps();
      const accounts = new Map((await allAccounts()).map((account) => [account.id, account]));
      this.overlaps = {
        rows: overlapRows(answer.items ?? [], this.territories ?? [], accounts),
        more: Boolean(answer.next_cursor),
      };
    } catch (error) {
      if (error.status) this.overlaps = { failed: true };
    }
  }

  // --- the map ----------------------------------------------------------------------------

  async setUpMap() {
    const map = createMap(this.renderRoot.querySelector(".map"));
    this.map = map;
    this.accountLayer = L.layerGroup().addTo(map);
    this.territoryLayer = L.featureGroup().addTo(map);
    this.gapLayer = L.layerGroup().addTo(map);
    this.draftGroup = L.featureGroup().addTo(map);
    map.on("moveend", () => this.refreshViewport());
    onDrawing(map, { drawn: (layer) => this.partDrawn(layer), ended: () => (this.drawing = false) });
    this.drawTerritories();
    const config = tileConfig();
    await this.fitOnce();
    if (this.map !== map) return;
    if (!this.fitted) {
      const here = await getMeta("position");
      map.setView(here ? [here.lat, here.lng] : WORLD.center, here ? 13 : WORLD.zoom);
    }
    const tiles = await config;
    if (this.map === map) this.noTiles = !addTiles(map, tiles);
  }

  // The first view: every territory, else every account this device holds (a manager's pull
  // brings the team's), else where the device last was.
  async fitOnce() {
    const map = this.map;
    if (!map || this.fitted) return;
    const padding = { padding: [TOUCH, TOUCH], maxZoom: 16 };
    if (this.territories?.length) {
      this.fitted = true;
      map.fitBounds(this.territoryLayer.getBounds(), padding);
      return;
    }
    if (this.territories === null) return; // wait for the list: a territory would come first
    const placed = (await allAccounts()).filter((account) => account.location);
    if (this.fitted || this.map !== map || !placed.length) return;
    this.fitted = true;
    map.fitBounds(
      L.latLngBounds(
        placed.map((account) => [account.location.coordinates[1], account.location.coordinates[0]]),
      ),
      padding,
    );
  }

  drawTerritories() {
    if (!this.territoryLayer) return;
    this.territoryLayer.clearLayers();
    for (const territory of this.territories ?? []) {
      if (territory.id === this.draft?.id) continue; // the editor shows it
      const colour = territoryColour(territory.id);
      const shape = L.polygon(partsOf(territory.area), {
        color: colour,
        weight: 2,
        fillOpacity: 0.15,
        pmIgnore: true,
        snapIgnore: false,
      });
      shape.territoryId = territory.id;
      shape.bindTooltip(territory.name, {
        permanent: true,
        direction: "center",
        className: "wp-territory-label",
      });
      shape.on("click", () => !this.draft && this.edit(territory));
      this.territoryLayer.addLayer(shape);
    }
  }

  // The accounts of the viewport as small dots in their territory's colour (grey with none),
  // or the server's clusters: what a manager draws around. They take no clicks, so drawing on
  // top of them places corners.
  async refreshViewport() {
    const map = this.map;
    if (!map) return;
    const sequence = ++this.sequence;
    const box = map.getBounds();
    const bounds = { west: box.getWest(), south: box.getSouth(), east: box.getEast(), north: box.getNorth() };
    const zoom = map.getZoom();
    try {
      const [answer, gaps] = await Promise.all([
        viewport(bounds, zoom),
        this.showGaps ? gapsIn(bounds).catch((error) => ({ error })) : null,
      ]);
      if (sequence !== this.sequence || this.map !== map) return;
      this.showAccounts(answer);
      this.showGapMarkers(gaps);
    } catch (error) {
      if (sequence === this.sequence) this.failedWith(error);
    }
  }

  showAccounts({ clusters, items }) {
    this.accountLayer.clearLayers();
    for (const cluster of clusters)
      this.countMarker(cluster.location.coordinates, cluster.count, "").addTo(this.accountLayer);
    for (const account of items) {
      if (!account.location) continue;
      const [lng, lat] = account.location.coordinates;
      const colour = account.territory_id ? territoryColour(account.territory_id) : NO_TERRITORY;
      const dot = L.circleMarker([lat, lng], {
        radius: 5,
        weight: 1,
        color: "#fff",
        fillColor: colour,
        fillOpacity: 1,
        interactive: false,
        pmIgnore: true,
        snapIgnore: true,
      });
      dot.addTo(this.accountLayer);
      const element = dot.getElement();
      element?.classList.add("wp-account");
      element?.setAttribute("data-id", account.id);
    }
  }

  countMarker([lng, lat], members, className) {
    const size = members < 100 ? 30 : members < 1000 ? 38 : 46;
    const icon = L.divIcon({
      html: labelled("span", "", count(members)),
      className: `wp-count ${className}`,
      iconSize: [size, size],
    });
    return L.marker([lat, lng], {
      icon,
      interactive: false,
      keyboard: false,
      pmIgnore: true,
      snapIgnore: true,
    });
  }

  showGapMarkers(gaps) {
    this.gapLayer.clearLayers();
    if (!gaps) return Object.assign(this, { gapCount: null, gapsFailed: false });
    if (gaps.error) {
      if (gaps.error.status === 401) this.failedWith(gaps.error);
      return Object.assign(this, { gapCount: null, gapsFailed: true });
    }
    const { clusters, items, total, capped } = gapMarkers(gaps);
    for (const cluster of clusters)
      this.countMarker([cluster.at[1], cluster.at[0]], cluster.count, "gap").addTo(this.gapLayer);
    for (const item of items) {
      const ring = L.circleMarker(item.at, {
        radius: 9,
        weight: 3,
        color: "#d93025",
        fill: false,
        pmIgnore: true,
        snapIgnore: true,
      });
      ring.bindTooltip(item.name ?? "");
      ring.on("click", () => !this.draft && navigate(`/accounts/${item.id}`));
      ring.addTo(this.gapLayer);
      ring.getElement()?.classList.add("wp-gap");
      ring.getElement()?.setAttribute("data-id", item.id);
    }
    Object.assign(this, { gapCount: capped ? `${count(total)}+` : count(total), gapsFailed: false });
  }

  toggleGaps(event) {
    this.showGaps = event.target.checked;
    this.refreshViewport();
  }

  // --- creating and editing ---------------------------------------------------------------

  newTerritory() {
    this.openEditor({ id: null, name: "", repIds: [], version: null, isNew: true }, []);
    this.draw();
  }

  edit(territory) {
    this.openEditor(
      {
        id: territory.id,
        name: territory.name,
        repIds: [...(territory.rep_ids ?? [])],
        version: territory.version,
        isNew: false,
      },
      partsOf(territory.area),
    );
  }

  openEditor(draft, parts) {
    this.closeEditor();
    Object.assign(this, { draft, message: null, confirming: false });
    this.shapeChanged = false;
    for (const part of parts) this.addPart(L.polygon(part));
    this.drawTerritories();
    if (parts.length)
      this.map?.fitBounds(this.draftGroup.getBounds(), { padding: [TOUCH, TOUCH], maxZoom: 17 });
  }

  closeEditor() {
    stopDrawing(this.map);
    for (const layer of this.draftGroup?.getLayers() ?? []) stopEditing(layer);
    this.draftGroup?.clearLayers();
    Object.assign(this, { draft: null, parts: 0, drawing: false, shaping: false, confirming: false });
  }

  cancel() {
    this.closeEditor();
    this.drawTerritories();
  }

  addPart(layer) {
    layer.setStyle({ color: DRAFT, weight: 3, fillOpacity: 0.2 });
    layer.on("pm:edit", () => (this.shapeChanged = true));
    this.draftGroup.addLayer(layer);
    if (this.shaping) makeEditable(layer, GEOMAN);
    this.parts = this.draftGroup.getLayers().length;
  }

  draw() {
    if (!this.map) return;
    this.drawing = true;
    const style = { color: DRAFT, weight: 3 };
    startDrawing(this.map, "Polygon", style, GEOMAN);
  }

  // Geoman adds what it drew to the map: it moves into the draft, as one more part.
  partDrawn(layer) {
    if (!this.draft) return layer.remove();
    layer.remove();
    this.shapeChanged = true;
    this.addPart(layer);
    this.drawing = false;
  }

  toggleShaping() {
    this.shaping = !this.shaping;
    for (const layer of this.draftGroup.getLayers()) {
      if (this.shaping) makeEditable(layer, GEOMAN);
      else stopEditing(layer);
    }
  }

  clearParts() {
    for (const layer of this.draftGroup.getLayers()) stopEditing(layer);
    this.draftGroup.clearLayers();
    Object.assign(this, { parts: 0, shaping: false });
    this.shapeChanged = true;
    this.draw();
  }

  async save(event) {
    event.preventDefault();
    const form = new FormData(event.target);
    const name = String(form.get("name") ?? "").trim();
    const repIds = form.getAll("rep_ids").map(String);
    const area = toMultiPolygon(this.draftGroup.getLayers().map((layer) => layer.getLatLngs()));
    if (!name) return (this.message = { kind: "error", text: t("territories.needName") });
    if (!area) return (this.message = { kind: "error", text: t("territories.needArea") });
    const draft = this.draft;
    this.saving = true;
    try {
      if (draft.isNew) await createTerritory({ name, area, rep_ids: repIds });
      else
        await updateTerritory(
          draft.id,
          { name, rep_ids: repIds, ...(this.shapeChanged ? { area } : {}) },
          draft.version,
        );
      this.closeEditor();
      this.message = { kind: "saved", text: t("territories.saved", { name }) };
      await this.load();
      this.refreshViewport();
    } catch (error) {
      this.refused(error);
    } finally {
      this.saving = false;
    }
  }

  refused(error) {
    if (error.status === 401) return this.failedWith(error);
    if (error.status === 409) return (this.message = { kind: "conflict", text: t("territories.conflict") });
    if (!error.status) return (this.offline = true);
    this.message = {
      kind: "error",
      text: t("territories.saveFailed", { message: error.message }),
      lines: fieldErrors(error.fields),
    };
  }

  // After a 409: the server's version replaces what was being edited.
  async reloadDraft() {
    try {
      const territory = await getTerritory(this.draft.id);
      this.territories = (this.territories ?? []).map((known) =>
        known.id === territory.id ? territory : known,
      );
      this.edit(territory);
    } catch (error) {
      if (error.status === 404) {
        this.cancel();
        await this.load();
      } else this.refused(error);
    }
  }

  async remove() {
    const { id, name } = this.draft;
    try {
      await deleteTerritory(id);
      this.closeEditor();
      this.message = { kind: "deleted", text: t("territories.deleted", { name }) };
      await this.load();
      this.refreshViewport();
    } catch (error) {
      this.confirming = false;
      this.refused(error);
    }
  }

  // --- GeoJSON ----------------------------------------------------------------------------

  async importFile(event) {
    const input = event.target;
    const file = input.files?.[0];
    if (!file) return;
    const read = readCollection(await file.text());
    input.value = "";
    if (read.error)
      return (this.importNote = {
        error: t(`territories.import${read.error[0].toUpperCase()}${read.error.slice(1)}`),
      });
    try {
      const answer = await importTerritories(read.collection);
      const made = Array.isArray(answer)
        ? answer.length
        : (answer?.items?.length ?? read.collection.features.length);
      this.importNote = { ok: made };
      await this.load();
      this.refreshViewport();
    } catch (error) {
      if (error.status === 401) return this.failedWith(error);
      if (!error.status) return (this.offline = true);
      this.importNote = {
        error: t("territories.importFailed", { message: error.message }),
        lines: fieldErrors(error.fields),
      };
    }
  }

  // --- rendering --------------------------------------------------------------------------

  render() {
    return html`<h1>${t("territories.title")}</h1>
      ${this.renderState()}
      <div class="layout">
        <div class="map" role="region" aria-label=${t("territories.mapLabel")}></div>
        <div class="panel">
          ${this.message ? this.renderMessage() : nothing}
          ${this.draft ? this.renderEditor() : html`<div class="row"><button type="button" class="primary new" @click=${this.newTerritory} ?disabled=${!this.territories}>${t("territories.new")}</button></div>`}
          <label class="toggle"><input type="checkbox" class="gaps" .checked=${Boolean(this.showGaps)} @change=${this.toggleGaps} />${t("territories.gaps")}</label>
          ${this.showGaps && this.gapCount !== null && this.gapCount !== undefined ? html`<p class="note gap-count" role="status">${t("territories.gapCount", { count: this.gapCount })}</p>` : nothing}
          ${this.showGaps && this.gapsFailed ? html`<p class="note error">${t("territories.gapsFailed")}</p>` : nothing}
          ${this.renderList()} ${this.renderOverlaps()} ${this.renderFiles()}
        </div>
      </div>`;
  }

  renderState() {
    if (this.offline) return html`<p class="note offline" role="status">${t("territories.offline")}</p>`;
    if (this.failed) return html`<p class="note error failed" role="status">${t("territories.failed")}</p>`;
    if (!this.territories) return html`<p class="note loading">${t("territories.loading")}</p>`;
    if (this.noTiles) return html`<p class="note">${t("mapNoTiles")}</p>`;
    return nothing;
  }

  renderMessage() {
    const { kind, text, lines } = this.message;
    return html`<div class="message ${kind}" role=${kind === "saved" || kind === "deleted" ? "status" : "alert"}>
      <p class=${kind === "saved" || kind === "deleted" ? "saved" : "error"}>${text}</p>
      ${lines?.length ? html`<ul class="fields">${lines.map((line) => html`<li>${line}</li>`)}</ul>` : nothing}
      ${kind === "conflict" ? html`<button type="button" class="reload" @click=${this.reloadDraft}>${t("territories.reload")}</button>` : nothing}
    </div>`;
  }

  renderEditor() {
    const draft = this.draft;
    const chosen = new Set(draft.repIds);
    return html`<form class="editor card" data-id=${draft.id ?? ""} @submit=${this.save}>
      <h2>${draft.isNew ? t("territories.new") : draft.name}</h2>
      <div class="field"><label for="territory-name">${t("territories.name")}</label>
        <input id="territory-name" name="name" required maxlength="200" autocomplete="off" .value=${draft.name} /></div>
      <fieldset class="reps"><legend>${t("territories.reps")}</legend>
        ${this.reps.length ? nothing : html`<p class="note">${t("territories.noRepsToPick")}</p>`}
        ${this.reps.map((rep) => html`<label><input type="checkbox" name="rep_ids" value=${rep.id} ?checked=${chosen.has(rep.id)} />${rep.name}</label>`)}
      </fieldset>
      <p class="meta parts">${t("territories.parts", { count: count(this.parts) })}</p>
      ${this.drawing ? html`<p class="hint" role="status">${t("territories.drawHint")}</p>` : nothing}
      ${this.shaping ? html`<p class="hint" role="status">${t("territories.editHint")}</p>` : nothing}
      <div class="row">
        <button type="button" class="draw" @click=${this.draw} ?disabled=${this.drawing}>${t("territories.draw")}</button>
        ${this.parts ? html`<button type="button" class="shape" aria-pressed=${this.shaping ? "true" : "false"} @click=${this.toggleShaping}>${this.shaping ? t("territories.doneEditing") : t("territories.editShape")}</button>` : nothing}
        ${this.parts ? html`<button type="button" class="clear-parts" @click=${this.clearParts}>${t("territories.clearParts")}</button>` : nothing}
      </div>
      <div class="row">
        <button type="submit" class="primary save" ?disabled=${this.saving}>${t("territories.save")}</button>
        <button type="button" class="cancel" @click=${this.cancel}>${t("territories.cancel")}</button>
        ${draft.isNew ? nothing : html`<button type="button" class="delete" @click=${() => (this.confirming = true)}>${t("territories.delete")}</button>`}
      </div>
      ${
        this.confirming
          ? html`<div class="confirm card" role="alertdialog" aria-labelledby="confirm-text">
            <p id="confirm-text">${t("territories.confirmDelete", { name: draft.name })}</p>
            <div class="row"><button type="button" class="primary confirm-delete" @click=${this.remove}>${t("territories.delete")}</button>
              <button type="button" class="keep" @click=${() => (this.confirming = false)}>${t("territories.keep")}</button></div>
          </div>`
          : nothing
      }
    </form>`;
  }

  renderList() {
    if (!this.territories) return nothing;
    if (!this.territories.length) return html`<p class="note empty">${t("territories.empty")}</p>`;
    return html`<section aria-labelledby="territory-list"><h2 id="territory-list">${t("territories.list")}</h2>
      <ul class="cards territories">${this.territories.map((territory) => this.renderTerritory(territory))}</ul></section>`;
  }

  renderTerritory(territory) {
    const names = repNames(territory.rep_ids, this.reps);
    const progress = assignmentProgress(territory);
    return html`<li class="card territory" data-id=${territory.id}>
      <div class="top"><span class="name">${swatch(territoryColour(territory.id))}${territory.name}</span>
        <button type="button" class="edit" ?disabled=${Boolean(this.draft)} @click=${() => this.edit(territory)}>${t("territories.edit")}</button></div>
      <p class="meta reps">${names.length ? names.join(", ") : t("territories.noReps")}</p>
      <p class="meta account-count">${t("territories.accounts", { count: count(territory.account_count ?? 0) })}</p>
      ${
        progress
          ? html`<p class="meta assigning" role="status">${progress.total ? t("territories.assigning", { done: count(progress.done), total: count(progress.total) }) : t("territories.assigningQueued")}</p>
            <progress max=${progress.total || 1} .value=${progress.done}></progress>`
          : nothing
      }
    </li>`;
  }

  renderOverlaps() {
    if (!this.overlaps) return nothing;
    if (this.overlaps.failed) return nothing;
    const { rows, more } = this.overlaps;
    return html`<section class="overlaps" aria-labelledby="overlaps-title"><h2 id="overlaps-title">${t("territories.overlaps")}</h2>
      ${rows.length ? nothing : html`<p class="note no-overlaps">${t("territories.noOverlaps")}</p>`}
      <ul class="overlaps">
        ${rows.map(
          (
            row,
          ) => html`<li data-id=${row.accountId}><a href="/accounts/${row.accountId}" data-route>${row.name ?? t("territories.unknownAccount")}</a>
            ${t("territories.overlapIn", { territories: territoryList(row.territories, locale, t("territories.unknownTerritory")) })}</li>`,
        )}
      </ul>
      ${more ? html`<p class="note">${t("territories.moreOverlaps")}</p>` : nothing}</section>`;
  }

  renderFiles() {
    const note = this.importNote;
    return html`<section class="file" aria-labelledby="file-title"><h2 id="file-title">${t("territories.file")}</h2>
      <div class="row"><a class="button export" href=${EXPORT_URL} download="territories.geojson">${t("territories.export")}</a></div>
      <div class="field"><label for="territory-import">${t("territories.import")}</label>
        <input id="territory-import" class="import" type="file" accept=".geojson,.json,application/geo+json,application/json" @change=${this.importFile} /></div>
      ${note?.ok !== undefined ? html`<p class="saved imported" role="status">${t("territories.imported", { count: count(note.ok) })}</p>` : nothing}
      ${
        note?.error
          ? html`<div class="import-error" role="alert"><p class="error">${note.error}</p>
            ${note.lines?.length ? html`<ul class="fields">${note.lines.map((line) => html`<li>${line}</li>`)}</ul>` : nothing}</div>`
          : nothing
      }
    </section>`;
  }
}
customElements.define("wp-territories", TerritoriesView);
