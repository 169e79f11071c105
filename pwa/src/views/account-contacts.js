import { LitElement, css, html, nothing } from "lit";
import { mailtoHref, telHref } from "../api/accounts.js";
import { LANGUAGE_EVENT, t } from "../i18n.js";
import { CHANNELS, MAX_PER_LIST, changedContactFields, contactFields } from "../shared/contacts.js";
import { contactsOf, getAccount, searchContacts } from "../store/db.js";
import { OUTBOX_EVENT } from "../store/outbox.js";
import { saveChange } from "../sync/index.js";
import { Listen, debounced } from "./listen.js";

// The people at one account as this device has them, the primary first: tap a number to call,
// an address to write; add, edit and delete them through the outbox (offline or not, the
// engine sends them when it can). The search field finds contacts by name across every account
// on the device.
export class AccountContacts extends LitElement {
  static properties = {
    accountId: { attribute: false },
    contacts: { state: true },
    editing: { state: true }, // null, "new" or the id of the contact being edited
    errors: { state: true },
    saving: { state: true },
    notice: { state: true },
    found: { state: true }, // null, or the search's matches ({contact, accountName})
  };

  static styles = css`
    :host { display: block; }
    * { box-sizing: border-box; }
    h2 { font-size: 1.1rem; margin: 16px 0 8px; }
    ul { list-style: none; margin: 0; padding: 0; display: grid; gap: 8px; }
    li, form { background: var(--card); border: 1px solid var(--border); border-radius: 12px; padding: 10px 12px; display: grid; gap: 6px; }
    .top { display: flex; justify-content: space-between; gap: 8px; flex-wrap: wrap; align-items: baseline; }
    .badge { font-size: 0.85rem; font-weight: 600; color: var(--muted); }
    .badge.primary { color: var(--accent); }
    .meta, .note { color: var(--muted); font-size: 0.9rem; margin: 0; overflow-wrap: anywhere; }
    .reach { display: flex; flex-wrap: wrap; gap: 8px; }
    a.tel, a.mail, a.account, button { display: inline-flex; align-items: center; justify-content: center; min-height: 44px; min-width: 44px; padding: 0 12px; border-radius: 10px; border: 1px solid var(--border); background: var(--card); color: var(--fg); font: inherit; text-decoration: none; cursor: pointer; overflow-wrap: anywhere; }
    a.tel { border-color: var(--accent); color: var(--accent); font-weight: 600; }
    button.primary { background: var(--accent); border-color: var(--accent); color: #fff; font-weight: 600; }
    button[disabled] { opacity: 0.6; cursor: default; }
    label { display: grid; gap: 4px; font-weight: 600; }
    label.check { display: flex; gap: 8px; align-items: center; font-weight: 400; min-height: 44px; }
    input, textarea { min-height: 44px; width: 100%; font: inherit; font-weight: 400; padding: 8px 10px; border-radius: 8px; border: 1px solid var(--border); background: var(--bg); color: var(--fg); }
    input[type="checkbox"] { width: 24px; min-height: 24px; }
    textarea { min-height: 64px; resize: vertical; }
    fieldset { border: 0; padding: 0; margin: 0; }
    legend { font-weight: 600; padding: 0; }
    [aria-invalid="true"] { border-color: #d93025; }
    .field-error { color: #d93025; font-weight: 400; font-size: 0.9rem; }
    .saved { color: #137333; margin: 0; font-weight: 600; }
    @media (prefers-color-scheme: dark) { .field-error { color: #ff8a80; } .saved { color: #81c995; } }
    .row { display: flex; flex-wrap: wrap; gap: 8px; }
    .row > button { flex: 1 1 120px; }
  `;

  constructor() {
    super();
    this.contacts = [];
    this.editing = null;
    this.errors = {};
    this.found = null;
    // Many changes can land at once (a pull of hundreds of rows): read the contacts once for them.
    this.reload = debounced(() => this.read(), 100);
    new Listen(this, [
      [window, OUTBOX_EVENT, this.reload],
      [window, LANGUAGE_EVENT, this.reload],
    ]);
  }

