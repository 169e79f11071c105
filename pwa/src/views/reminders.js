import { LitElement, css, html, nothing } from "lit";
import { LANGUAGE_EVENT, locale, t } from "../i18n.js";
import {
  REMINDER_SETTING_EVENT,
  minutesUntil,
  remember,
  reminderMinutes,
  remindersDue,
} from "../shared/reminders.js";
import { allRows, getAccount, getMeta, setMeta } from "../store/db.js";
import { OUTBOX_EVENT } from "../store/outbox.js";

const CHECK_MS = 30 * 1000;
const SHOWN_KEY = "reminded"; // meta: keys of the reminders raised on this device (see remember)

// Reminders in the open app: a task of the user's due within their chosen minutes raises a
// notice once per task and due time (kept on the device, so a reload does not raise it again),
// which stays until dismissed. Checked every half minute and whenever tasks change on the
// device. With notification permission already granted, a page in the background also shows
// a system notification; this never asks for the permission itself.
export class Reminders extends LitElement {
  static properties = { notices: { state: true } };

  static styles = css`
    :host { display: block; }
    .list { display: grid; gap: 8px; max-width: 720px; margin: 0 auto; padding: 0 12px; }
    .list:empty { display: none; }
    .reminder { display: flex; flex-wrap: wrap; align-items: center; gap: 4px 12px; margin-top: 8px; padding: 8px 12px; border-radius: 12px; background: #fff4ce; color: #3b2f00; border: 1px solid #e0c25a; }
    @media (prefers-color-scheme: dark) { .reminder { background: #3b3200; color: #fff4ce; border-color: #8a7400; } }
    .text { flex: 1 1 14rem; margin: 0; overflow-wrap: anywhere; }
    a, button { display: inline-flex; align-items: center; justify-content: center; min-height: 44px; min-width: 44px; padding: 0 12px; border-radius: 8px; font: inherit; color: inherit; }
    a { font-weight: 600; }
    button { border: 1px solid currentColor; background: transparent; cursor: pointer; }
  `;

  constructor() {
    super();
    this.notices = [];
    this.check = () => this.raiseDue();
    this.relabel = () => this.requestUpdate();
    this.onVisible = () => document.visibilityState === "visible" && this.raiseDue();
  }

  connectedCallback() {
    super.connectedCallback();
    for (const name of [OUTBOX_EVENT, REMINDER_SETTING_EVENT]) window.addEventListener(name, this.check);
    window.addEventListener(LANGUAGE_EVENT, this.relabel);
    document.addEventListener("visibilitychange", this.onVisible);
    this.timer = setInterval(this.check, CHECK_MS);
    this.raiseDue();
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    for (const name of [OUTBOX_EVENT, REMINDER_SETTING_EVENT]) window.removeEventListener(name, this.check);
    window.removeEventListener(LANGUAGE_EVENT, this.relabel);
    document.removeEventListener("visibilitychange", this.onVisible);
    clearInterval(this.timer);
  }

  // One check at a time: a burst of changes (a pull) must not raise one reminder twice.
  async raiseDue() {
    if (this.checking) return (this.again = true);
    this.checking = true;
    try {
      do {
        this.again = false;
        await this.raiseOnce();
      } while (this.again);
    } finally {
      this.checking = false;
    }
  }

  async raiseOnce() {
    const [user, tasks, shown] = await Promise.all([getMeta("user"), allRows("tasks"), getMeta(SHOWN_KEY)]);
    const now = new Date();
    const due = remindersDue(tasks, {
      userId: user?.id,
      minutes: reminderMinutes(user),
      now,
      shown: shown ?? [],
    });
    if (!due.length) return;
    // Remembered before they show: a reload from here on does not raise them again.
    await setMeta(SHOWN_KEY, remember(shown ?? [], due, now));
    const raised = await Promise.all(due.map((task) => this.noticeOf(task, now)));
    this.notices = [...this.notices, ...raised];
    if (document.visibilityState === "hidden") raised.forEach((notice) => notifySystem(notice));
  }

  // "In 12 minutes" as it was when raised: a notice that changed as time passes would be read
  // out again and again.
  async noticeOf(task, now) {
    const account = task.account_id ? await getAccount(task.account_id) : null;
    return {
      id: task.id,
      title: task.title,
      minutes: minutesUntil(task, now),
      dueAt: task.due_at,
      account: account?.name ?? null,
      href: task.account_id ? `/accounts/${task.account_id}?task=${task.id}` : "/today",
    };
  }

  dismiss(notice) {
    this.notices = this.notices.filter((shown) => shown !== notice);
  }

  render() {
    // The region is always there, so screen readers announce each reminder added to it.
    return html`<div class="list" role="status">${this.notices.map(
      (notice) => html`<div class="reminder" data-task=${notice.id}>
        <p class="text">${reminderText(notice)}${notice.account ? html` · <span class="account">${notice.account}</span>` : nothing}</p>
        <a href=${notice.href} data-route @click=${() => this.dismiss(notice)}>${t("reminder.open")}</a>
        <button type="button" class="dismiss" aria-label=${t("reminder.dismissLabel", { title: notice.title })} @click=${() => this.dismiss(notice)}>${t("reminder.dismiss")}</button>
      </div>`,
    )}</div>`;
  }
}

function reminderText({ title, minutes, dueAt }) {
  const when = new Intl.RelativeTimeFormat(locale, { numeric: "auto" }).format(minutes, "minute");
  const time = new Intl.DateTimeFormat(locale, { timeStyle: "short" }).format(new Date(dueAt));
  return t("reminder.due", { title, when, time });
}

// A system notification, only where the user granted the permission already (in the settings
// screen or the browser's own): nothing here asks for it.
async function notifySystem(notice) {
  if (typeof Notification === "undefined" || Notification.permission !== "granted") return;
  const text = reminderText(notice);
  const body = notice.account ? `${text} ${notice.account}` : text;
  try {
    const registration = await navigator.serviceWorker?.getRegistration();
    if (registration)
      await registration.showNotification(t("appName"), { body, tag: `reminder-${notice.id}` });
    else new Notification(t("appName"), { body, tag: `reminder-${notice.id}` });
  } catch {
    // Notifications refused by the platform: the notice in the app remains.
  }
}
customElements.define("wp-reminders", Reminders);
