import { LitElement, css, html, nothing } from "lit";
import { LANGUAGE_EVENT, locale, t } from "../i18n.js";
import { formatSince } from "../shared/format.js";
import { count } from "../store/db.js";
import { OUTBOX_EVENT, syncState } from "../store/outbox.js";
import { SYNC_STATUS_EVENT, engine } from "../sync/engine.js";

const TICK_MS = 30 * 1000; // "last synced 3 minutes ago" moves on by itself
const CHANNEL = "waypoint-sync"; // tabs tell each other when the outbox changed

// The bar under the header, always shown while logged in: how many changes wait on this device,
// when the device last synced, what the engine is doing, and how many conflicts need the rep.
export class SyncStatus extends LitElement {
  static properties = {
    waiting: { state: true },
    conflicts: { state: true },
    lastSynced: { state: true },
    state: { state: true },
  };

  static styles = css`
    :host { display: flex; flex-wrap: wrap; align-items: center; gap: 4px 12px; padding: 2px 12px; font-size: 0.85rem; background: var(--card); border-bottom: 1px solid var(--border); color: var(--muted); }
    a { color: inherit; display: inline-flex; align-items: center; min-height: 36px; text-decoration: none; }
    .badge { color: var(--fg); font-weight: 600; }
    .inbox { color: #b45309; font-weight: 600; }
    @media (prefers-color-scheme: dark) { .inbox { color: #fbbf24; } }
    .settings { margin-left: auto; }
  `;

  constructor() {
    super();
    this.waiting = 0;
    this.conflicts = 0;
    this.state = engine.state;
    this.refresh = () => this.load();
    this.onStatus = (event) => {
      this.state = event.detail.state;
      this.load();
    };
    this.onLocal = () => {
      this.load();
      this.channel?.postMessage("changed");
    };
  }

  connectedCallback() {
    super.connectedCallback();
    window.addEventListener(OUTBOX_EVENT, this.onLocal);
    window.addEventListener(SYNC_STATUS_EVENT, this.onStatus);
    window.addEventListener(LANGUAGE_EVENT, this.refresh);
    this.channel = "BroadcastChannel" in window ? new BroadcastChannel(CHANNEL) : null;
    if (this.channel) this.channel.onmessage = this.refresh;
    this.ticker = setInterval(() => this.requestUpdate(), TICK_MS);
    this.load();
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    window.removeEventListener(OUTBOX_EVENT, this.onLocal);
    window.removeEventListener(SYNC_STATUS_EVENT, this.onStatus);
    window.removeEventListener(LANGUAGE_EVENT, this.refresh);
    this.channel?.close();
    clearInterval(this.ticker);
  }

  async load() {
    const [waiting, conflicts, state] = await Promise.all([count("outbox"), count("conflicts"), syncState()]);
    Object.assign(this, { waiting, conflicts, lastSynced: state?.last_synced_at ?? null });
  }

  render() {
    const when = this.lastSynced
      ? t("sync.lastSynced", { when: formatSince(this.lastSynced, locale) })
      : t("sync.neverSynced");
    const doing = { syncing: "sync.syncing", offline: "sync.offline", error: "sync.retrying" }[this.state];
    return html`<a href="/diagnostics" data-route class="status" data-waiting=${this.waiting}>
        <span class="badge">${t("sync.waiting", { n: this.waiting })}</span>&nbsp;·&nbsp;<span class="last-synced">${when}</span>
        ${doing ? html`&nbsp;·&nbsp;<span class="state">${t(doing)}</span>` : nothing}</a>
      ${this.conflicts ? html`<a href="/inbox" data-route class="inbox">${t("sync.inbox", { n: this.conflicts })}</a>` : nothing}
      <a href="/settings" data-route class="settings">${t("sync.settings")}</a>`;
  }
}
customElements.define("wp-sync-status", SyncStatus);
