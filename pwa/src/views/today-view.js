import { LitElement, css, html, nothing } from "lit";
import { LANGUAGE_EVENT, locale, t } from "../i18n.js";
import { distanceMetres } from "../shared/distance.js";
import { formatDateTime, formatDistance } from "../shared/format.js";
import { ACTIONS, assignedTo, overdue, statusChange, todayLists } from "../shared/tasks.js";
import { allAccounts, allRows, getMeta } from "../store/db.js";
import { OUTBOX_EVENT } from "../store/outbox.js";
import { saveChange } from "../sync/index.js";

// Today: the user's own open and in-progress tasks as this device has them (they come with the
// sync pull, so the screen works offline; a manager's pull holds the team's tasks too, which
// are not theirs to do), overdue and due today first, then upcoming, each with its account and
// how far it is; an overdue task says so in words, not only in colour. Start, done and cancel are task.update mutations through the
// outbox, shown at once; "Check in" opens the account with the task, where the visit links to it.
// A campaign's task wears a badge; its notes hold the campaign's talking points, line breaks kept.
export class TodayView extends LitElement {
  static properties = {
    lists: { state: true },
    accounts: { state: true },
    position: { state: true },
    notice: { state: true },
  };

  static styles = css`
    :host { display: block; padding: 8px 12px 32px; max-width: 720px; margin: 0 auto; }
    * { box-sizing: border-box; }
    h1 { font-size: 1.3rem; margin: 8px 0; }
    h2 { font-size: 1.05rem; margin: 16px 0 8px; color: var(--muted); }
    ul { list-style: none; padding: 0; margin: 0; display: grid; gap: 10px; }
    li { background: var(--card); border: 1px solid var(--border); border-radius: 12px; padding: 10px 12px; display: grid; gap: 6px; }
    li.overdue { border-left: 4px solid #d93025; }
    .top { display: flex; justify-content: space-between; gap: 8px; flex-wrap: wrap; align-items: baseline; }
    .title { font-weight: 600; color: var(--fg); overflow-wrap: anywhere; }
    a.title { color: var(--accent); text-decoration: none; min-height: 44px; display: inline-flex; align-items: center; }
    .meta, .note, .notes { color: var(--muted); font-size: 0.9rem; margin: 0; overflow-wrap: anywhere; }
    .notes { white-space: pre-line; }
    .badge { display: inline-block; padding: 1px 8px; border-radius: 999px; border: 1px solid currentColor; font-size: 0.8rem; }
    .badge.campaign { color: #5a28aa; }
    @media (prefers-color-scheme: dark) { .badge.campaign { color: #c3a6ff; } }
    .status { font-size: 0.85rem; font-weight: 600; }
    .late { color: #d93025; font-weight: 600; }
    @media (prefers-color-scheme: dark) { .late { color: #ff8a80; } li.overdue { border-left-color: #ff8a80; } }
    .row { display: flex; flex-wrap: wrap; gap: 8px; }
    button, a.check-in { display: inline-flex; align-items: center; justify-content: center; min-height: 44px; min-width: 44px; padding: 0 14px; border-radius: 10px; border: 1px solid var(--border); background: var(--card); color: var(--fg); font: inherit; text-decoration: none; cursor: pointer; }
    a.check-in { background: var(--accent); border-color: var(--accent); color: #fff; font-weight: 600; }
    .saved { color: #137333; font-weight: 600; }
    @media (prefers-color-scheme: dark) { .saved { color: #81c995; } }
  `;

  constructor() {
    super();
    this.lists = null;
    this.accounts = new Map();
    this.reload = () => this.load();
  }

  connectedCallback() {
    super.connectedCallback();
    window.addEventListener(OUTBOX_EVENT, this.reload);
    window.addEventListener(LANGUAGE_EVENT, this.reload);
    this.load();
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    window.removeEventListener(OUTBOX_EVENT, this.reload);
    window.removeEventListener(LANGUAGE_EVENT, this.reload);
  }

  async load() {
    const [tasks, accounts, position, user] = await Promise.all([
      allRows("tasks"),
      allAccounts(),
      getMeta("position"),
      getMeta("user"),
    ]);
    this.accounts = new Map(accounts.map((account) => [account.id, account]));
    this.position = position ?? null;
    this.lists = todayLists(assignedTo(tasks, user?.id));
  }

  async change(task, action) {
    await saveChange("task.update", statusChange(task, action), { base_version: task.version });
    this.notice = "today.saved"; // the transaction has completed: it is on the device
  }

  render() {
    if (!this.lists) return nothing;
    const { now, upcoming } = this.lists;
    return html`<h1>${t("today.title")}</h1>
      ${this.notice ? html`<p class="saved" role="status">${t(this.notice)}</p>` : nothing}
      ${now.length + upcoming.length === 0 ? html`<p class="note empty">${t("today.empty")}</p>` : nothing}
      ${now.length ? html`<h2>${t("today.now")}</h2><ul class="now">${now.map((task) => this.renderTask(task))}</ul>` : nothing}
      ${upcoming.length ? html`<h2>${t("today.upcoming")}</h2><ul class="upcoming">${upcoming.map((task) => this.renderTask(task))}</ul>` : nothing}`;
  }

  renderTask(task) {
    const account = task.account_id ? this.accounts.get(task.account_id) : null;
    const late = overdue(task);
    const href = task.account_id ? `/accounts/${task.account_id}?task=${task.id}` : null;
    return html`<li class="task ${late ? "overdue" : ""}" data-id=${task.id} data-status=${task.status} data-pending=${Boolean(task.pending)}>
      <div class="top">
        ${href ? html`<a class="title" href=${href} data-route>${task.title}</a>` : html`<span class="title">${task.title}</span>`}
        <span class="status">${task.campaign_id ? html`<span class="badge campaign">${t("today.campaign")}</span> ` : nothing}${t(`task.status.${task.status}`)}${task.priority === "high" ? ` · ${t("task.priority.high")}` : ""}</span>
      </div>
      ${account ? html`<p class="meta account">${account.name}${this.distanceTo(account)}</p>` : nothing}
      <p class="meta due">${late ? html`<span class="late">${t("today.overdue")}</span> · ` : nothing}${task.due_at ? t("today.due", { when: formatDateTime(task.due_at, locale) }) : t("today.noDue")}</p>
      ${task.notes ? html`<p class="notes">${task.notes}</p>` : nothing}
      <div class="row">
        ${href ? html`<a class="check-in" href=${href} data-route>${t("task.checkIn")}</a>` : nothing}
        ${(ACTIONS[task.status] ?? []).map((action) => html`<button class=${action} @click=${() => this.change(task, action)}>${t(`task.action.${action}`)}</button>`)}
      </div>
    </li>`;
  }

  distanceTo(account) {
    if (!this.position || !account.location) return "";
    const [lng, lat] = account.location.coordinates;
    const metres = distanceMetres(this.position.lng, this.position.lat, lng, lat);
    return ` · ${t("today.away", { distance: formatDistance(metres, locale) })}`;
  }
}
customElements.define("wp-today", TodayView);
