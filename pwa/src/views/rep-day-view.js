// One rep's day, opened from Team: their tasks due today and overdue (then their other open ones),
// each of which the manager can give to another rep or cancel (task.update mutations through
// the outbox, shown at once), and today's visits in a list and on a map, each where it was
// checked in. Only the positions: never a line between them, the rep is not tracked. Another
// rep's coordinates are shown, never stored: the visits come from the server each time (its
// reads of them are audited), so offline the day shows its tasks only.
import { LitElement, css, html, nothing } from "lit";
import L from "leaflet";
import { reps, tasksOf, userById, visitsOf } from "../api/team.js";
import { LANGUAGE_EVENT, addStrings, locale, t } from "../i18n.js";
import manager from "../locales/manager.js";
import { formatDateTime } from "../shared/format.js";
import { overdue } from "../shared/tasks.js";
import { assignableReps, dayRange, mergeTasks, repTaskLists, visitMarkers } from "../shared/team.js";
import { allAccounts, allRows } from "../store/db.js";
import { OUTBOX_EVENT } from "../store/outbox.js";
import { REALTIME_EVENT, saveChange } from "../sync/index.js";
import { Listen, debounced } from "./listen.js";
import { MapController, TOUCH, WORLD, mapStyles } from "./map-base.js";
import { screenStyles } from "./styles.js";
import { keptTeamDay } from "./team-data.js";

addStrings(manager);

const LIVE_EVENTS = new Set(["connect", "sync.poke", "task.created", "task.updated", "task.deleted"]);
const DEBOUNCE_MS = 300;
const FIT = { padding: [TOUCH, TOUCH], maxZoom: 16 };

// Icons are built from DOM nodes, never HTML strings, so nothing from the server can inject markup.
function visitIcon(verification) {
  const dot = document.createElement("span");
  dot.className = `dot ${verification ?? "unverifiable"}`;
  return L.divIcon({
    html: dot,
    className: `wp-visit ${verification ?? "unverifiable"}`,
    iconSize: [TOUCH, TOUCH],
  });
}

export class RepDayView extends LitElement {
  static properties = {
    repId: {},
    rep: { state: true },
    lists: { state: true },
    visits: { state: true },
    reps: { state: true },
    offline: { state: true },
    notice: { state: true },
  };

  static styles = [
    screenStyles,
    ...mapStyles,
    css`
      .top { display: flex; justify-content: space-between; align-items: center; gap: 8px; flex-wrap: wrap; }
      a.back { color: var(--accent); min-height: 44px; display: inline-flex; align-items: center; }
      li.task.overdue { border-left: 4px solid #d93025; }
      li.task[data-pending="true"] { border-style: dashed; }
      @media (prefers-color-scheme: dark) { li.task.overdue { border-left-color: #ff8a80; } }
      .title { font-weight: 600; overflow-wrap: anywhere; }
      .meta { color: var(--muted); font-size: 0.9rem; margin: 0; overflow-wrap: anywhere; }
      .status { font-size: 0.85rem; font-weight: 600; }
      .map { height: 300px; border-radius: 12px; border: 1px solid var(--border); overflow: hidden; }
      .wp-visit { display: grid; place-items: center; }
      .wp-visit .dot { width: 18px; height: 18px; border-radius: 50%; border: 3px solid #fff; box-shadow: 0 1px 4px rgb(0 0 0 / 0.5); background: #80868b; }
      .wp-visit .dot.verified { background: #137333; }
      .wp-visit .dot.out_of_range { background: #c25e00; }
      .verification.verified { color: #137333; }
      .verification.out_of_range { color: #c25e00; }
      @media (prefers-color-scheme: dark) { .verification.verified { color: #81c995; } .verification.out_of_range { color: #fdb863; } .wp-visit .dot { border-color: #1a1d23; } }
    `,
  ];

  constructor() {
    super();
    this.lists = null;
    this.visits = null;
    this.reps = [];
    this.accounts = new Map();
    this.remote = []; // the server's answer for this rep's tasks, merged with the device's rows
    this.choices = new Map(); // task id -> the rep picked to take it over
    this.sequence = 0;
    this.soon = debounced(() => this.load(), DEBOUNCE_MS);
    this.base = new MapController(this, { ready: (map) => this.setUpMap(map) });
    new Listen(this, [
      [window, REALTIME_EVENT, (event) => LIVE_EVENTS.has(event.detail.type) && this.soon()],
      [window, OUTBOX_EVENT, () => this.showTasks()],
      [window, LANGUAGE_EVENT, () => this.requestUpdate()],
    ]);
  }

