// Plan my day: the rep's stops for today (their tasks due today or overdue at an account with a
// location, read from the device so it works offline) in a visiting order, on a map with
// numbered markers and the line between them, with the total distance and driving time. The
// server plans the order when it can; offline, or when it cannot, the device does (nearest
// neighbour and local search over straight-line distances) and says so. The line follows the
// roads when the server's routing service drew one, until the order changes on the device; else
// it is straight. The rep reorders (dragging a stop's number with a finger, pen or mouse, or the
// up/down buttons), locks a stop at its place, skips a stop, optimises again on the device
// (locks and skips kept), and "Start" opens the chosen navigation app for the next stop. The
// plan (order, locks, skips and the figures it was made on) is kept per user and day, and
// follows check-ins: a stop whose task is done, or whose account was visited, leaves the list.
// A link leads to Plan my week (plan-week-view.js).
import { LitElement, css, html, nothing } from "lit";
import L from "leaflet";
import { planDay } from "../api/routes.js";
import { LANGUAGE_EVENT, addStrings, locale, t } from "../i18n.js";
import strings from "../locales/plan.js";
import { planKey, reconcile, routeLine, startPoint, todayStops } from "../shared/day-plan.js";
import { formatDistance, formatDuration } from "../shared/format.js";
import { slotAt } from "../shared/list-slots.js";
import { NAVIGATION_APPS, googleRouteUrls, legLink } from "../shared/navigation.js";
import { covers, geodesicMatrix, moveStop, planOrder, routeTotals } from "../shared/route-plan.js";
import { allAccounts, allRows, getMeta, setMeta } from "../store/db.js";
import { OUTBOX_EVENT } from "../store/outbox.js";
import { SYNC_STATUS_EVENT } from "../sync/engine.js";
import { Listen, debounced } from "./listen.js";
import { MapController, PositionWatch, TOUCH, WORLD, mapStyles } from "./map-base.js";
import { screenStyles } from "./styles.js";

addStrings(strings);

const APP_KEY = "waypoint.navigationApp";
const RELOAD_MS = 300;
const FIT = { padding: [TOUCH, TOUCH], maxZoom: 16 };

// Numbered markers from DOM nodes, never HTML strings, so names cannot inject markup.
function numberIcon(label, className) {
  const mark = document.createElement("span");
  mark.className = `mark ${className}`;
  mark.textContent = label;
  return L.divIcon({ html: mark, className: "wp-stop", iconSize: [TOUCH, TOUCH] });
}

function readJson(key) {
  try {
    return JSON.parse(localStorage.getItem(key) ?? "null");
  } catch {
    return null; // a damaged entry is a plan not kept
  }
}

export class PlanDayView extends LitElement {
  static properties = {
    stops: { state: true },
    plan: { state: true },
    app: { state: true },
    notice: { state: true },
    dragging: { state: true },
  };

  static styles = [
    screenStyles,
    ...mapStyles,
    css`
      .map { height: min(42vh, 360px); border-radius: 12px; border: 1px solid var(--border); overflow: hidden; }
      .summary { display: grid; gap: 8px; margin: 8px 0; }
      .totals { font-size: 1.1rem; font-weight: 700; margin: 0; font-variant-numeric: tabular-nums; }
      .source { margin: 0; }
      .source.local { color: #c25e00; font-weight: 600; }
      @media (prefers-color-scheme: dark) { .source.local { color: #fdb863; } }
      a.start { flex: 1 1 auto; overflow-wrap: anywhere; text-align: center; }
      li.stop { grid-template-columns: auto minmax(0, 1fr); align-items: center; }
      li.stop[data-locked="true"] { border-left: 4px solid var(--accent); }
      li.stop.dragging { opacity: 0.5; }
      li.stop.drop-here { outline: 2px dashed var(--accent); outline-offset: 2px; }
      .number { display: grid; place-items: center; width: 40px; height: 40px; border-radius: 50%; background: var(--accent); color: #fff; font-weight: 700; cursor: grab; touch-action: none; user-select: none; }
      .name { font-weight: 600; overflow-wrap: anywhere; margin: 0; }
      .meta { color: var(--muted); font-size: 0.9rem; margin: 0; overflow-wrap: anywhere; }
      .actions { grid-column: 1 / -1; display: flex; flex-wrap: wrap; gap: 6px; }
      button[aria-pressed="true"] { background: var(--accent); border-color: var(--accent); color: #fff; }
      .wp-stop { display: grid; place-items: center; }
      .mark { display: grid; place-items: center; width: 26px; height: 26px; border-radius: 50%; border: 2px solid #fff; background: #0b5fff; color: #fff; font-size: 13px; font-weight: 700; box-shadow: 0 1px 4px rgb(0 0 0 / 0.5); }
      .mark.start { background: #137333; }
      ul.links { list-style: none; padding: 0; margin: 0; display: flex; flex-wrap: wrap; gap: 8px; }
      ul.links a { color: var(--accent); min-height: 44px; display: inline-flex; align-items: center; }
    `,
  ];

