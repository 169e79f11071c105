// Tells the user, politely, when a task is given to them while the app is open: a live
// task.created for them, or a task.updated that makes a task theirs which this device did not
// hold as theirs. A status region (announced by screen readers, never taking focus) that stays
// until dismissed. Also keeps the app badge (Badging API, where there is one) at the number of
// their tasks still to do, cleared at zero.
import { LitElement, css, html, nothing } from "lit";
import { LANGUAGE_EVENT, t } from "../i18n.js";
import { givenToMe, openTaskCount } from "../shared/assigned.js";
import { allRows } from "../store/db.js";
import { OUTBOX_EVENT } from "../store/outbox.js";
import { REALTIME_EVENT } from "../sync/index.js";
import { Listen, debounced } from "./listen.js";

const SHOWN = 3; // titles named in the notice; more are counted
const SETTLE_MS = 250; // one sync run changes the device several times: read the tasks once

/** Show `count` on the app's icon, or clear it; quietly nothing where badges do not exist. */
export function showBadge(count) {
  const badges = globalThis.navigator;
  if (!badges?.setAppBadge) return;
  const done = count > 0 ? badges.setAppBadge(count) : badges.clearAppBadge();
  done?.catch?.(() => {}); // refused (not installed, no permission): the app itself still says it
}

export class TaskNotice extends LitElement {
  static properties = { user: { attribute: false }, given: { state: true } };

  static styles = css`
    :host { display: block; max-width: 720px; margin: 0 auto; padding: 0 12px; }
    .notice { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; margin-top: 8px; padding: 8px 8px 8px 12px; border-radius: 12px; background: #e8f0fe; color: #174ea6; border: 1px solid #aecbfa; }
    .notice:empty { display: none; }
    @media (prefers-color-scheme: dark) { .notice { background: #1f2a44; color: #d2e3fc; border-color: #394457; } }
    .text { flex: 1 1 12rem; margin: 0; overflow-wrap: anywhere; }
    a, button { display: inline-flex; align-items: center; min-height: 44px; min-width: 44px; padding: 0 12px; border-radius: 8px; font: inherit; color: inherit; }
    a { font-weight: 600; }
    button { border: 1px solid currentColor; background: transparent; cursor: pointer; }
  `;

  constructor() {
    super();
    this.given = [];
    this.known = new Set(); // ids of the tasks this device holds as the user's
    this.badge = null;
    this.soon = debounced(() => this.refresh(), SETTLE_MS);
    new Listen(this, [
      [window, REALTIME_EVENT, (event) => this.heard(event.detail)],
      [window, OUTBOX_EVENT, () => this.soon()],
      [window, LANGUAGE_EVENT, () => this.requestUpdate()],
    ]);
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    this.soon.cancel();
    showBadge(0); // logged out: the next person's icon says nothing of this one's tasks
    this.badge = null;
  }

  updated(changed) {
    if (changed.has("user")) {
      if (changed.get("user")?.id !== this.user?.id) this.given = [];
      this.refresh();
    }
  }

  // The user's tasks as the device holds them: which are known, and the badge.
  async refresh() {
    const userId = this.user?.id;
    if (!userId) return;
    const tasks = await allRows("tasks");
    if (userId !== this.user?.id) return;
    this.known = new Set(tasks.filter((task) => task.assignee_id === userId).map((task) => task.id));
    const count = openTaskCount(tasks, userId);
    if (count !== this.badge) showBadge(count);
    this.badge = count;
  }

  heard({ type, data }) {
    const task = data?.task;
    if (!this.user || !givenToMe(type, task, this.user.id, this.known)) return;
    this.known.add(task.id);
    this.given = [{ id: task.id, title: task.title }, ...this.given.filter((item) => item.id !== task.id)];
  }

  dismiss() {
    this.given = [];
  }

  render() {
    // The region is always there, so assistive technology is listening before it fills.
    return html`<div class="notice" role="status" aria-live="polite">${this.given.length ? this.renderGiven() : nothing}</div>`;
  }

  renderGiven() {
    const titles = this.given
      .slice(0, SHOWN)
      .map((item) => item.title)
      .join(", ");
    const more = this.given.length - SHOWN;
    const text =
      this.given.length === 1
        ? t("notice.one", { title: titles })
        : t("notice.many", { n: this.given.length, titles });
    return html`<p class="text">${text}${more > 0 ? ` ${t("notice.more", { n: more })}` : ""}</p>
      <a class="open" href="/today" data-route @click=${this.dismiss}>${t("notice.open")}</a>
      <button class="dismiss" @click=${this.dismiss}>${t("notice.dismiss")}</button>`;
  }
}
customElements.define("wp-task-notice", TaskNotice);
