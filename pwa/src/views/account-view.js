import { LitElement, css, html, nothing } from "lit";
import {
  accounts,
  changedFields,
  editableFields,
  mailtoHref,
  navigationLinks,
  telHref,
} from "../api/accounts.js";
import { locale, t } from "../i18n.js";
import { distanceMetres } from "../shared/distance.js";
import { formatDistance, formatRelativeDate } from "../shared/format.js";
import { getAccount, getMeta, saveAccount } from "../store/db.js";
import { dismiss } from "../store/outbox.js";
import { saveChange, watchMutation } from "../sync/index.js";
import "./account-contacts.js";
import "./note-form.js";
import "./visit-flow.js";
import "./visit-history.js";

const KINDS = ["customer", "prospect"];
const STATUSES = ["active", "at_risk", "inactive", "new", "contacted", "qualified", "lost"];
const FIX_OPTIONS = { enableHighAccuracy: true, maximumAge: 60000, timeout: 15000 };

function currentFix() {
  return new Promise((resolve, reject) => {
    if (!("geolocation" in navigator)) return reject(new Error("no geolocation"));
    navigator.geolocation.getCurrentPosition(
      (fix) =>
        resolve({ lat: fix.coords.latitude, lng: fix.coords.longitude, accuracy: fix.coords.accuracy }),
      reject,
      FIX_OPTIONS,
    );
  });
}

// The form's values of `fields` (strings: a number is shown as typed).
function draftOf(account, fields) {
  return Object.fromEntries(
    fields.map((field) => [
      field,
      account[field] === null || account[field] === undefined ? "" : String(account[field]),
    ]),
  );
}

// One account: its details, links to call, mail and navigate, and editing through the outbox,
// with a stale edit (a push conflict) shown side by side with what is saved now and a refused
// one on its fields. With no accountId it creates an account at
// the rep's position, its address filled in by reverse geocoding. Offline it shows the copy
// this device saved last.
export class AccountView extends LitElement {
  static properties = {
    accountId: { attribute: false },
    taskId: { attribute: false }, // opened from a task: a visit here is linked to it
    account: { state: true },
    status: { state: true }, // loading | ready | missing | unavailable
    fromDevice: { state: true },
    position: { state: true },
    editing: { state: true },
    draft: { state: true },
    fieldErrors: { state: true },
    formError: { state: true },
    notice: { state: true },
    saving: { state: true },
    conflict: { state: true },
    locating: { state: true },
    addressNote: { state: true },
  };

  static styles = css`
    :host { display: block; padding: 8px 12px 32px; max-width: 720px; margin: 0 auto; box-sizing: border-box; }
    * { box-sizing: border-box; }
    a.back { display: inline-flex; align-items: center; min-height: 44px; color: var(--accent); text-decoration: none; }
    h1 { font-size: 1.4rem; margin: 4px 0; overflow-wrap: anywhere; }
    .tags { display: flex; flex-wrap: wrap; gap: 6px; color: var(--muted); font-size: 0.9rem; margin-bottom: 12px; }
    .tag { border: 1px solid var(--border); border-radius: 999px; padding: 2px 10px; }
    .actions { display: grid; grid-template-columns: repeat(auto-fit, minmax(130px, 1fr)); gap: 8px; margin: 12px 0; }
    .actions a, button { display: inline-flex; align-items: center; justify-content: center; gap: 6px; min-height: 44px; min-width: 44px; padding: 0 14px; border-radius: 10px; border: 1px solid var(--border); background: var(--card); color: var(--fg); font: inherit; text-decoration: none; cursor: pointer; text-align: center; }
    .actions a.primary, button.primary { background: var(--accent); border-color: var(--accent); color: #fff; font-weight: 600; }
    button[disabled] { opacity: 0.6; cursor: default; }
    fieldset { border: 0; padding: 0; margin: 0; min-width: 0; }
    fieldset.fields { display: grid; gap: 12px; }
    legend { font-weight: 600; padding: 0; margin-bottom: 6px; }
    .card { background: var(--card); border: 1px solid var(--border); border-radius: 12px; padding: 12px; margin: 12px 0; }
    dl { display: grid; grid-template-columns: minmax(90px, max-content) 1fr; gap: 8px 12px; margin: 0; }
    dt { color: var(--muted); }
    dd { margin: 0; overflow-wrap: anywhere; }
    @media (max-width: 359px) { dl { grid-template-columns: 1fr; gap: 2px; } dd { margin-bottom: 8px; } }
    form { display: grid; gap: 12px; }
    label { display: grid; gap: 4px; font-weight: 600; }
    input, select, textarea { min-height: 44px; width: 100%; font: inherit; font-weight: 400; padding: 8px 10px; border-radius: 8px; border: 1px solid var(--border); background: var(--bg); color: var(--fg); }
    textarea { min-height: 72px; resize: vertical; }
    [aria-invalid="true"] { border-color: #d93025; }
    .field-error, .error { color: #d93025; font-weight: 400; font-size: 0.9rem; }
    @media (prefers-color-scheme: dark) { .field-error, .error { color: #ff8a80; } [aria-invalid="true"] { border-color: #ff8a80; } }
    .row { display: flex; flex-wrap: wrap; gap: 8px; }
    .row > button { flex: 1 1 140px; }
    .note { color: var(--muted); }
    .conflict { border-color: #e0a100; }
    table { width: 100%; border-collapse: collapse; table-layout: fixed; }
    th, td { text-align: left; vertical-align: top; padding: 6px 4px; border-bottom: 1px solid var(--border); overflow-wrap: anywhere; }
    tr.differs td { font-weight: 600; }
  `;