  constructor() {
    super();
    this.stops = null;
    this.plan = null;
    this.app = localStorage.getItem(APP_KEY) ?? "google";
    this.position = null;
    this.sequence = 0;
    this.dragging = null;
    this.soon = debounced(() => this.load(), RELOAD_MS);
    this.base = new MapController(this, { ready: (map) => this.setUpMap(map) });
    this.geolocation = new PositionWatch(this, (position) => this.moved(position));
    new Listen(this, [
      [window, OUTBOX_EVENT, () => this.soon()],
      [window, SYNC_STATUS_EVENT, () => this.soon()],
      [window, LANGUAGE_EVENT, () => this.requestUpdate()],
    ]);
  }

  connectedCallback() {
    super.connectedCallback();
    this.load();
    this.geolocation.watch();
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    this.soon.cancel();
  }

  setUpMap(map) {
    this.routeLayer = L.layerGroup().addTo(map);
    map.setView(WORLD.center, WORLD.zoom);
    this.draw();
  }

  async moved(position) {
    this.position = position;
    await setMeta("position", position);
    this.requestUpdate(); // the Start link leaves from here now
  }

  // The stops as the device has them, then the kept plan brought up to date, or a new plan.
  async load() {
    const sequence = ++this.sequence;
    const [tasks, accounts, visits, user, position] = await Promise.all([
      allRows("tasks"),
      allAccounts(),
      allRows("visits"),
      getMeta("user"),
      getMeta("position"),
    ]);
    if (sequence !== this.sequence || !user) return;
    this.user = user;
    this.position ??= position ?? null;
    const stops = todayStops(tasks, accounts, visits, user.id);
    const ids = stops.map((stop) => stop.id);
    const kept = reconcile(readJson(planKey(user.id)), ids);
    const points = new Map(stops.map((stop) => [stop.id, stop]));
    this.stops = points;
    if (kept?.start) return this.show(this.withMatrix(kept, ids), true);
    if (!ids.length)
      return this.show({ order: [], locked: [], skipped: [], local: true, start: null, matrix: null });
    const plan = await this.newPlan(stops, sequence);
    if (sequence === this.sequence) this.show(plan, true);
  }

  // The server's plan when it answers, else one made here; the older of two loads is dropped.
  async newPlan(stops, sequence) {
    this.plan = null;
    const start = startPoint(this.position, this.user, stops);
    const ids = stops.map((stop) => stop.id);
    try {
      const answer = await planDay(start, ids);
      if (sequence === this.sequence && covers(answer.matrix, ids)) {
        // Stops the server left unplanned (they fit no window) come last, for the rep to judge.
        const order = answer.order.filter((id) => ids.includes(id));
        return {
          order: [...order, ...ids.filter((id) => !order.includes(id))],
          locked: [],
          skipped: [],
          start,
          matrix: answer.matrix,
          provider: answer.provider,
          geometry: answer.geometry ?? null,
          geometry_order: order,
          local: false,
        };
      }
    } catch (error) {
      if (error.status === 401)
        this.dispatchEvent(new CustomEvent("logged-out", { bubbles: true, composed: true }));
      // Otherwise offline, or the server cannot plan (not there, or failing): plan here.
    }
    const matrix = this.localMatrix(start, stops);
    return {
      order: planOrder(matrix, ids),
      locked: [],
      skipped: [],
      start,
      matrix,
      provider: "geodesic",
      local: true,
    };
  }

  localMatrix(start, stops) {
    return geodesicMatrix([{ id: "start", ...start }, ...stops]);
  }

  // A kept plan whose figures lack a stop added since: straight-line figures for all of them.
  withMatrix(plan, ids) {
    if (covers(plan.matrix, ids)) return plan;
    const stops = ids.map((id) => this.stops.get(id));
    return { ...plan, matrix: this.localMatrix(plan.start, stops), provider: "geodesic", local: true };
  }

