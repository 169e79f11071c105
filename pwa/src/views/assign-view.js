// Assign work: a new task for a rep of the team, for an account found by name among those on
// the device (a manager's pull holds the team's accounts) or picked on a map, with a due time,
// priority and notes. Saving is a task.create mutation through the outbox, so it works offline;
// the task shows at once in the rep's day here, waiting, and reaches the rep's Today live.
import { LitElement, css, html, nothing, unsafeCSS } from "lit";
import L from "leaflet";
import "leaflet.markercluster";
import clusterCss from "leaflet.markercluster/dist/MarkerCluster.css?inline";
import { reps as listReps } from "../api/team.js";
import { LANGUAGE_EVENT, addStrings, t } from "../i18n.js";
import manager from "../locales/manager.js";
import { assignableReps, defaultDue, newTaskData, searchAccounts } from "../shared/team.js";
import { allAccounts, getMeta } from "../store/db.js";
import { OUTBOX_EVENT } from "../store/outbox.js";
import { saveChange } from "../sync/index.js";
import { Listen } from "./listen.js";
import { TOUCH, addTiles, createMap, mapStyles, tileConfig } from "./map-base.js";
import { screenStyles } from "./styles.js";
import { freshTeamDay, keptTeamDay } from "./team-data.js";

addStrings(manager);

const PRIORITIES = ["low", "normal", "high"];
const SHOWN_MATCHES = 8;
const WORLD = { center: [20, 0], zoom: 2 };

function pinIcon(account) {
  const dot = document.createElement("span");
  dot.className = `dot ${account.kind}`;
  return L.divIcon({ html: dot, className: "wp-pin", iconSize: [TOUCH, TOUCH] });
}

export class AssignView extends LitElement {
  static properties = {
    repId: {},
    accountId: {},
    reps: { state: true },
    account: { state: true },
    query: { state: true },
    picking: { state: true },
    saved: { state: true },
    noReps: { state: true },
    noTiles: { state: true },
  };

  static styles = [
    screenStyles,
    ...mapStyles,
    unsafeCSS(clusterCss),
    css`
      form { display: grid; gap: 14px; }
      .field { display: grid; gap: 6px; }
      .field > input, .field > select { width: 100%; }
      fieldset { border: 1px solid var(--border); border-radius: 12px; padding: 10px 12px; margin: 0; display: grid; gap: 8px; }
      legend { font-weight: 600; padding: 0 4px; }
      ul.results { list-style: none; padding: 0; margin: 0; display: grid; gap: 6px; }
      ul.results button { width: 100%; justify-content: flex-start; text-align: left; }
      .address { color: var(--muted); font-size: 0.9rem; margin-left: 6px; }
      .chosen { font-weight: 600; overflow-wrap: anywhere; }
      .map { height: 320px; border-radius: 12px; border: 1px solid var(--border); overflow: hidden; }
      .map[hidden] { display: none; }
      .wp-pin { display: grid; place-items: center; }
      .wp-pin .dot { width: 16px; height: 16px; border-radius: 50%; border: 3px solid #fff; background: #0b5fff; box-shadow: 0 1px 4px rgb(0 0 0 / 0.5); }
      .wp-pin .dot.prospect { background: #c25e00; }
      .marker-cluster { display: grid; place-items: center; border-radius: 50%; background: rgb(11 95 255 / 0.3); }
      .marker-cluster div { display: grid; place-items: center; width: calc(100% - 8px); height: calc(100% - 8px); border-radius: 50%; background: #0b5fff; color: #fff; font-weight: 700; }
    `,
  ];

  constructor() {
    super();
    this.reps = [];
    this.accounts = [];
    this.account = null;
    this.query = "";
    this.due = defaultDue();
    new Listen(this, [
      [window, OUTBOX_EVENT, () => this.loadAccounts()],
      [window, LANGUAGE_EVENT, () => this.requestUpdate()],
    ]);
  }

  connectedCallback() {
    super.connectedCallback();
    this.loadAccounts();
    this.loadReps();
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    this.map?.remove();
    this.map = null;
  }

  updated(changed) {
    if (changed.has("accountId")) this.preselectAccount();
  }

  async loadAccounts() {
    this.accounts = await allAccounts();
    this.preselectAccount();
    this.requestUpdate();
  }

  preselectAccount() {
    if (this.accountId && this.account?.id !== this.accountId) {
      this.account = this.accounts.find((account) => account.id === this.accountId) ?? this.account;
    }
  }

  // The reps: the Team answer kept on the device at once, then a fresh one; without either, the
  // users the server lists.
  async loadReps() {
    const kept = await keptTeamDay();
    if (kept?.items.length) this.reps = assignableReps(kept.items);
    try {
      this.reps = assignableReps((await freshTeamDay()).items);
    } catch {
      if (!this.reps.length) this.reps = assignableReps([], await listReps().catch(() => []));
    }
    this.noReps = this.reps.length === 0;
  }

  pick(account) {
    this.account = account;
    this.query = "";
    this.picking = false;
  }

  async togglePicking() {
    this.picking = !this.picking;
    if (!this.picking) return;
    await this.updateComplete;
    if (!this.map) await this.setUpMap();
    this.map.invalidateSize();
  }