  constructor() {
    super();
    this.status = "loading";
    this.fieldErrors = {};
    this.loadToken = 0;
  }

  connectedCallback() {
    super.connectedCallback();
    getMeta("user").then((user) => this.knowUser(user));
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    this.unwatch?.();
  }

  knowUser(user) {
    this.user = user;
    // A form opened before the user was read gains the managers' fields now.
    if (this.editing && this.draft)
      this.draft = { ...draftOf(this.base ?? {}, this.fields()), ...this.draft };
  }

  willUpdate(changed) {
    if (changed.has("accountId")) this.open(this.accountId);
  }

  open(id) {
    const token = ++this.loadToken;
    this.unwatch?.();
    Object.assign(this, {
      account: null,
      editing: false,
      conflict: null,
      fieldErrors: {},
      formError: null,
      notice: null,
      fromDevice: false,
      refused: null,
      draftId: null,
    });
    if (id) {
      this.status = "loading";
      this.locate(token);
      this.load(id, token);
    } else {
      this.status = "ready";
      this.editing = true;
      this.draft = { ...draftOf({}, this.fields()), kind: "prospect" };
      this.addressNote = null;
      this.startCreate(token);
    }
  }

  async load(id, token) {
    try {
      const account = await accounts.get(id);
      if (token !== this.loadToken) return;
      await saveAccount(account);
      // Shown as stored: the rep's changes not yet sent stay on top of the server's copy.
      this.account = (await getAccount(id)) ?? account;
      this.status = "ready";
    } catch (error) {
      if (token !== this.loadToken) return;
      if (error.status === 401) return this.loggedOut();
      if (error.status === 404) return (this.status = "missing");
      const stored = await getAccount(id);
      if (token !== this.loadToken) return;
      this.account = stored ?? null;
      this.fromDevice = Boolean(stored);
      this.status = stored ? "ready" : "unavailable";
    }
  }

  // The last position the app knew first (instant), then a fresh fix when the device gives one.
  async locate(token) {
    const last = await getMeta("position");
    if (token === this.loadToken && last && !this.position) this.position = last;
    try {
      const fix = await currentFix();
      if (token === this.loadToken) this.position = fix;
      return fix;
    } catch {
      return null;
    }
  }

  async startCreate(token) {
    this.locating = true;
    const fix = await this.locate(token);
    if (token !== this.loadToken) return;
    this.locating = false;
    if (!fix) return (this.addressNote = "noPosition");
    this.addressNote = "lookingUp";
    try {
      const { address } = await accounts.reverseGeocode(fix.lat, fix.lng);
      if (token !== this.loadToken) return;
      // The rep may have typed an address meanwhile: theirs wins.
      if (address && !this.draft.address) this.draft = { ...this.draft, address };
      this.addressNote = address ? "addressFound" : "noAddress";
    } catch (error) {
      if (token !== this.loadToken) return;
      if (error.status === 401) return this.loggedOut();
      this.addressNote = "geocoderDown";
    }
  }

  loggedOut() {
    this.dispatchEvent(new CustomEvent("logged-out", { bubbles: true, composed: true }));
  }

  // The fields this user edits: the visit frequency only for managers and admins.
  fields() {
    return editableFields(this.user?.role);
  }

  go(path) {
    this.dispatchEvent(new CustomEvent("navigate", { detail: path, bubbles: true, composed: true }));
  }

  startEdit() {
    this.draft = draftOf(this.account, this.fields());
    this.base = this.account;
    Object.assign(this, { editing: true, fieldErrors: {}, formError: null, notice: null, conflict: null });
  }