  willUpdate(changed) {
    if (changed.has("accountId")) {
      Object.assign(this, { editing: null, errors: {}, notice: null, found: null });
      this.reload();
    }
  }

  async read() {
    const id = this.accountId;
    const contacts = id ? await contactsOf(id) : [];
    if (id === this.accountId) this.contacts = contacts;
  }

  async search(event) {
    // Held here: a shadow tree's event loses its target once dispatched, before the awaits end.
    const input = event.target;
    const text = input.value;
    const matches = await searchContacts(text);
    const names = new Map();
    for (const contact of matches) {
      if (!names.has(contact.account_id))
        names.set(contact.account_id, (await getAccount(contact.account_id))?.name ?? "");
    }
    if (input.value !== text) return; // typed on meanwhile
    this.found = text.trim()
      ? matches.map((contact) => ({ contact, accountName: names.get(contact.account_id) }))
      : null;
  }

  async save(event) {
    event.preventDefault();
    const form = event.target;
    const current = this.contacts.find((contact) => contact.id === this.editing);
    const values = {
      name: form.elements.name.value,
      title: form.elements.title.value,
      phones: form.elements.phones.value,
      emails: form.elements.emails.value,
      language: form.elements.language.value,
      notes: form.elements.notes.value,
      is_primary: form.elements.is_primary.checked,
      consent: CHANNELS.filter((channel) => form.elements[`consent_${channel}`].checked),
    };
    const { fields, errors } = contactFields(values, current?.consent ?? {});
    if (errors) return (this.errors = errors);
    this.saving = true;
    try {
      const id = current?.id ?? crypto.randomUUID();
      if (!current) {
        await saveChange("contact.create", { id, account_id: this.accountId, ...fields });
      } else {
        const changes = changedContactFields(current, fields);
        if (Object.keys(changes).length) {
          const base = Number.isInteger(current.version) ? { base_version: current.version } : {};
          await saveChange("contact.update", { id, ...changes }, base);
        }
      }
      // Only now, with the transaction complete, is it true that the contact is on the device.
      Object.assign(this, { editing: null, errors: {}, notice: "saved" });
      this.dispatchEvent(new CustomEvent("contact-saved", { detail: { id }, bubbles: true, composed: true }));
    } catch (failure) {
      this.errors = { form: failure.message };
    } finally {
      this.saving = false;
    }
  }

  async remove(contact) {
    this.saving = true;
    try {
      await saveChange("contact.archive", { id: contact.id });
      Object.assign(this, { editing: null, errors: {}, notice: "deleted" });
    } catch (failure) {
      this.errors = { form: failure.message };
    } finally {
      this.saving = false;
    }
  }

  render() {
    return html`<section class="contacts">
      <h2>${t("contact.title")}</h2>
      <label>${t("contact.search")}
        <input type="search" class="contact-search" autocomplete="off" @input=${this.search} /></label>
      ${this.found ? this.renderFound() : this.renderList()}
    </section>`;
  }

  renderFound() {
    if (!this.found.length) return html`<p class="note found-none">${t("contact.noMatch")}</p>`;
    return html`<ul class="found">${this.found.map(
      ({ contact, accountName }) => html`<li data-id=${contact.id}>
        <strong>${contact.name}</strong>
        ${contact.title ? html`<p class="meta">${contact.title}</p>` : nothing}
        <a class="account" href=${`/accounts/${contact.account_id}`} data-route>${accountName || t("contact.openAccount")}</a>
      </li>`,
    )}</ul>`;
  }

  renderList() {
    const list = this.contacts.map((contact) =>
      contact.id === this.editing ? this.renderForm(contact) : this.renderContact(contact),
    );
    return html`${this.notice ? html`<p class="saved" role="status" data-notice=${this.notice}>${t(`contact.${this.notice}`)}</p>` : nothing}
      ${this.contacts.length === 0 && this.editing !== "new" ? html`<p class="note">${t("contact.none")}</p>` : nothing}
      <ul>${list}</ul>
      ${this.editing === "new" ? this.renderForm(null) : html`<div class="row"><button class="add-contact" @click=${() => Object.assign(this, { editing: "new", errors: {}, notice: null })}>${t("contact.add")}</button></div>`}`;
  }