  /** The Leaflet map while the view is in the page, else null. */
  get map() {
    return this.base.map;
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    this.soon.cancel();
  }

  updated(changed) {
    if (changed.has("repId") && this.repId) this.open();
  }

  // Another rep (or the first): what the device has at once, then the server's answer.
  async open() {
    Object.assign(this, { rep: null, lists: null, visits: null, notice: null });
    this.remote = [];
    await Promise.all([this.showTasks(), this.findRep()]);
    await this.load();
  }

  // Who the rep is, and who else a task can go to: the Team answer this device kept, else the
  // server's list of users.
  async findRep() {
    const repId = this.repId;
    const team = (await keptTeamDay())?.items ?? [];
    this.reps = team.length ? assignableReps(team) : assignableReps([], await reps().catch(() => []));
    const known =
      team.find((item) => item.user.id === repId)?.user ?? this.reps.find((rep) => rep.id === repId);
    const rep = known ?? (await userById(repId).catch(() => null));
    if (repId === this.repId) this.rep = rep;
  }

  async load() {
    const sequence = ++this.sequence;
    const repId = this.repId;
    try {
      const day = dayRange();
      const [tasks, visits] = await Promise.all([tasksOf(repId), visitsOf(repId, day)]);
      if (sequence !== this.sequence) return;
      this.remote = tasks;
      this.offline = false;
      await this.showTasks(); // brings the accounts the visits are named by
      this.showVisits(visits);
    } catch (error) {
      if (sequence !== this.sequence) return;
      if (error.status === 401)
        return this.dispatchEvent(new CustomEvent("logged-out", { bubbles: true, composed: true }));
      this.offline = true;
    }
  }

  // The tasks as the device has them (its pull holds the team's), with the server's answer.
  async showTasks() {
    const repId = this.repId;
    const [tasks, accounts] = await Promise.all([allRows("tasks"), allAccounts()]);
    if (repId !== this.repId) return;
    this.accounts = new Map(accounts.map((account) => [account.id, account]));
    this.lists = repTaskLists(mergeTasks(tasks, this.remote), repId);
  }

  showVisits(visits) {
    this.visits = visits;
    this.drawVisits();
  }

  setUpMap(map) {
    this.layer = L.layerGroup().addTo(map);
    map.setView(WORLD.center, WORLD.zoom);
    this.drawVisits();
  }

  // A marker per visit with a position; nothing joins them.
  drawVisits() {
    if (!this.map || !this.visits) return;
    this.layer.clearLayers();
    const markers = visitMarkers(this.visits).map(({ id, lat, lng, visit }) => {
      const title = this.visitLabel(visit);
      const marker = L.marker([lat, lng], {
        icon: visitIcon(visit.verification),
        title,
        alt: title,
        keyboard: true,
      });
      marker.visitId = id;
      return marker.addTo(this.layer);
    });
    if (markers.length) this.map.fitBounds(L.latLngBounds(markers.map((marker) => marker.getLatLng())), FIT);
  }

  visitLabel(visit) {
    const account = this.accounts.get(visit.account_id)?.name ?? t("repDay.unknownAccount");
    return `${account} · ${formatDateTime(visit.started_at, locale)} · ${t(`visit.${visit.verification}`)}`;
  }

  async reassign(task) {
    const assignee = this.choices.get(task.id);
    if (!assignee || assignee === task.assignee_id) return;
    await saveChange("task.update", { id: task.id, assignee_id: assignee }, { base_version: task.version });
    const to = this.reps.find((rep) => rep.id === assignee)?.name ?? "";
    this.notice = t("repDay.reassigned", { title: task.title, name: to });
  }

  async cancel(task) {
    await saveChange("task.update", { id: task.id, status: "cancelled" }, { base_version: task.version });
    this.notice = t("repDay.cancelled", { title: task.title });
  }