  // Shown (the map redraws after the render) and kept for the rest of the day.
  show(plan, fit = false) {
    this.plan = plan;
    this.fit = this.fit || fit;
    if (this.user && plan.start) localStorage.setItem(planKey(this.user.id), JSON.stringify(plan));
  }

  change(changes, notice = null) {
    this.notice = notice;
    this.show({ ...this.plan, ...changes });
  }

  move(from, to) {
    this.change({ order: moveStop(this.plan.order, from, to) });
  }

  toggleLock(id) {
    const locked = this.plan.locked.includes(id)
      ? this.plan.locked.filter((other) => other !== id)
      : [...this.plan.locked, id];
    this.change({ locked });
  }

  skip(id) {
    const { order, locked, skipped } = this.plan;
    this.change({
      order: order.filter((other) => other !== id),
      locked: locked.filter((other) => other !== id),
      skipped: [...skipped, id],
    });
  }

  restore(id) {
    this.change({
      order: [...this.plan.order, id],
      skipped: this.plan.skipped.filter((other) => other !== id),
    });
  }

  optimise() {
    const { order, locked } = this.plan;
    this.change({ order: planOrder(this.plan.matrix, order, { locked }) }, t("plan.optimised"));
  }

  chooseApp(event) {
    this.app = event.target.value;
    localStorage.setItem(APP_KEY, this.app);
  }

  // A stop's number is its handle: pressed (finger, pen or mouse), moved over another stop's
  // place and let go, the stop moves there.
  grab(event, k) {
    if (!event.isPrimary || event.button !== 0) return;
    event.preventDefault();
    event.currentTarget.setPointerCapture(event.pointerId);
    this.dragging = { from: k, to: k, pointer: event.pointerId };
  }

  drag(event) {
    if (this.dragging?.pointer !== event.pointerId) return;
    const items = [...this.renderRoot.querySelectorAll("ol.stops > li")];
    const to = slotAt(
      event.clientY,
      items.map((item) => item.getBoundingClientRect()),
    );
    if (to !== this.dragging.to) this.dragging = { ...this.dragging, to };
  }

  drop(event) {
    if (this.dragging?.pointer !== event.pointerId) return;
    this.drag(event);
    const { from, to } = this.dragging;
    this.dragging = null;
    this.move(from, to);
  }

  cancelDrag(event) {
    if (this.dragging?.pointer === event.pointerId) this.dragging = null;
  }

  // The route on the map: the start, each stop numbered in order, the line between them.
  draw() {
    const layer = this.routeLayer;
    if (!layer || !this.plan?.start) return;
    const fit = this.fit;
    this.fit = false;
    layer.clearLayers();
    const start = [this.plan.start.lat, this.plan.start.lng];
    const points = routeLine(this.plan, this.stops);
    L.polyline(points, { color: "#0b5fff", weight: 4, opacity: 0.7, interactive: false }).addTo(layer);
    L.marker(start, {
      icon: numberIcon("●", "start"),
      title: t(`plan.from.${this.plan.start.source}`),
      keyboard: false,
    }).addTo(layer);
    this.plan.order.forEach((id, k) => {
      const stop = this.stops.get(id);
      L.marker([stop.lat, stop.lng], {
        icon: numberIcon(String(k + 1), "stop"),
        title: `${k + 1}. ${stop.name}`,
        alt: `${k + 1}. ${stop.name}`,
        keyboard: false,
      }).addTo(layer);
    });
    if (fit) this.base.map.fitBounds(L.latLngBounds(points), FIT);
  }

  render() {
    return html`<h1>${t("plan.title")}</h1>
      <p><a class="week" href="/plan/week" data-route>${t("plan.week")}</a></p>
      <div class="map" role="region" aria-label=${t("plan.mapLabel")}></div>
      ${this.base.noTiles ? html`<p class="note">${t("mapNoTiles")}</p>` : nothing}
      ${this.renderPlan()}`;
  }