  renderContact(contact) {
    const status = contact.pending ? "waiting" : "synced";
    return html`<li class="contact" data-id=${contact.id} data-status=${status} data-primary=${contact.is_primary ? "true" : "false"}>
      <div class="top"><strong class="name">${contact.name}</strong>
        ${contact.is_primary ? html`<span class="badge primary">${t("contact.primary")}</span>` : nothing}
        ${contact.pending ? html`<span class="badge waiting">${t("contact.waiting")}</span>` : nothing}</div>
      ${contact.title ? html`<p class="meta">${contact.title}</p>` : nothing}
      <div class="reach">
        ${contact.phones.map((phone) => (telHref(phone) ? html`<a class="tel" href=${telHref(phone)}>${phone}</a>` : nothing))}
        ${contact.emails.map((email) => html`<a class="mail" href=${mailtoHref(email)}>${email}</a>`)}
      </div>
      ${contact.notes ? html`<p class="note">${contact.notes}</p>` : nothing}
      <div class="row"><button class="edit-contact" @click=${() => Object.assign(this, { editing: contact.id, errors: {}, notice: null })}>${t("contact.edit")}</button></div>
    </li>`;
  }

  renderForm(contact) {
    const value = (field) => contact?.[field] ?? "";
    const error = (field) =>
      this.errors[field]
        ? html`<span class="field-error">${t(`contact.error.${this.errors[field]}`, { max: MAX_PER_LIST })}</span>`
        : nothing;
    const invalid = (field) => (this.errors[field] ? "true" : "false");
    const consent = contact?.consent ?? {};
    return html`<form class="contact-form" novalidate @submit=${this.save}>
      <label>${t("contact.name")}<input name="name" .value=${value("name")} maxlength="200" autocomplete="off" aria-invalid=${invalid("name")} />${error("name")}</label>
      <label>${t("contact.role")}<input name="title" .value=${value("title")} maxlength="200" aria-invalid=${invalid("title")} />${error("title")}</label>
      <label>${t("contact.phones")}<textarea name="phones" rows="2" inputmode="tel" .value=${(contact?.phones ?? []).join("\n")} aria-invalid=${invalid("phones")}></textarea>${error("phones")}</label>
      <label>${t("contact.emails")}<textarea name="emails" rows="2" inputmode="email" .value=${(contact?.emails ?? []).join("\n")} aria-invalid=${invalid("emails")}></textarea>${error("emails")}</label>
      <label>${t("contact.language")}<input name="language" .value=${value("language")} maxlength="35" autocapitalize="off" aria-invalid=${invalid("language")} />${error("language")}</label>
      <label>${t("contact.notes")}<textarea name="notes" rows="2" .value=${value("notes")} aria-invalid=${invalid("notes")}></textarea>${error("notes")}</label>
      <label class="check"><input type="checkbox" name="is_primary" .checked=${Boolean(contact?.is_primary)} />${t("contact.isPrimary")}</label>
      <fieldset><legend>${t("contact.consent")}</legend>
        ${CHANNELS.map((channel) => html`<label class="check"><input type="checkbox" name=${`consent_${channel}`} .checked=${Boolean(consent[channel])} />${t(`contact.consent.${channel}`)}</label>`)}
      </fieldset>
      ${this.errors.form ? html`<p class="field-error" role="alert">${this.errors.form}</p>` : nothing}
      <div class="row">
        <button type="submit" class="primary save-contact" ?disabled=${this.saving}>${t("contact.save")}</button>
        <button type="button" class="cancel" @click=${() => Object.assign(this, { editing: null, errors: {} })}>${t("contact.cancel")}</button>
        ${contact ? html`<button type="button" class="delete-contact" ?disabled=${this.saving} @click=${() => this.remove(contact)}>${t("contact.delete")}</button>` : nothing}
      </div>
    </form>`;
  }
}
customElements.define("wp-account-contacts", AccountContacts);