  render() {
    const name = this.rep?.name ?? "";
    return html`<a class="back" href="/team" data-route>${t("repDay.back")}</a>
      <div class="top"><h1>${name ? t("repDay.title", { name }) : t("repDay.titleNoName")}</h1>
        <a class="button primary assign" href="/assign?rep=${this.repId}" data-route>${t("repDay.assign")}</a></div>
      ${this.offline ? html`<p class="note offline" role="status">${t("repDay.offline")}</p>` : nothing}
      ${this.notice ? html`<p class="saved" role="status">${this.notice}</p>` : nothing}
      ${this.renderTasks()}
      <h2>${t("repDay.visits")}</h2>
      <div class="map" role="region" aria-label=${t("repDay.mapLabel")}></div>
      ${this.base.noTiles ? html`<p class="note">${t("mapNoTiles")}</p>` : nothing}
      ${this.renderVisits()}`;
  }

  renderTasks() {
    if (!this.lists) return nothing;
    const { now, later } = this.lists;
    return html`<h2>${t("repDay.tasks")}</h2>
      ${now.length ? html`<ul class="cards now">${now.map((task) => this.renderTask(task))}</ul>` : html`<p class="note no-tasks">${t("repDay.noTasks")}</p>`}
      ${later.length ? html`<h2>${t("repDay.later")}</h2><ul class="cards later">${later.map((task) => this.renderTask(task))}</ul>` : nothing}`;
  }

  renderTask(task) {
    const account = task.account_id ? this.accounts.get(task.account_id) : null;
    const late = overdue(task);
    const open = task.status === "open" || task.status === "in_progress";
    return html`<li class="card task ${late ? "overdue" : ""}" data-id=${task.id} data-status=${task.status} data-pending=${Boolean(task.pending)}>
      <div class="top"><span class="title">${task.title}</span>
        <span class="status">${t(`task.status.${task.status}`)}${task.priority === "high" ? ` · ${t("task.priority.high")}` : ""}${task.pending ? ` · ${t("repDay.waiting")}` : ""}</span></div>
      ${account ? html`<p class="meta account">${account.name}</p>` : nothing}
      <p class="meta due">${late ? html`<span class="late">${t("today.overdue")}</span> · ` : nothing}${task.due_at ? t("today.due", { when: formatDateTime(task.due_at, locale) }) : t("today.noDue")}</p>
      ${task.notes ? html`<p class="meta notes">${task.notes}</p>` : nothing}
      ${open ? this.renderActions(task) : nothing}
    </li>`;
  }

  // Give the task to another rep of the team, or cancel it.
  renderActions(task) {
    const others = this.reps.filter((rep) => rep.id !== task.assignee_id);
    const choose = (event) => this.choices.set(task.id, event.target.value);
    const reassign = html`<select class="reassign-to" aria-label=${t("repDay.reassignTo", { title: task.title })} @change=${choose}>
        <option value="">${t("repDay.chooseRep")}</option>
        ${others.map((rep) => html`<option value=${rep.id}>${rep.name}</option>`)}
      </select>
      <button class="reassign" @click=${() => this.reassign(task)}>${t("repDay.reassign")}</button>`;
    return html`<div class="row">
      ${others.length ? reassign : nothing}
      <button class="cancel" @click=${() => this.cancel(task)}>${t("task.action.cancel")}</button>
    </div>`;
  }

  renderVisits() {
    if (!this.visits) return this.offline ? nothing : html`<p class="note loading">${t("team.loading")}</p>`;
    if (this.visits.length === 0) return html`<p class="note no-visits">${t("repDay.noVisits")}</p>`;
    return html`<ul class="cards visits">${this.visits.map(
      (visit) => html`<li class="card visit" data-id=${visit.id} data-verification=${visit.verification}>
        <div class="top"><span class="title">${this.accounts.get(visit.account_id)?.name ?? t("repDay.unknownAccount")}</span>
          <span class="status verification ${visit.verification}">${t(`visit.${visit.verification}`)}</span></div>
        <p class="meta">${formatDateTime(visit.started_at, locale)} · ${t(`visit.outcome.${visit.outcome}`)}${visit.location ? "" : ` · ${t("repDay.noPosition")}`}</p>
      </li>`,
    )}</ul>`;
  }
}
customElements.define("wp-rep-day", RepDayView);