  // Every account on the device with a position, clustered; tapping one picks it.
  async setUpMap() {
    const map = createMap(this.renderRoot.querySelector(".map"));
    this.map = map;
    const layer = L.markerClusterGroup({
      showCoverageOnHover: false,
      maxClusterRadius: 60,
      disableClusteringAtZoom: 18,
    });
    const placed = this.accounts.filter((account) => Array.isArray(account.location?.coordinates));
    layer.addLayers(
      placed.map((account) => {
        const [lng, lat] = account.location.coordinates;
        const marker = L.marker([lat, lng], {
          icon: pinIcon(account),
          title: account.name,
          alt: account.name,
          keyboard: true,
        });
        marker.accountId = account.id;
        return marker.on("click", () => this.pick(account));
      }),
    );
    map.addLayer(layer);
    if (placed.length) map.fitBounds(layer.getBounds(), { padding: [TOUCH, TOUCH], maxZoom: 16 });
    else {
      const here = await getMeta("position");
      map.setView(here ? [here.lat, here.lng] : WORLD.center, here ? 14 : WORLD.zoom);
    }
    const config = await tileConfig();
    if (this.map === map) this.noTiles = !addTiles(map, config);
  }

  async submit(event) {
    event.preventDefault();
    const form = event.target;
    const fields = new FormData(form);
    const data = newTaskData({
      title: fields.get("title"),
      notes: fields.get("notes"),
      accountId: this.account?.id ?? null,
      assigneeId: fields.get("assignee"),
      due: fields.get("due"),
      priority: fields.get("priority"),
    });
    if (!data) return;
    await saveChange("task.create", data);
    const name = this.reps.find((rep) => rep.id === data.assignee_id)?.name ?? "";
    this.saved = { title: data.title, name, repId: data.assignee_id };
    this.repId = data.assignee_id; // the next task most likely goes to the same rep
    form.querySelector("[name=title]").value = "";
    form.querySelector("[name=notes]").value = "";
    this.account = null;
  }

  render() {
    return html`<h1>${t("assign.title")}</h1>
      ${this.saved ? this.renderSaved() : nothing}
      ${this.noReps ? html`<p class="note error no-reps" role="status">${t("assign.noReps")}</p>` : nothing}
      <form @submit=${this.submit}>
        <div class="field"><label for="assignee">${t("assign.rep")}</label>
          <select id="assignee" name="assignee" required>
            <option value="">${t("repDay.chooseRep")}</option>
            ${this.reps.map((rep) => html`<option value=${rep.id} ?selected=${rep.id === this.repId}>${rep.name}</option>`)}
          </select></div>
        ${this.renderAccount()}
        <div class="field"><label for="title">${t("task.title")}</label>
          <input id="title" name="title" required maxlength="200" autocomplete="off" /></div>
        <div class="row">
          <div class="field"><label for="due">${t("task.due_at")}</label>
            <input id="due" name="due" type="datetime-local" .value=${this.due} /></div>
          <div class="field"><label for="priority">${t("task.priority")}</label>
            <select id="priority" name="priority">${PRIORITIES.map((priority) => this.renderPriority(priority))}</select></div>
        </div>
        <div class="field"><label for="notes">${t("task.notes")}</label><textarea id="notes" name="notes" maxlength="10000"></textarea></div>
        <div class="row"><button type="submit" class="primary assign">${t("assign.submit")}</button></div>
      </form>`;
  }

  renderSaved() {
    const { repId, name } = this.saved;
    return html`<p class="saved" role="status">${t("assign.saved", this.saved)}
      <a href="/team/${repId}" data-route>${t("assign.seeDay", { name })}</a></p>`;
  }

  renderPriority(priority) {
    return html`<option value=${priority} ?selected=${priority === "normal"}>${t(`assign.priority.${priority}`)}</option>`;
  }

  // The account: the one picked, a search by name among the device's accounts, or the map.
  renderAccount() {
    const matches = searchAccounts(this.accounts, this.query, SHOWN_MATCHES);
    return html`<fieldset class="account"><legend>${t("assign.account")}</legend>
      ${this.account ? this.renderChosen() : nothing}
      <div class="field"><label for="account-query">${t("assign.search")}</label>
        <input id="account-query" name="account_query" type="search" autocomplete="off" .value=${this.query}
          @input=${(event) => (this.query = event.target.value)} /></div>
      ${this.query && matches.length === 0 ? html`<p class="note no-match">${t("assign.noMatch")}</p>` : nothing}
      ${matches.length ? html`<ul class="results" aria-label=${t("assign.matches")}>${matches.map((account) => this.renderMatch(account))}</ul>` : nothing}
      <div class="row"><button type="button" class="pick-on-map" aria-expanded=${this.picking ? "true" : "false"} @click=${this.togglePicking}>
        ${this.picking ? t("assign.hideMap") : t("assign.pickOnMap")}</button></div>
      <div class="map" role="region" aria-label=${t("assign.mapLabel")} ?hidden=${!this.picking}></div>
      ${this.picking && this.noTiles ? html`<p class="note">${t("mapNoTiles")}</p>` : nothing}
    </fieldset>`;
  }

  renderChosen() {
    return html`<div class="row"><span class="chosen" data-id=${this.account.id}>${this.account.name}</span>
      <button type="button" class="clear-account" @click=${() => (this.account = null)}>${t("assign.changeAccount")}</button></div>`;
  }

  renderMatch(account) {
    const address = account.address ? html`<span class="address">${account.address}</span>` : nothing;
    return html`<li><button type="button" class="pick" data-id=${account.id} @click=${() => this.pick(account)}>${account.name}${address}</button></li>`;
  }
}
customElements.define("wp-assign", AssignView);
