import { LitElement, css, html, nothing } from "lit";
import { locale, t } from "../i18n.js";
import { locationCaptureOn } from "../settings.js";
import { formatDistance } from "../shared/format.js";
import { getTask } from "../store/db.js";
import { DraftGone, DraftKeeper, discardDraft, loadDrafts, takeDraft } from "../store/visit-draft.js";
import { saveAction } from "../sync/index.js";
import { OUTCOMES, visitBody } from "../shared/visit.js";

const GOOD_FIX_M = 100; // worse than this: offer to try again
const FIX_OPTIONS = { enableHighAccuracy: true, maximumAge: 30000, timeout: 15000 };

// A visit at one account: Check in (a GPS fix taken in the tap itself, unless the rep turned
// location capture off), then outcome, notes and an optional next step, then Check out, which
// saves ONE visit.create mutation on the device. Started from a task, the visit carries the
// task's id and "Mark the task done" adds a task.update. Online or not makes no difference.
// From Check in to Check out the visit is kept on the device as a draft (store/visit-draft.js),
// so the screen comes back to it after a reload; Check out takes the draft out in the same
// transaction that saves the visit.
export class VisitFlow extends LitElement {
  static properties = {
    accountId: { attribute: false },
    accountName: { attribute: false },
    taskId: { attribute: false },
    task: { state: true },
    step: { state: true }, // loading | idle | visiting
    fix: { state: true },
    locating: { state: true },
    fixFailed: { state: true },
    outcome: { state: true },
    notes: { state: true },
    nextTitle: { state: true },
    nextDue: { state: true },
    taskDone: { state: true },
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
    this.step = "loading";
    this.keeper = new DraftKeeper();
    // Hidden is the last moment a phone surely gives us: iOS may discard the tab after it.
    this.onHide = () => this.keeper.flush();
  }

  connectedCallback() {
    super.connectedCallback();
    document.addEventListener("visibilitychange", this.onHide);
    window.addEventListener("pagehide", this.onHide);
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    document.removeEventListener("visibilitychange", this.onHide);
    window.removeEventListener("pagehide", this.onHide);
    this.keeper.flush(); // leaving the screen mid-visit: what was typed is there on return
  }

  willUpdate(changed) {
    if (changed.has("accountId")) this.resume(this.accountId);
    if (changed.has("taskId") && this.step !== "visiting") this.loadTask(this.taskId);
  }

  // The visit in progress at this account, if any, as it was left (the page reloaded, the rep
  // went to another screen). Until that is known there is no Check in to tap.
  async resume(accountId) {
    this.keeper.flush(); // the visit at the account shown before, if any, as it was left
    this.step = "loading";
    const draft = await loadDrafts().then(
      (drafts) => drafts[accountId],
      () => null,
    );
    if (accountId !== this.accountId) return;
    if (!draft) return Object.assign(this, { step: "idle", visitId: null });
    Object.assign(this, {
      step: "visiting",
      visitId: draft.id,
      startedAt: draft.started_at,
      draftTaskId: draft.task_id,
      fix: draft.fix,
      outcome: draft.outcome,
      notes: draft.notes,
      nextTitle: draft.next_title,
      nextDue: draft.next_due,
      taskDone: draft.task_done,
      error: null,
      saved: false,
    });
    this.loadTask(draft.task_id);
    // The page went before the fix came: the rep is still at the account, so ask again.
    if (!draft.fix) this.requestFix();
  }

  /** The visit in progress as it is kept on the device. */
  draft() {
    return {
      id: this.visitId,
      account_id: this.accountId,
      account_name: this.accountName ?? "",
      task_id: this.draftTaskId,
      started_at: this.startedAt,
      fix: this.fix,
      outcome: this.outcome,
      notes: this.notes,
      next_title: this.nextTitle,
      next_due: this.nextDue,
      task_done: this.taskDone,
    };
  }

  // What the rep enters is kept after a short pause in typing.
  enter(field, value) {
    this[field] = value;
    this.keeper.keep(this.draft());
  }

  async loadTask(id) {
    const task = id ? await getTask(id) : null;
    // A task of another account (a hand-edited address) links nothing.
    const wanted = this.step === "visiting" ? this.draftTaskId : this.taskId;
    if (id === wanted) this.task = task && task.account_id === this.accountId ? task : null;
  }

  // Called straight from the tap, so the browser sees the position request as the rep's own act.
  checkIn() {
    Object.assign(this, {
      step: "visiting",
      visitId: crypto.randomUUID(),
      startedAt: new Date().toISOString(),
      draftTaskId: this.taskId ?? null,
      fix: null,
      outcome: null,
      notes: "",
      nextTitle: "",
      nextDue: "",
      taskDone: true,
      error: null,
      saved: false,
    });
    this.keeper.start(this.draft());
    this.requestFix();
    this.loadTask(this.taskId); // it may have changed since the screen opened
  }

  // A retry asks for a fresh fix (maximumAge 0): the cached one is the rough one.
  requestFix(fresh = false) {
    this.fixFailed = false;
    if (!locationCaptureOn() || !("geolocation" in navigator)) return (this.locating = false);
    this.locating = true;
    const visitId = this.visitId; // a fix arriving after Check out belongs to no visit
    navigator.geolocation.getCurrentPosition(
      (position) => {
        if (visitId !== this.visitId || this.step !== "visiting") return;
        const { latitude, longitude, accuracy } = position.coords;
        // A retry keeps the better of the two fixes.
        if (!this.fix || accuracy < this.fix.accuracy) {
          this.fix = { lat: latitude, lng: longitude, accuracy };
          this.keeper.keep(this.draft());
          this.keeper.flush(); // the fix is what verifies the visit: kept at once
        }
        this.locating = false;
      },
      () => {
        if (visitId !== this.visitId) return;
        this.locating = false;
        this.fixFailed = !this.fix;
      },
      fresh === true ? { ...FIX_OPTIONS, maximumAge: 0 } : FIX_OPTIONS,
    );
  }