  cancelEdit() {
    Object.assign(this, { editing: false, fieldErrors: {}, formError: null, conflict: null });
  }

  input(event) {
    const { name, value } = event.target;
    this.draft = { ...this.draft, [name]: value };
    if (this.fieldErrors[name]) this.fieldErrors = { ...this.fieldErrors, [name]: undefined };
  }

  submit(event) {
    event.preventDefault();
    if (this.accountId)
      this.saveChanges(changedFields(this.base, this.draft, this.fields()), this.base.version);
    else this.create();
  }

  // Online or not, an edit is one account.update mutation saved with its optimistic row; the
  // engine pushes it at once when it can. The push's answer comes back here while the screen
  // stays open (and waits in the inbox when it is not applied).
  async saveChanges(changes, version) {
    if (Object.keys(changes).length === 0) return this.cancelEdit();
    this.saving = true;
    try {
      const data = { id: this.account.id, ...changes };
      const entry = await saveChange("account.update", data, { base_version: version });
      await this.closeRefused();
      const account = (await getAccount(data.id)) ?? { ...this.account, ...changes };
      Object.assign(this, {
        account,
        editing: false,
        conflict: null,
        fieldErrors: {},
        formError: null,
        notice: "savedOnDevice",
      });
      this.watch(entry.id, { changes, draft: this.draft });
    } catch (error) {
      this.formError = error.message || t("account.unknownError");
    } finally {
      this.saving = false;
    }
  }

  watch(mutationId, edit) {
    this.unwatch?.();
    const token = this.loadToken;
    this.unwatch = watchMutation(mutationId, {
      settled: (outcome) => token === this.loadToken && this.answered(outcome, edit),
    });
  }

  async answered(outcome, { changes, draft }) {
    this.unwatch = null;
    const account = await getAccount(this.account.id);
    if (outcome.status === "applied")
      return Object.assign(this, { account: account ?? this.account, fromDevice: false, notice: "saved" });
    // Not applied: the form opens again with what the rep typed, the server's answer on it.
    Object.assign(this, {
      account: account ?? this.account,
      base: account ?? this.account,
      editing: true,
      draft,
      notice: null,
      refused: outcome.id,
    });
    if (outcome.status === "conflict" && outcome.entity) {
      this.conflict = { server: outcome.entity, changes };
      this.formError = null;
    } else {
      this.showRefusal(outcome.error ?? {});
    }
  }

  // The server's field names in a push answer are those of the mutation's data ("data.email").
  showRefusal(error) {
    this.fieldErrors = Object.fromEntries(
      Object.entries(error.fields ?? {}).map(([field, why]) => [field.replace(/^data\./, ""), why]),
    );
    this.formError = Object.keys(this.fieldErrors).length ? null : error.message || t("account.unknownError");
  }

  // The rep dealt with the refused change here: its inbox item is done with.
  async closeRefused() {
    if (this.refused) await dismiss(this.refused);
    this.refused = null;
  }

  async keepMine() {
    const { server, changes } = this.conflict;
    this.base = server;
    this.account = server;
    this.conflict = null;
    await this.saveChanges(changes, server.version);
  }

  async takeTheirs() {
    const { server } = this.conflict;
    await this.closeRefused();
    Object.assign(this, {
      account: (await getAccount(server.id)) ?? server,
      editing: false,
      conflict: null,
      fieldErrors: {},
      formError: null,
      notice: null,
    });
  }

  // A new account is one account.create mutation. Online, the form waits for the push's answer
  // so a refusal is shown on its fields; offline (or when the server is not answering) the
  // account opens at once from the device and is sent later.
  async create() {
    const data = { id: this.draftId ?? crypto.randomUUID(), ...changedFields({}, this.draft) };
    this.draftId = data.id; // sent again after a refusal: the server never created it
    if (!data.status) delete data.status;
    if (this.position && this.addressNote !== "noPosition") {
      data.location = { type: "Point", coordinates: [this.position.lng, this.position.lat] };
    }
    this.saving = true;
    try {
      const entry = await saveChange("account.create", data);
      await this.closeRefused();
      if (navigator.onLine === false) return this.go(`/accounts/${data.id}`);
      const token = this.loadToken;
      const outcome = await new Promise((resolve) => {
        const stop = watchMutation(entry.id, { settled: resolve, paused: () => (stop(), resolve(null)) });
      });
      if (token !== this.loadToken) return;
      if (!outcome || outcome.status === "applied") return this.go(`/accounts/${data.id}`);
      this.refused = outcome.id;
      this.showRefusal(outcome.error ?? { message: outcome.status });
    } finally {
      this.saving = false;
    }
  }

