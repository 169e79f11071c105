import { LitElement, css, html, nothing } from "lit";
import { LANGUAGE_EVENT, locale, t } from "../i18n.js";
import { locationCaptureOn } from "../settings.js";
import { formatDistance } from "../shared/format.js";
import { getTask } from "../store/db.js";
import { saveChange } from "../sync/index.js";
import { OUTCOMES, visitBody } from "../shared/visit.js";

const GOOD_FIX_M = 100; // worse than this: offer to try again
const FIX_OPTIONS = { enableHighAccuracy: true, maximumAge: 30000, timeout: 15000 };

// A visit at one account: Check in (a GPS fix taken in the tap itself, unless the rep turned
// location capture off), then outcome, notes and an optional next step, then Check out, which
// saves ONE visit.create mutation on the device. Started from a task, the visit carries the
// task's id and "Mark the task done" adds a task.update. Online or not makes no difference.
export class VisitFlow extends LitElement {
  static properties = {
    accountId: { attribute: false },
    taskId: { attribute: false },
    task: { state: true },
    step: { state: true }, // idle | visiting
    fix: { state: true },
    locating: { state: true },
    fixFailed: { state: true },
    outcome: { state: true },
    error: { state: true },
    saved: { state: true },
    saving: { state: true },
  };

  static styles = css`
    :host { display: block; }
    * { box-sizing: border-box; }
    .card { background: var(--card); border: 1px solid var(--border); border-radius: 12px; padding: 12px; margin: 12px 0; display: grid; gap: 12px; }
    button { min-height: 44px; padding: 0 14px; border-radius: 10px; border: 1px solid var(--border); background: var(--card); color: var(--fg); font: inherit; cursor: pointer; }
    button.primary { background: var(--accent); border-color: var(--accent); color: #fff; font-weight: 600; }
    button[disabled] { opacity: 0.6; }
    .check-in { width: 100%; }
    fieldset { border: 0; padding: 0; margin: 0; min-width: 0; }
    legend { font-weight: 600; padding: 0; margin-bottom: 6px; }
    .outcomes { display: grid; grid-template-columns: repeat(auto-fit, minmax(140px, 1fr)); gap: 8px; }
    .outcomes label { display: flex; align-items: center; gap: 8px; min-height: 44px; padding: 0 10px; border: 1px solid var(--border); border-radius: 10px; font-weight: 400; }
    .outcomes input { min-height: 0; width: auto; }
    label { display: grid; gap: 4px; font-weight: 600; }
    input, textarea { min-height: 44px; width: 100%; font: inherit; font-weight: 400; padding: 8px 10px; border-radius: 8px; border: 1px solid var(--border); background: var(--bg); color: var(--fg); }
    textarea { min-height: 96px; resize: vertical; }
    .note { color: var(--muted); margin: 0; }
    .error { color: #d93025; margin: 0; }
    @media (prefers-color-scheme: dark) { .error { color: #ff8a80; } }
    .row { display: flex; flex-wrap: wrap; gap: 8px; }
    .row > * { flex: 1 1 140px; }
    .task-done span { display: flex; align-items: center; gap: 8px; min-height: 44px; font-weight: 400; }
    .task-done input { min-height: 0; width: 24px; height: 24px; }
    .saved { color: #137333; margin: 0; font-weight: 600; }
    @media (prefers-color-scheme: dark) { .saved { color: #81c995; } }
  `;

  constructor() {
    super();
    this.step = "idle";
    this.onLanguage = () => this.requestUpdate();
  }

  connectedCallback() {
    super.connectedCallback();
    window.addEventListener(LANGUAGE_EVENT, this.onLanguage);
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    window.removeEventListener(LANGUAGE_EVENT, this.onLanguage);
  }

  willUpdate(changed) {
    if (changed.has("taskId")) this.loadTask(this.taskId);
  }

  async loadTask(id) {
    const task = id ? await getTask(id) : null;
    // A task of another account (a hand-edited address) links nothing.
    if (id === this.taskId) this.task = task && task.account_id === this.accountId ? task : null;
  }

  // Called straight from the tap, so the browser sees the position request as the rep's own act.
  checkIn() {
    Object.assign(this, { step: "visiting", startedAt: new Date().toISOString(), fix: null, outcome: null, error: null, saved: false });
    this.requestFix();
    this.loadTask(this.taskId); // it may have changed since the screen opened
  }

  // A retry asks for a fresh fix (maximumAge 0): the cached one is the rough one.
  requestFix(fresh = false) {
    this.fixFailed = false;
    if (!locationCaptureOn() || !("geolocation" in navigator)) return (this.locating = false);
    this.locating = true;
    navigator.geolocation.getCurrentPosition(
      (position) => {
        const { latitude, longitude, accuracy } = position.coords;
        // A retry keeps the better of the two fixes.
        if (!this.fix || accuracy < this.fix.accuracy) this.fix = { lat: latitude, lng: longitude, accuracy };
        this.locating = false;
      },
      () => {
        this.locating = false;
        this.fixFailed = !this.fix;
      },
      fresh === true ? { ...FIX_OPTIONS, maximumAge: 0 } : FIX_OPTIONS,
    );
  }

