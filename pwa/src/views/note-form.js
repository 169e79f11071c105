import { LitElement, css, html, nothing } from "lit";
import { locale, t } from "../i18n.js";
import { formatNumber } from "../shared/format.js";
import { MAX_NOTE_CHARS, noteBody } from "../shared/notes.js";
import { saveChange } from "../sync/index.js";

// A note on one account, typed or dictated through the keyboard's microphone. "Add note" saves
// ONE note.create mutation on the device with the note itself; online or not makes no
// difference, the engine sends it when it can.
export class NoteForm extends LitElement {
  static properties = {
    accountId: { attribute: false },
    error: { state: true },
    saved: { state: true },
    saving: { state: true },
  };

  static styles = css`
    :host { display: block; }
    * { box-sizing: border-box; }
    form { background: var(--card); border: 1px solid var(--border); border-radius: 12px; padding: 12px; margin: 12px 0; display: grid; gap: 8px; }
    label { display: grid; gap: 4px; font-weight: 600; }
    textarea { min-height: 72px; width: 100%; resize: vertical; font: inherit; font-weight: 400; padding: 8px 10px; border-radius: 8px; border: 1px solid var(--border); background: var(--bg); color: var(--fg); }
    button { min-height: 44px; padding: 0 14px; border-radius: 10px; border: 1px solid var(--accent); background: var(--accent); color: #fff; font: inherit; font-weight: 600; cursor: pointer; }
    button[disabled] { opacity: 0.6; cursor: default; }
    .hint { color: var(--muted); font-weight: 400; font-size: 0.9rem; }
    .error { color: #d93025; margin: 0; }
    .saved { color: #137333; margin: 0; font-weight: 600; }
    @media (prefers-color-scheme: dark) { .error { color: #ff8a80; } .saved { color: #81c995; } }
  `;

  willUpdate(changed) {
    if (changed.has("accountId")) Object.assign(this, { error: null, saved: false });
  }

  async add(event) {
    event.preventDefault();
    const form = event.target;
    const { data, error } = noteBody({
      id: crypto.randomUUID(),
      accountId: this.accountId,
      text: form.elements.body.value,
      writtenAt: new Date().toISOString(),
    });
    if (error)
      return Object.assign(this, {
        error: t(`note.${error}`, { max: formatNumber(MAX_NOTE_CHARS, locale) }),
        saved: false,
      });
    this.saving = true;
    try {
      await saveChange("note.create", data);
      // Only now, with the transaction complete, is it true that the note is on the device.
      form.reset();
      Object.assign(this, { error: null, saved: true });
      this.dispatchEvent(new CustomEvent("note-saved", { detail: data, bubbles: true, composed: true }));
    } catch (failure) {
      Object.assign(this, { error: failure.message, saved: false });
    } finally {
      this.saving = false;
    }
  }

  render() {
    return html`<form class="note-form" novalidate @submit=${this.add} @input=${() => Object.assign(this, { saved: false, error: null })}>
      <label>${t("note.label")}
        <textarea name="body" rows="3" maxlength=${MAX_NOTE_CHARS} autocapitalize="sentences" spellcheck="true"></textarea>
        <span class="hint">${t("note.hint")}</span></label>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${this.saved ? html`<p class="saved" role="status">${t("note.saved")}</p>` : nothing}
      <button type="submit" class="add-note" ?disabled=${this.saving}>${t("note.add")}</button>
    </form>`;
  }
}
customElements.define("wp-note-form", NoteForm);