  render() {
    const back = html`<a class="back" href="/near" data-route>← ${t("account.back")}</a>`;
    if (!this.accountId)
      return html`${back}<h1>${t("account.new")}</h1>${this.renderCreateNotes()}${this.renderForm()}`;
    if (this.status === "loading")
      return html`${back}<p class="note" role="status">${t("account.loading")}</p>`;
    if (this.status === "missing")
      return html`${back}<p class="error" role="alert">${t("account.notFound")}</p>`;
    if (this.status === "unavailable")
      return html`${back}<p class="note" role="status">${t("account.notOnDevice")}</p>`;
    const account = this.account;
    return html`${back}
      <h1>${account.name}</h1>
      <div class="tags">
        <span class="tag kind">${t(`account.kind.${account.kind}`)}</span>
        <span class="tag status">${t(`account.status.${account.status}`)}</span>
        ${this.renderDistance(account)}
      </div>
      ${this.fromDevice ? html`<p class="note offline" role="status">${t("account.offlineCopy")}</p>` : nothing}
      ${this.notice ? html`<p class="note saved" role="status" data-notice=${this.notice}>${t(`account.${this.notice}`)}</p>` : nothing}
      ${this.editing ? this.renderEditing() : html`${this.renderActions(account)}${this.renderDetails(account)}<wp-account-contacts .accountId=${account.id}></wp-account-contacts>${this.renderVisits(account)}`}`;
  }

  renderVisits(account) {
    return html`<wp-visit-flow .accountId=${account.id} .accountName=${account.name} .taskId=${this.taskId ?? null}></wp-visit-flow>
      <wp-note-form .accountId=${account.id}></wp-note-form>
      <wp-visit-history .accountId=${account.id}></wp-visit-history>`;
  }

  renderDistance(account) {
    if (!this.position || !account.location) return nothing;
    const [lng, lat] = account.location.coordinates;
    const metres = distanceMetres(this.position.lng, this.position.lat, lng, lat);
    return html`<span class="tag distance">${t("account.away", { distance: formatDistance(metres, locale) })}</span>`;
  }

  renderActions(account) {
    const tel = telHref(account.phone);
    const mail = mailtoHref(account.email);
    const routes = navigationLinks(account);
    return html`<div class="actions">
        ${tel ? html`<a class="call primary" href=${tel}>${t("account.call")}</a>` : nothing}
        ${mail ? html`<a class="email" href=${mail}>${t("account.sendEmail")}</a>` : nothing}
        <button class="edit" @click=${this.startEdit}>${t("account.edit")}</button>
      </div>
      ${
        routes
          ? html`<fieldset class="card navigate">
        <legend>${t("account.navigate")}</legend>
        <div class="actions">
          <a class="nav-google" href=${routes.google} target="_blank" rel="noopener">Google Maps</a>
          <a class="nav-apple" href=${routes.apple} target="_blank" rel="noopener">Apple Maps</a>
          <a class="nav-waze" href=${routes.waze} target="_blank" rel="noopener">Waze</a>
          <a class="nav-geo" href=${routes.geo}>${t("account.otherMapApp")}</a>
        </div></fieldset>`
          : nothing
      }`;
  }

  renderDetails(account) {
    const dash = "—";
    const visit = account.last_visit_at
      ? `${new Intl.DateTimeFormat(locale, { dateStyle: "medium" }).format(new Date(account.last_visit_at))} (${formatRelativeDate(account.last_visit_at, locale)})`
      : t("account.neverVisited");
    const row = (field, label, value) => html`<dt>${label}</dt><dd data-field=${field}>${value || dash}</dd>`;
    return html`<div class="card"><dl>
      ${row("address", t("account.address"), account.address)}
      ${row("phone", t("account.phone"), account.phone)}
      ${row("email", t("account.email"), account.email)}
      ${row("industry", t("account.industry"), account.industry)}
      ${row("last_visit", t("account.lastVisit"), visit)}
      ${row("visit_every_days", t("account.visit_every_days"), account.visit_every_days ? t("account.everyDays", { days: account.visit_every_days }) : t("account.noFrequency"))}
    </dl></div>`;
  }

  renderEditing() {
    return html`${this.conflict ? this.renderConflict() : nothing}${this.renderForm()}`;
  }

