import { LitElement, css, html, nothing } from "lit";
import { LANGUAGE_EVENT, locale, t } from "../i18n.js";
import { formatDateTime, formatDistance } from "../shared/format.js";
import { visitsOf } from "../store/db.js";
import { OUTBOX_EVENT } from "../store/outbox.js";

// An account's visits as this device knows them: recorded here and not yet sent ("waiting"),
// sent but not yet pulled back ("verifying"), and the server's own with their verification.
export class VisitHistory extends LitElement {
  static properties = {
    accountId: { attribute: false },
    visits: { state: true },
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
  `;

  constructor() {
    super();
    this.visits = [];
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
    const visits = id ? await visitsOf(id) : [];
    if (id === this.accountId) this.visits = visits;
  }

  render() {
    return html`<h2>${t("visit.history")}</h2>
      ${this.visits.length === 0 ? html`<p class="note">${t("visit.none")}</p>` : html`<ul>${this.visits.map((visit) => this.renderVisit(visit))}</ul>`}`;
  }

  renderVisit(visit) {
    const status = visit.pending ? "waiting" : visit.verification ?? "checking";
    const distance = Number.isFinite(visit.distance_m) ? t("visit.distance", { distance: formatDistance(visit.distance_m, locale) }) : null;
    return html`<li data-id=${visit.id} data-status=${status}>
      <div class="top"><strong>${t(`visit.outcome.${visit.outcome}`)}</strong>
        <span class="status ${status}">${t(`visit.${status}`)}</span></div>
      <p class="meta">${formatDateTime(visit.started_at, locale)}${distance ? ` · ${distance}` : ""}</p>
      ${visit.notes ? html`<p class="note">${visit.notes}</p>` : nothing}
    </li>`;
  }
}
customElements.define("wp-visit-history", VisitHistory);