  renderPlan() {
    if (!this.plan) return html`<p class="note loading" role="status">${t("plan.loading")}</p>`;
    const { order, skipped } = this.plan;
    if (order.length + skipped.length === 0) return html`<p class="note empty">${t("plan.empty")}</p>`;
    const totals = routeTotals(this.plan.matrix, order);
    const source = this.plan.local ? t("plan.local") : t(`plan.server.${this.plan.provider}`);
    return html`<section class="summary">
        <p class="totals" data-distance=${totals.distance_m} data-duration=${totals.duration_s}>
          ${t("plan.total", { distance: formatDistance(totals.distance_m, locale), time: formatDuration(totals.duration_s, locale) })}
        </p>
        <p class="note source ${this.plan.local ? "local" : "server"}" data-provider=${this.plan.provider} role="status">${source}</p>
        <p class="note from">${t(`plan.from.${this.plan.start.source}`)}</p>
        ${this.notice ? html`<p class="saved" role="status">${this.notice}</p>` : nothing}
        ${this.renderStart()}
        <div class="row">
          <button class="optimise" @click=${this.optimise} ?disabled=${order.length < 2}>${t("plan.optimise")}</button>
          <label class="row">${t("plan.navigateWith")}
            <select name="app" @change=${this.chooseApp}>
              ${NAVIGATION_APPS.map((app) => html`<option value=${app} ?selected=${app === this.app}>${t(`plan.app.${app}`)}</option>`)}
            </select>
          </label>
        </div>
      </section>
      <ol class="cards stops">${order.map((id, k) => this.renderStop(id, k, totals.legs[k]))}</ol>
      ${this.renderWholeRoute()} ${this.renderSkipped()}`;
  }

  // The leg to the next stop in the chosen app, from where the device is (else the day's start).
  renderStart() {
    const next = this.stops.get(this.plan.order[0]);
    if (!next) return nothing;
    const from = this.position ?? this.plan.start;
    const href = legLink(this.app, from, next);
    return html`<div class="row"><a class="button primary start" href=${href} target="_blank" rel="noopener" data-stop=${next.id}>${t("plan.start", { name: next.name })}</a></div>`;
  }

  renderWholeRoute() {
    if (this.app !== "google" || this.plan.order.length < 2) return nothing;
    const urls = googleRouteUrls(
      this.plan.start,
      this.plan.order.map((id) => this.stops.get(id)),
    );
    return html`<ul class="links whole-route">
      ${urls.map((url, k) => html`<li><a href=${url} target="_blank" rel="noopener">${t("plan.wholeRoute", { part: k + 1, count: urls.length })}</a></li>`)}
    </ul>`;
  }

  renderStop(id, k, leg) {
    const stop = this.stops.get(id);
    const locked = this.plan.locked.includes(id);
    const last = this.plan.order.length - 1;
    const state = this.dragging?.from === k ? "dragging" : this.dragging?.to === k ? "drop-here" : "";
    return html`<li class="card stop ${state}" data-id=${id} data-locked=${locked}>
      <span class="number" aria-hidden="true" @pointerdown=${(event) => this.grab(event, k)} @pointermove=${this.drag} @pointerup=${this.drop} @pointercancel=${this.cancelDrag}>${k + 1}</span>
      <div>
        <p class="name">${stop.name}</p>
        <p class="meta">${stop.title}</p>
        ${leg ? html`<p class="meta leg">${formatDistance(leg.distance_m, locale)} · ${formatDuration(leg.duration_s, locale)}</p>` : nothing}
      </div>
      <div class="actions">
        <button class="up" @click=${() => this.move(k, k - 1)} ?disabled=${k === 0} aria-label=${t("plan.up", { name: stop.name })}>↑</button>
        <button class="down" @click=${() => this.move(k, k + 1)} ?disabled=${k === last} aria-label=${t("plan.down", { name: stop.name })}>↓</button>
        <button class="lock" aria-pressed=${locked ? "true" : "false"} aria-label=${t("plan.lockLabel", { name: stop.name })} @click=${() => this.toggleLock(id)}>${t("plan.lock")}</button>
        <button class="skip" aria-label=${t("plan.skipLabel", { name: stop.name })} @click=${() => this.skip(id)}>${t("plan.skip")}</button>
      </div>
    </li>`;
  }

  renderSkipped() {
    if (!this.plan.skipped.length) return nothing;
    return html`<h2>${t("plan.skipped")}</h2>
      <ul class="cards skipped">
        ${this.plan.skipped.map((id) => {
          const stop = this.stops.get(id);
          return html`<li class="card skipped-stop" data-id=${id}>
            <p class="name">${stop.name}</p>
            <div class="row"><button class="restore" aria-label=${t("plan.restoreLabel", { name: stop.name })} @click=${() => this.restore(id)}>${t("plan.restore")}</button></div>
          </li>`;
        })}
      </ul>`;
  }

  updated() {
    this.draw();
  }
}
customElements.define("wp-plan-day", PlanDayView);
