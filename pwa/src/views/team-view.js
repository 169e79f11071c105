// Team: each rep of the manager's team (every rep, for an admin) with today's tasks (due, open,
// done, overdue flagged), today's visits by verification and when their device last synced.
// The server counts (GET /team/day); the screen asks again, a moment after a burst of live
// events, whenever a task changes or a poke arrives, and after every reconnect. Offline it says
// so and shows the last answer this device kept.
import { LitElement, css, html, nothing } from "lit";
import { LANGUAGE_EVENT, addStrings, locale, t } from "../i18n.js";
import manager from "../locales/manager.js";
import { formatDateTime, formatSince } from "../shared/format.js";
import { byName } from "../shared/team.js";
import { REALTIME_EVENT } from "../sync/index.js";
import { Listen, debounced } from "./listen.js";
import { screenStyles } from "./styles.js";
import { freshTeamDay, keptTeamDay } from "./team-data.js";

addStrings(manager);

const LIVE_EVENTS = new Set(["connect", "sync.poke", "task.created", "task.updated", "task.deleted"]);
const DEBOUNCE_MS = 300;
const TICK_MS = 60 * 1000; // "synced 5 minutes ago" moves on by itself

export class TeamView extends LitElement {
  static properties = {
    items: { state: true },
    fetchedAt: { state: true },
    offline: { state: true },
    failed: { state: true },
  };

  static styles = [
    screenStyles,
    css`
      .top { display: flex; justify-content: space-between; align-items: center; gap: 8px; flex-wrap: wrap; }
      li.rep.overdue { border-left: 4px solid #d93025; }
      @media (prefers-color-scheme: dark) { li.rep.overdue { border-left-color: #ff8a80; } }
      a.name { font-weight: 600; color: var(--accent); text-decoration: none; min-height: 44px; display: inline-flex; align-items: center; overflow-wrap: anywhere; }
      .synced { color: var(--muted); font-size: 0.9rem; }
      dl { display: flex; flex-wrap: wrap; gap: 4px 14px; margin: 0; }
      dl > div { display: flex; gap: 4px; align-items: baseline; }
      dt { color: var(--muted); font-size: 0.9rem; }
      dd { margin: 0; font-weight: 600; font-variant-numeric: tabular-nums; }
      .group { font-size: 0.8rem; text-transform: uppercase; letter-spacing: 0.04em; color: var(--muted); margin: 0; }
    `,
  ];

  constructor() {
    super();
    this.items = null;
    this.sequence = 0; // an answer to an older question is dropped
    this.soon = debounced(() => this.load(), DEBOUNCE_MS);
    new Listen(this, [
      [window, REALTIME_EVENT, (event) => LIVE_EVENTS.has(event.detail.type) && this.soon()],
      [window, "online", () => this.soon()],
      [window, LANGUAGE_EVENT, () => this.requestUpdate()],
    ]);
  }

  connectedCallback() {
    super.connectedCallback();
    this.tick = setInterval(() => this.requestUpdate(), TICK_MS);
    this.load();
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    clearInterval(this.tick);
    this.soon.cancel();
  }

  async load() {
    const sequence = ++this.sequence;
    try {
      const { items, fetched_at } = await freshTeamDay();
      if (sequence !== this.sequence) return;
      Object.assign(this, { items: byName(items), fetchedAt: fetched_at, offline: false, failed: false });
    } catch (error) {
      if (sequence !== this.sequence) return;
      if (error.status === 401)
        return this.dispatchEvent(new CustomEvent("logged-out", { bubbles: true, composed: true }));
      Object.assign(this, { offline: !error.status, failed: Boolean(error.status) });
      if (!this.items) await this.showKept();
    }
  }

  async showKept() {
    const kept = await keptTeamDay();
    if (!kept || this.items) return;
    Object.assign(this, { items: byName(kept.items), fetchedAt: kept.fetched_at });
  }

  render() {
    return html`<div class="top"><h1>${t("team.title")}</h1><a class="button primary assign" href="/assign" data-route>${t("nav.assign")}</a></div>
      ${this.renderState()}
      ${this.items?.length === 0 ? html`<p class="note empty">${t("team.empty")}</p>` : nothing}
      ${this.items?.length ? html`<ul class="cards team">${this.items.map((item) => this.renderRep(item))}</ul>` : nothing}`;
  }

  renderState() {
    const when = this.fetchedAt ? formatDateTime(this.fetchedAt, locale) : null;
    if (this.offline) {
      return html`<p class="note offline" role="status">${when ? t("team.offlineKept", { when }) : t("team.offline")}</p>`;
    }
    if (this.failed) return html`<p class="note error failed" role="status">${t("team.failed")}</p>`;
    if (!this.items) return html`<p class="note loading">${t("team.loading")}</p>`;
    return nothing;
  }

  renderRep({ user, tasks, visits, last_sync_at }) {
    const synced = last_sync_at
      ? t("team.synced", { when: formatSince(last_sync_at, locale) })
      : t("team.neverSynced");
    const count = (group, key, value, className = "") =>
      html`<div data-count="${group}.${key}" class=${className}><dt>${t(`team.${group}.${key}`)}</dt><dd>${value ?? 0}</dd></div>`;
    return html`<li class="card rep ${tasks.overdue > 0 ? "overdue" : ""}" data-id=${user.id}>
      <div class="top"><a class="name" href="/team/${user.id}" data-route>${user.name}</a><span class="synced">${synced}</span></div>
      <p class="group">${t("team.tasks")}</p>
      <dl class="tasks">
        ${count("tasks", "due", tasks.due)}${count("tasks", "open", tasks.open)}${count("tasks", "done", tasks.done)}
        ${count("tasks", "overdue", tasks.overdue, tasks.overdue > 0 ? "late" : "")}
      </dl>
      <p class="group">${t("team.visits")}</p>
      <dl class="visits">${count("visits", "verified", visits.verified)}${count("visits", "out_of_range", visits.out_of_range)}${count("visits", "unverifiable", visits.unverifiable)}</dl>
    </li>`;
  }
}
customElements.define("wp-team", TeamView);