  async checkOut(event) {
    event.preventDefault();
    if (this.saving) return; // a second tap while the first is being saved
    const nextStep = { title: this.nextTitle ?? "", due_on: this.nextDue ?? "" };
    if (!this.outcome) return (this.error = t("visit.chooseOutcome"));
    if (Boolean(nextStep.title.trim()) !== Boolean(nextStep.due_on))
      return (this.error = t("visit.nextStepIncomplete"));
    this.saving = true;
    const body = visitBody({
      id: this.visitId,
      accountId: this.accountId,
      startedAt: this.startedAt,
      endedAt: new Date().toISOString(),
      fix: locationCaptureOn() ? this.fix : null,
      outcome: this.outcome,
      notes: this.notes ?? "",
      nextStep,
      taskId: this.task?.id ?? null,
    });
    // The task as the device has it now: its version is the one this edit is made on.
    const task = this.task && this.taskDone && this.taskOpen() ? await getTask(this.task.id) : null;
    try {
      await this.keeper.drop(); // the draft's last word is the visit itself
      // The visit, the task marked done and the draft taken: on the device together or not at all.
      const changes = [{ op: "visit.create", data: body }];
      if (task)
        changes.push({
          op: "task.update",
          data: { id: task.id, status: "done" },
          base_version: task.version,
        });
      await saveAction(changes, { also: takeDraft(this.accountId, body.id) });
      // Only now, with the transaction complete, is it true that the visit is on the device.
      Object.assign(this, { step: "idle", saved: true, error: null, visitId: null });
      this.dispatchEvent(new CustomEvent("visit-saved", { detail: body, bubbles: true, composed: true }));
    } catch (error) {
      // Checked out in another tab meanwhile (or cancelled there): saving it again would make two.
      if (error instanceof DraftGone) Object.assign(this, { step: "idle", visitId: null });
      this.error = error instanceof DraftGone ? t("visit.alreadySaved") : error.message;
    } finally {
      this.saving = false;
    }
  }

  async cancel() {
    if (this.saving) return;
    this.saving = true;
    try {
      await this.keeper.drop();
      await discardDraft(this.accountId, this.visitId);
      // Only once the draft is gone from the device: a reload now cannot bring the visit back.
      Object.assign(this, { step: "idle", visitId: null, error: null });
    } catch (error) {
      this.error = error.message;
    } finally {
      this.saving = false;
    }
  }

  taskOpen() {
    return ["open", "in_progress"].includes(this.task?.status);
  }

  render() {
    if (this.step === "loading") return nothing;
    if (this.step === "idle") {
      return html`<div class="card">
        ${this.task ? html`<p class="note for-task">${t("visit.forTask", { title: this.task.title })}</p>` : nothing}
        ${this.saved ? html`<p class="saved" role="status">${t("visit.saved")}</p>` : nothing}
        ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
        <button class="check-in primary" @click=${this.checkIn}>${t("visit.checkIn")}</button></div>`;
    }
    const time = new Intl.DateTimeFormat(locale, { timeStyle: "short" }).format(new Date(this.startedAt));
    return html`<form class="card visit" novalidate @submit=${this.checkOut}>
      <p class="note checked-in" data-started-at=${this.startedAt}>${t("visit.checkedInAt", { time })}</p>
      ${this.task ? html`<p class="note for-task">${t("visit.forTask", { title: this.task.title })}</p>` : nothing}
      ${this.renderFix()}
      <fieldset><legend>${t("visit.outcome")}</legend><div class="outcomes">
        ${OUTCOMES.map(
          (outcome) => html`<label><input type="radio" name="outcome" value=${outcome}
          .checked=${this.outcome === outcome} @change=${() => this.enter("outcome", outcome)} />${t(`visit.outcome.${outcome}`)}</label>`,
        )}
      </div></fieldset>
      <label>${t("visit.notes")}<textarea name="notes" rows="4" autocapitalize="sentences" spellcheck="true"
        .value=${this.notes ?? ""} @input=${(event) => this.enter("notes", event.target.value)}></textarea>
        <span class="note">${t("visit.notesHint")}</span></label>
      <fieldset><legend>${t("visit.nextStep")}</legend><div class="row">
        <label>${t("visit.nextStepTitle")}<input name="next_title" autocomplete="off"
          .value=${this.nextTitle ?? ""} @input=${(event) => this.enter("nextTitle", event.target.value)} /></label>
        <label>${t("visit.nextStepDue")}<input name="next_due" type="date" .value=${this.nextDue ?? ""}
          @input=${(event) => this.enter("nextDue", event.target.value)} @change=${(event) => this.enter("nextDue", event.target.value)} /></label>
      </div></fieldset>
      ${
        this.taskOpen()
          ? html`<label class="task-done"><span><input type="checkbox" name="task_done" .checked=${this.taskDone !== false}
            @change=${(event) => this.enter("taskDone", event.target.checked)} /> ${t("visit.markTaskDone")}</span></label>`
          : nothing
      }
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      <div class="row">
        <button type="submit" class="check-out primary" ?disabled=${this.saving}>${t("visit.checkOut")}</button>
        <button type="button" class="cancel" ?disabled=${this.saving} @click=${this.cancel}>${t("visit.cancel")}</button>
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
