import { LitElement, css, html, nothing } from "lit";
import { request } from "../api/client.js";
import { LANGUAGE_EVENT, locale, t } from "../i18n.js";
import { formatDateTime, formatNumber } from "../shared/format.js";
import { SYNCED_STORES, allRows, count } from "../store/db.js";
import { OUTBOX_EVENT, syncState, updateSyncState } from "../store/outbox.js";
import { engine } from "../sync/engine.js";
import { localChecksum } from "../sync/logic.js";

/** Local and server checksums per entity, as {entity: {local, server, same}}. */
export async function compareChecksums() {
  const server = await request("/sync/checksum");
  const result = {};
  for (const [entity, store] of Object.entries(SYNCED_STORES)) {
    const local = await localChecksum(await allRows(store));
    const theirs = server[entity] ?? { count: 0, hash: "" };
    result[entity] = {
      local,
      server: theirs,
      same: local.count === theirs.count && local.hash === theirs.hash,
    };
  }
  return result;
}

// What a support person asks for: storage use, the outbox, the last sync and error, this
// device's id, and whether the device holds exactly what the server says it should.
export class DiagnosticsView extends LitElement {
  static properties = { info: { state: true }, checksums: { state: true }, checkError: { state: true } };

  static styles = css`
    :host { display: block; padding: 8px 12px 32px; max-width: 720px; margin: 0 auto; }
    h1 { font-size: 1.3rem; }
    dl { display: grid; grid-template-columns: minmax(120px, max-content) 1fr; gap: 6px 12px; }
    dt { color: var(--muted); }
    dd { margin: 0; overflow-wrap: anywhere; font-variant-numeric: tabular-nums; }
    .row { display: flex; flex-wrap: wrap; gap: 8px; margin: 12px 0; }
    button { min-height: 44px; padding: 0 14px; border-radius: 10px; border: 1px solid var(--border); background: var(--card); color: var(--fg); font: inherit; }
    .same { color: #137333; } .differs { color: #d93025; }
    @media (prefers-color-scheme: dark) { .same { color: #81c995; } .differs { color: #ff8a80; } }
  `;

  constructor() {
    super();
    this.reload = () => this.load();
  }

  connectedCallback() {
    super.connectedCallback();
    window.addEventListener(OUTBOX_EVENT, this.reload);
    window.addEventListener(LANGUAGE_EVENT, this.reload);
    this.load();
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    window.removeEventListener(OUTBOX_EVENT, this.reload);
    window.removeEventListener(LANGUAGE_EVENT, this.reload);
  }

  async load() {
    const storage = navigator.storage;
    const [estimate, persisted, waiting, state] = await Promise.all([
      storage?.estimate?.().catch(() => null),
      storage?.persisted?.().catch(() => null),
      count("outbox"),
      syncState(),
    ]);
    this.info = { estimate, persisted, waiting, state: state ?? {} };
  }

  async compare() {
    this.checkError = null;
    try {
      this.checksums = await compareChecksums();
    } catch (error) {
      this.checkError = error.message;
    }
  }

  async resync() {
    await updateSyncState({ cursor: null });
    this.checksums = null;
    await engine.trigger("resync");
  }

  render() {
    if (!this.info) return nothing;
    const { estimate, persisted, waiting, state } = this.info;
    const bytes = (value) =>
      formatNumber(value / (1024 * 1024), locale, { maximumFractionDigits: 1 }) + " MB";
    const error = state.last_error;
    return html`<h1>${t("diag.title")}</h1>
      <dl>
        <dt>${t("diag.storage")}</dt><dd class="storage">${estimate ? `${bytes(estimate.usage)} / ${bytes(estimate.quota)}` : "—"}</dd>
        <dt>${t("diag.persisted")}</dt><dd>${persisted === null || persisted === undefined ? "—" : t(persisted ? "diag.yes" : "diag.no")}</dd>
        <dt>${t("diag.outbox")}</dt><dd class="outbox">${waiting}</dd>
        <dt>${t("diag.lastSync")}</dt><dd class="last-sync">${state.last_synced_at ? formatDateTime(state.last_synced_at, locale) : t("diag.none")}</dd>
        <dt>${t("diag.lastError")}</dt><dd class="last-error">${error ? `${error.status ?? ""} ${error.code ?? ""}: ${error.message} (${formatDateTime(error.at, locale)})` : t("diag.none")}</dd>
        <dt>${t("diag.clientId")}</dt><dd class="client-id">${state.client_id ?? "—"}</dd>
      </dl>
      <div class="row">
        <button class="sync-now" @click=${() => engine.trigger("manual")}>${t("sync.syncNow")}</button>
        <button class="compare" @click=${this.compare}>${t("diag.checksum")}</button>
      </div>
      ${this.checkError ? html`<p class="differs" role="alert">${this.checkError}</p>` : nothing}
      ${this.checksums ? this.renderChecksums() : nothing}`;
  }

  renderChecksums() {
    const rows = Object.entries(this.checksums);
    const allSame = rows.every(([, value]) => value.same);
    return html`<dl class="checksums" data-same=${allSame}>
        ${rows.map(
          ([entity, { local, server, same }]) => html`<dt>${t(`diag.entity.${entity}`)}</dt>
          <dd class=${same ? "same" : "differs"} data-entity=${entity}>${t(same ? "diag.match" : "diag.mismatch")} (${local.count} / ${server.count})</dd>`,
        )}
      </dl>
      ${allSame ? nothing : html`<button class="resync" @click=${this.resync}>${t("diag.resync")}</button>`}`;
  }
}
customElements.define("wp-diagnostics", DiagnosticsView);