  async checkOut(event) {
    event.preventDefault();
    const form = new FormData(event.target);
    const nextStep = { title: form.get("next_title") ?? "", due_on: form.get("next_due") ?? "" };
    if (!this.outcome) return (this.error = t("visit.chooseOutcome"));
    if (Boolean(nextStep.title.trim()) !== Boolean(nextStep.due_on)) return (this.error = t("visit.nextStepIncomplete"));
    this.saving = true;
    const body = visitBody({
      id: crypto.randomUUID(),
      accountId: this.accountId,
      startedAt: this.startedAt,
      endedAt: new Date().toISOString(),
      fix: locationCaptureOn() ? this.fix : null,
      outcome: this.outcome,
      notes: form.get("notes") ?? "",
      nextStep,
      taskId: this.task?.id ?? null,
    });
    // The task as the device has it now: its version is the one this edit is made on.
    const task = this.task && form.get("task_done") ? await getTask(this.task.id) : null;
    try {
      await saveChange("visit.create", body);
      if (task) await saveChange("task.update", { id: task.id, status: "done" }, { base_version: task.version });
      // Only now, with the transaction complete, is it true that the visit is on the device.
      Object.assign(this, { step: "idle", saved: true, error: null });
      this.dispatchEvent(new CustomEvent("visit-saved", { detail: body, bubbles: true, composed: true }));
    } catch (error) {
      this.error = error.message;
    } finally {
      this.saving = false;
    }
  }

  render() {
    if (this.step === "idle") {
      return html`<div class="card">
        ${this.task ? html`<p class="note for-task">${t("visit.forTask", { title: this.task.title })}</p>` : nothing}
        ${this.saved ? html`<p class="saved" role="status">${t("visit.saved")}</p>` : nothing}
        <button class="check-in primary" @click=${this.checkIn}>${t("visit.checkIn")}</button></div>`;
    }
    const time = new Intl.DateTimeFormat(locale, { timeStyle: "short" }).format(new Date(this.startedAt));
    return html`<form class="card visit" novalidate @submit=${this.checkOut}>
      <p class="note checked-in">${t("visit.checkedInAt", { time })}</p>
      ${this.task ? html`<p class="note for-task">${t("visit.forTask", { title: this.task.title })}</p>` : nothing}
      ${this.renderFix()}
      <fieldset><legend>${t("visit.outcome")}</legend><div class="outcomes">
        ${OUTCOMES.map((outcome) => html`<label><input type="radio" name="outcome" value=${outcome}
          .checked=${this.outcome === outcome} @change=${() => (this.outcome = outcome)} />${t(`visit.outcome.${outcome}`)}</label>`)}
      </div></fieldset>
      <label>${t("visit.notes")}<textarea name="notes" rows="4" autocapitalize="sentences" spellcheck="true"></textarea>
        <span class="note">${t("visit.notesHint")}</span></label>
      <fieldset><legend>${t("visit.nextStep")}</legend><div class="row">
        <label>${t("visit.nextStepTitle")}<input name="next_title" autocomplete="off" /></label>
        <label>${t("visit.nextStepDue")}<input name="next_due" type="date" /></label>
      </div></fieldset>
      ${this.task && ["open", "in_progress"].includes(this.task.status)
        ? html`<label class="task-done"><span><input type="checkbox" name="task_done" checked /> ${t("visit.markTaskDone")}</span></label>`
        : nothing}
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      <div class="row">
        <button type="submit" class="check-out primary" ?disabled=${this.saving}>${t("visit.checkOut")}</button>
        <button type="button" class="cancel" @click=${() => (this.step = "idle")}>${t("visit.cancel")}</button>
      </div>
    </form>`;
  }

  renderFix() {
    if (!locationCaptureOn()) return html`<p class="note fix">${t("visit.locationOff")}</p>`;
    if (this.locating && !this.fix) return html`<p class="note fix" role="status">${t("visit.locating")}</p>`;
    if (!this.fix) return html`<p class="note fix">${t("visit.noFix")}</p>`;
    const poor = this.fix.accuracy > GOOD_FIX_M;
    return html`<p class="note fix" role="status" data-accuracy=${Math.round(this.fix.accuracy)}>${t("visit.accuracy", { m: formatDistance(this.fix.accuracy, locale) })}
      ${poor ? html`<br />${t("visit.poorFix")}` : nothing}</p>
      ${poor ? html`<button type="button" class="retry-fix" ?disabled=${this.locating} @click=${() => this.requestFix(true)}>${t("visit.retryFix")}</button>` : nothing}`;
  }
}
customElements.define("wp-visit-flow", VisitFlow);
