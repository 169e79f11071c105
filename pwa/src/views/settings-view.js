import { LitElement, css, html, nothing } from "lit";
import { api } from "../api/client.js";
import { locale, t } from "../i18n.js";
import { locationCaptureOn, setLocationCapture } from "../settings.js";
import { REMINDER_SETTING_EVENT, reminderMinutes } from "../shared/reminders.js";
import { getMeta, setMeta } from "../store/db.js";

// Reminder choices offered, in minutes (0: never); another value set elsewhere is shown too.
const REMINDER_CHOICES = [0, 5, 10, 15, 30, 60, 120];

// The user's settings: location capture for visits (this device only: on unless turned off),
// and how long before a task is due they are reminded. That one is kept on the server, on the
// user, so every device of theirs reminds alike; changing it needs the network.
export class SettingsView extends LitElement {
  static properties = {
    location: { state: true },
    reminder: { state: true },
    reminderNote: { state: true }, // saved, offline or failed
    permission: { state: true },
  };

  static styles = css`
    :host { display: block; padding: 8px 12px 32px; max-width: 720px; margin: 0 auto; }
    h1 { font-size: 1.3rem; }
    label { display: flex; align-items: center; gap: 10px; min-height: 44px; font-weight: 600; flex-wrap: wrap; }
    input { width: 22px; height: 22px; }
    select, button { min-height: 44px; font: inherit; border-radius: 8px; border: 1px solid var(--border); background: var(--card); color: var(--fg); padding: 0 10px; }
    .note { color: var(--muted); margin-top: 0; }
    a { display: inline-flex; align-items: center; min-height: 44px; color: var(--accent); }
  `;

  constructor() {
    super();
    this.location = locationCaptureOn();
    this.reminder = null;
    this.permission = typeof Notification === "undefined" ? "unsupported" : Notification.permission;
  }

  connectedCallback() {
    super.connectedCallback();
    getMeta("user").then((user) => (this.reminder = reminderMinutes(user)));
  }

  toggle(event) {
    this.location = event.target.checked;
    setLocationCapture(this.location);
  }

  async changeReminder(event) {
    const select = event.target;
    const minutes = Number(select.value);
    this.reminderNote = null;
    try {
      const { user } = await api.updateMe({ reminder_minutes: minutes });
      await setMeta("user", user);
      this.reminder = reminderMinutes(user);
      this.reminderNote = "saved";
      window.dispatchEvent(new CustomEvent(REMINDER_SETTING_EVENT));
    } catch (error) {
      if (error.status === 401)
        return this.dispatchEvent(new CustomEvent("logged-out", { bubbles: true, composed: true }));
      select.value = String(this.reminder); // not saved: show what still holds
      this.reminderNote = error.status ? "failed" : "offline";
    }
  }

  // Asked only here, when the user presses the button: never on load.
  async allowNotifications() {
    this.permission = await Notification.requestPermission();
  }

  renderReminders() {
    if (this.reminder === null) return nothing;
    const choices = REMINDER_CHOICES.includes(this.reminder)
      ? REMINDER_CHOICES
      : [...REMINDER_CHOICES, this.reminder].sort((a, b) => a - b);
    const minutes = new Intl.NumberFormat(locale, { style: "unit", unit: "minute", unitDisplay: "long" });
    return html`<label>${t("settings.reminders")}
        <select name="reminder" @change=${this.changeReminder} aria-describedby="reminder-help">
          ${choices.map((value) => html`<option value=${value} ?selected=${value === this.reminder}>${value ? minutes.format(value) : t("settings.remindersOff")}</option>`)}
        </select></label>
      <p class="note" id="reminder-help">${t("settings.remindersHelp")}</p>
      <p class="note reminder-note" role="status">${this.reminderNote ? t(`settings.reminder.${this.reminderNote}`) : ""}</p>
      ${this.renderNotifications()}`;
  }

  renderNotifications() {
    if (this.permission === "unsupported") return nothing;
    if (this.permission === "default")
      return html`<button class="notifications" @click=${this.allowNotifications}>${t("settings.notifications")}</button>`;
    return html`<p class="note notifications">${t(this.permission === "granted" ? "settings.notificationsOn" : "settings.notificationsBlocked")}</p>`;
  }

  render() {
    return html`<h1>${t("settings.title")}</h1>
      <label><input type="checkbox" name="location" .checked=${this.location} @change=${this.toggle} aria-describedby="location-help" />${t("settings.location")}</label>
      <p class="note" id="location-help">${t("settings.locationHelp")}</p>
      ${this.renderReminders()}
      <a href="/diagnostics" data-route>${t("settings.diagnostics")}</a>`;
  }
}
customElements.define("wp-settings", SettingsView);