  renderConflict() {
    const { server, changes } = this.conflict;
    const shown = (field, value) =>
      (field === "kind" || field === "status") && value ? t(`account.${field}.${value}`) : value || "—";
    return html`<section class="card conflict" role="alert">
      <p><strong>${t("account.conflictTitle")}</strong></p>
      <p class="note">${t("account.conflictHelp")}</p>
      <table>
        <thead><tr><th scope="col">${t("account.field")}</th><th scope="col">${t("account.theirs")}</th><th scope="col">${t("account.yours")}</th></tr></thead>
        <tbody>${Object.entries(changes).map(
          ([field, mine]) => html`
          <tr data-field=${field} class=${(server[field] ?? null) === mine ? "" : "differs"}>
            <th scope="row">${t(`account.${field}`)}</th>
            <td class="theirs">${shown(field, server[field])}</td>
            <td class="mine">${shown(field, mine)}</td>
          </tr>`,
        )}</tbody>
      </table>
      <div class="row">
        <button class="keep-mine primary" ?disabled=${this.saving} @click=${this.keepMine}>${t("account.keepMine")}</button>
        <button class="take-theirs" ?disabled=${this.saving} @click=${this.takeTheirs}>${t("account.takeTheirs")}</button>
      </div>
    </section>`;
  }

  renderCreateNotes() {
    const position =
      this.position && this.addressNote !== "noPosition"
        ? t("account.position", {
            lat: this.position.lat.toFixed(5),
            lng: this.position.lng.toFixed(5),
            accuracy: this.position.accuracy ? formatDistance(this.position.accuracy, locale) : "?",
          })
        : null;
    return html`<p class="note position" role="status">
      ${this.locating ? t("account.locating") : position}
      ${this.addressNote ? html`<br /><span class="address-note">${t(`account.${this.addressNote}`)}</span>` : nothing}
    </p>`;
  }

  renderForm() {
    const draft = this.draft;
    const creating = !this.accountId;
    const error = (field) =>
      this.fieldErrors[field]
        ? html`<span class="field-error" id="error-${field}">${this.fieldErrors[field]}</span>`
        : nothing;
    const text = (field, type = "text", extra = {}) => html`<label>${t(`account.${field}`)}
      <input name=${field} type=${type} .value=${draft[field]} @input=${this.input}
        autocomplete=${extra.autocomplete ?? "off"} inputmode=${extra.inputmode ?? nothing}
        aria-invalid=${this.fieldErrors[field] ? "true" : "false"} aria-describedby=${this.fieldErrors[field] ? `error-${field}` : nothing} />
      ${error(field)}</label>`;
    const choice = (field, values, optional = false) => html`<label>${t(`account.${field}`)}
      <select name=${field} @change=${this.input} aria-invalid=${this.fieldErrors[field] ? "true" : "false"}>
        ${optional ? html`<option value="" ?selected=${!draft[field]}>${t("account.defaultStatus")}</option>` : nothing}
        ${values.map((value) => html`<option value=${value} ?selected=${draft[field] === value}>${t(`account.${field}.${value}`)}</option>`)}
      </select>${error(field)}</label>`;
    return html`<form class="edit card" novalidate @submit=${this.submit}>
      ${this.formError ? html`<p class="error form-error" role="alert">${this.formError}</p>` : nothing}
      <!-- While a conflict is open the form is frozen: the choice above decides what is sent. -->
      <fieldset class="fields" ?disabled=${Boolean(this.conflict)}>
      ${text("name")}
      ${choice("kind", KINDS)}
      ${choice("status", STATUSES, creating)}
      <label>${t("account.address")}
        <textarea name="address" rows="2" .value=${draft.address} @input=${this.input}
          aria-invalid=${this.fieldErrors.address ? "true" : "false"}></textarea>
        ${error("address")}</label>
      ${text("phone", "tel", { inputmode: "tel" })}
      ${text("email", "email", { inputmode: "email" })}
      ${text("industry")}
      ${
        "visit_every_days" in draft
          ? html`<label>${t("account.visit_every_days")}
        <input name="visit_every_days" type="number" min="1" max="365" step="1" .value=${draft.visit_every_days} @input=${this.input}
          inputmode="numeric" aria-invalid=${this.fieldErrors.visit_every_days ? "true" : "false"} aria-describedby=${this.fieldErrors.visit_every_days ? "error-visit_every_days" : nothing} />
        <span class="note">${t("account.frequencyHint")}</span>
        ${error("visit_every_days")}</label>`
          : nothing
      }
      </fieldset>
      <div class="row">
        <button type="submit" class="save primary" ?disabled=${this.saving || Boolean(this.conflict)}>
          ${this.saving ? t("account.saving") : creating ? t("account.create") : t("account.save")}</button>
        ${creating ? nothing : html`<button type="button" class="cancel" @click=${this.cancelEdit}>${t("account.cancel")}</button>`}
      </div>
    </form>`;
  }
}
customElements.define("wp-account", AccountView);
