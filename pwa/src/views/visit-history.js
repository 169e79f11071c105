import { LitElement, css, html, nothing } from "lit";
import { LANGUAGE_EVENT, locale, t } from "../i18n.js";
import { formatDateTime, formatDistance } from "../shared/format.js";
import { accountHistory } from "../shared/notes.js";
import { notesOf, visitsOf } from "../store/db.js";
import { OUTBOX_EVENT } from "../store/outbox.js";

// An account's visits and notes as this device knows them, newest first: visits recorded here
// and not yet sent ("waiting"), sent but not yet pulled back ("verifying"), and the server's own
// with their verification; notes with their text and time, "waiting" until sent.
export class VisitHistory extends LitElement {
  static properties = {
    accountId: { attribute: false },
    items: { state: true },
  };

  static styles = css`
    :host { display: block; }
    h2 { font-size: 1.1rem; margin: 16px 0 8px; }
    ul { list-style: none; margin: 0; padding: 0; display: grid; gap: 8px; }
    li { background: var(--card); border: 1px solid var(--border); border-radius: 12px; padding: 10px 12px; display: grid; gap: 2px; }
    .top { display: flex; justify-content: space-between; gap: 8px; flex-wrap: wrap; }
    .status { font-size: 0.85rem; font-weight: 600; }
    .verified { color: #137333; }
    .out_of_range { color: #b45309; }
    .waiting, .checking, .unverifiable { color: var(--muted); }
    @media (prefers-color-scheme: dark) { .verified { color: #81c995; } .out_of_range { color: #fbbf24; } }
    .meta, .note { color: var(--muted); font-size: 0.9rem; overflow-wrap: anywhere; margin: 0; }
    .body { margin: 0; overflow-wrap: anywhere; white-space: pre-wrap; }
  `;

  constructor() {
    super();
    this.items = [];
    this.reload = () => this.load();
  }

  connectedCallback() {
    super.connectedCallback();
    window.addEventListener(OUTBOX_EVENT, this.reload);
    window.addEventListener(LANGUAGE_EVENT, this.reload);
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    window.removeEventListener(OUTBOX_EVENT, this.reload);
    window.removeEventListener(LANGUAGE_EVENT, this.reload);
  }

  willUpdate(changed) {
    if (changed.has("accountId")) this.load();
  }

  // Many changes can land at once (a pull of hundreds of rows): read the history once for them.
  load() {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.read();
    }, 100);
  }

  async read() {
    const id = this.accountId;
    const [visits, notes] = id ? await Promise.all([visitsOf(id), notesOf(id)]) : [[], []];
    if (id === this.accountId) this.items = accountHistory(visits, notes);
  }

  render() {
    const item = ({ kind, row }) => (kind === "note" ? this.renderNote(row) : this.renderVisit(row));
    return html`<h2>${t("history.title")}</h2>
      ${this.items.length === 0 ? html`<p class="note">${t("history.none")}</p>` : html`<ul>${this.items.map(item)}</ul>`}`;
  }

  renderVisit(visit) {
    const status = visit.pending ? "waiting" : (visit.verification ?? "checking");
    const distance = Number.isFinite(visit.distance_m)
      ? t("visit.distance", { distance: formatDistance(visit.distance_m, locale) })
      : null;
    return html`<li data-kind="visit" data-id=${visit.id} data-status=${status}>
      <div class="top"><strong>${t(`visit.outcome.${visit.outcome}`)}</strong>
        <span class="status ${status}">${t(`visit.${status}`)}</span></div>
      <p class="meta">${formatDateTime(visit.started_at, locale)}${distance ? ` · ${distance}` : ""}</p>
      ${visit.notes ? html`<p class="note">${visit.notes}</p>` : nothing}
    </li>`;
  }

  renderNote(note) {
    const status = note.pending ? "waiting" : "synced";
    return html`<li data-kind="note" data-id=${note.id} data-status=${status}>
      <div class="top"><strong>${t("note.item")}</strong>
        ${note.pending ? html`<span class="status waiting">${t("note.waiting")}</span>` : nothing}</div>
      <p class="meta">${formatDateTime(note.written_at, locale)}</p>
      <p class="body">${note.body}</p>
    </li>`;
  }
}
customElements.define("wp-visit-history", VisitHistory);
