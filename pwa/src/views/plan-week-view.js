// Plan my week: the server spreads the rep's accounts due a visit (each account's "visit every N
// days") over the next five working days around their appointments, each day in its best order,
// and the rep sees each day's stops and totals. "Add to my tasks" asks again with create_tasks:
// the visits become the rep's tasks, which reach the device (and Today) through sync like any
// task. The server plans it (it knows what is due), so it needs a connection and says so offline.
import { LitElement, css, html, nothing } from "lit";
import { planWeek } from "../api/routes.js";
import { LANGUAGE_EVENT, addStrings, locale, t } from "../i18n.js";
import strings from "../locales/plan.js";
import { startPoint } from "../shared/day-plan.js";
import { formatDistance, formatDuration } from "../shared/format.js";
import { nextWorkingDays, weekDays } from "../shared/week-plan.js";
import { getMeta } from "../store/db.js";
import { engine } from "../sync/engine.js";
import { Listen } from "./listen.js";
import { screenStyles } from "./styles.js";

addStrings(strings);

const dayLabel = (iso) =>
  new Date(`${iso}T12:00:00`).toLocaleDateString(locale, { weekday: "long", day: "numeric", month: "long" });
const timeLabel = (iso) => new Date(iso).toLocaleTimeString(locale, { hour: "2-digit", minute: "2-digit" });

export class PlanWeekView extends LitElement {
  static properties = {
    state: { state: true },
    week: { state: true },
    added: { state: true },
    adding: { state: true },
  };

  static styles = [
    screenStyles,
    css`
      .totals { font-weight: 700; margin: 0; font-variant-numeric: tabular-nums; }
      .day h2 { margin: 0 0 4px; font-size: 1.05rem; }
      .day ol { margin: 4px 0; padding-left: 1.4em; }
      .day li { margin: 2px 0; overflow-wrap: anywhere; }
      time { color: var(--muted); font-variant-numeric: tabular-nums; margin-right: 6px; }
      ul.links { list-style: none; padding: 0; margin: 4px 0 0; display: flex; flex-wrap: wrap; gap: 8px; }
      ul.links a { color: var(--accent); min-height: 44px; display: inline-flex; align-items: center; }
    `,
  ];

  constructor() {
    super();
    this.state = "loading";
    this.week = null;
    this.added = null;
    this.adding = false;
    new Listen(this, [[window, LANGUAGE_EVENT, () => this.requestUpdate()]]);
  }

  connectedCallback() {
    super.connectedCallback();
    this.load();
  }

  // The week as the server would plan it now (nothing is written yet).
  async load() {
    this.state = "loading";
    const [user, position] = await Promise.all([getMeta("user"), getMeta("position")]);
    this.start = startPoint(position, user, []);
    this.days = nextWorkingDays();
    if (!this.start) return void (this.state = "noStart");
    if (!navigator.onLine) return void (this.state = "offline");
    const plan = await this.ask(false);
    if (plan) Object.assign(this, { week: weekDays(plan), state: "ready" });
  }

  // The same plan again, this time made into tasks; sync then brings them to the device.
  async addTasks() {
    this.adding = true;
    const plan = await this.ask(true);
    this.adding = false;
    if (!plan) return;
    Object.assign(this, { week: weekDays(plan), added: plan.tasks_created, state: "ready" });
    engine.trigger("planned");
  }

  async ask(createTasks) {
    try {
      return await planWeek(this.start, this.days, createTasks);
    } catch (error) {
      if (error.status === 401)
        this.dispatchEvent(new CustomEvent("logged-out", { bubbles: true, composed: true }));
      this.state = error.status ? "failed" : "offline";
      return null;
    }
  }

  render() {
    return html`<h1>${t("week.title")}</h1>
      <p><a class="day" href="/plan" data-route>${t("week.backToDay")}</a></p>
      ${this.renderBody()}`;
  }

  renderBody() {
    if (this.state === "loading") return html`<p class="note loading" role="status">${t("plan.loading")}</p>`;
    if (this.state === "offline") return html`<p class="note offline" role="status">${t("week.offline")}</p>`;
    if (this.state === "noStart")
      return html`<p class="note no-start" role="status">${t("week.noStart")}</p>`;
    if (this.state === "failed") return html`<p class="error" role="alert">${t("week.failed")}</p>`;
    const { days, unplanned } = this.week;
    const visits = days.reduce((sum, day) => sum + day.stops.length, 0);
    return html`<p class="note from">${t(`plan.from.${this.start.source}`)}</p>
      ${visits === 0 ? html`<p class="note empty">${t("week.empty")}</p>` : nothing}
      ${this.added !== null ? html`<p class="saved added" role="status" data-count=${this.added}>${t("week.added", { count: this.added })}</p>` : nothing}
      ${visits > 0 ? html`<div class="row"><button class="primary add" @click=${this.addTasks} ?disabled=${this.adding}>${t("week.addTasks")}</button></div>` : nothing}
      <ul class="cards days">${days.map((day) => this.renderDay(day))}</ul>
      ${
        unplanned.length
          ? html`<h2>${t("week.unplanned")}</h2>
        <ul class="cards unplanned">${unplanned.map((item) => html`<li class="card" data-id=${item.id}>${item.name}</li>`)}</ul>`
          : nothing
      }`;
  }

  renderDay(day) {
    return html`<li class="card day" data-date=${day.date} data-distance=${day.distance_m} data-duration=${day.duration_s}>
      <h2>${dayLabel(day.date)}</h2>
      ${
        day.stops.length
          ? html`<p class="totals">${t("week.dayTotal", { count: day.stops.length, distance: formatDistance(day.distance_m, locale), time: formatDuration(day.duration_s, locale) })}</p>
            <ol class="stops">${day.stops.map((stop) => html`<li data-id=${stop.id}>${stop.arrival ? html`<time datetime=${stop.arrival}>${timeLabel(stop.arrival)}</time>` : nothing}<span class="name">${stop.name}</span></li>`)}</ol>
            <ul class="links">${day.urls.map((url, k) => html`<li><a href=${url} target="_blank" rel="noopener">${t("plan.wholeRoute", { part: k + 1, count: day.urls.length })}</a></li>`)}</ul>`
          : html`<p class="note">${t("week.noVisits")}</p>`
      }
    </li>`;
  }
}
customElements.define("wp-plan-week", PlanWeekView);
