import { LitElement, css, html } from "lit";
import { api } from "../api/client.js";
import { locale, t } from "../i18n.js";
import { nearestFirst } from "../shared/distance.js";
import { formatDistance, formatRelativeDate } from "../shared/format.js";
import { allAccounts, getMeta, saveAccounts, setMeta } from "../store/db.js";

const STATUSES = ["active", "at_risk", "inactive", "new", "contacted", "qualified", "lost"];

// The accounts nearest to where the rep stands, from the server when it answers, from the
// device otherwise; positions are watched only while the page is visible.
export class NearView extends LitElement {
  static properties = {
    accounts: { state: true },
    position: { state: true },
    denied: { state: true },
    offline: { state: true },
    filters: { state: true },
  };

  static styles = css`
    :host { display: block; padding: 8px 12px 24px; }
    .bar { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; margin-bottom: 8px; color: var(--muted); font-size: 0.9rem; }
    select, input, button { min-height: 44px; font-size: 1rem; border-radius: 8px; border: 1px solid var(--border); background: var(--card); color: var(--fg); padding: 0 10px; }
    ul { list-style: none; margin: 0; padding: 0; display: grid; gap: 8px; }
    li { background: var(--card); border: 1px solid var(--border); border-radius: 12px; padding: 12px; min-height: 44px; display: grid; grid-template-columns: 1fr auto; gap: 4px 12px; }
    .name { font-weight: 600; color: inherit; text-decoration: none; min-height: 24px; }
    .distance { font-variant-numeric: tabular-nums; font-weight: 600; text-align: right; }
    .meta { color: var(--muted); font-size: 0.85rem; grid-column: 1 / -1; }
    .note { color: var(--muted); }
    .new { margin-left: auto; display: inline-flex; align-items: center; min-height: 44px; padding: 0 12px; border-radius: 8px; background: var(--accent); color: #fff; text-decoration: none; font-weight: 600; }
  `;

  constructor() {
    super();
    this.accounts = [];
    this.filters = { kind: "", status: "" };
    this.watchId = null;
    this.onVisibility = () => (document.visibilityState === "visible" ? this.watch() : this.unwatch());
  }

  connectedCallback() {
    super.connectedCallback();
    document.addEventListener("visibilitychange", this.onVisibility);
    this.showStored();
    this.watch();
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    document.removeEventListener("visibilitychange", this.onVisibility);
    this.unwatch();
  }

  async showStored() {
    const last = await getMeta("position");
    if (last && !this.position) this.position = last;
    if (this.position) this.accounts = this.filtered(nearestFirst(await allAccounts(), this.position.lng, this.position.lat));
  }

  watch() {
    if (!("geolocation" in navigator) || this.watchId !== null) return;
    this.watchId = navigator.geolocation.watchPosition(
      (fix) => this.moved({ lng: fix.coords.longitude, lat: fix.coords.latitude, accuracy: fix.coords.accuracy }),
      (error) => { if (error.code === error.PERMISSION_DENIED) this.denied = true; },
      { enableHighAccuracy: true, maximumAge: 30000, timeout: 15000 },
    );
  }

  unwatch() {
    if (this.watchId !== null) navigator.geolocation.clearWatch(this.watchId);
    this.watchId = null;
  }

  async moved(position) {
    this.position = position;
    this.denied = false;
    await setMeta("position", position);
    await this.refresh();
  }

  filtered(accounts) {
    const { kind, status } = this.filters;
    return accounts.filter((account) => (!kind || account.kind === kind) && (!status || account.status === status));
  }

  async refresh() {
    if (!this.position) return;
    const { lat, lng } = this.position;
    try {
      const page = await api.nearby(lat, lng, this.filters);
      await saveAccounts(page.items);
      this.accounts = page.items;
      this.offline = false;
    } catch (error) {
      if (error.status === 401) return this.dispatchEvent(new CustomEvent("logged-out", { bubbles: true, composed: true }));
      this.offline = true;
      this.accounts = this.filtered(nearestFirst(await allAccounts(), lng, lat)).slice(0, 50);
    }
  }

  searchHere(event) {
    event.preventDefault();
    const data = new FormData(event.target);
    this.moved({ lat: Number(data.get("lat")), lng: Number(data.get("lng")), accuracy: null });
  }

  changeFilter(event) {
    this.filters = { ...this.filters, [event.target.name]: event.target.value };
    this.refresh();
  }

  renderAccount(account) {
    const visit = account.last_visit_at ? t("lastVisit", { when: formatRelativeDate(account.last_visit_at, locale) }) : t("neverVisited");
    return html`<li data-id=${account.id}>
      <a class="name" href="/accounts/${account.id}" data-route>${account.name}</a>
      <span class="distance">${formatDistance(account.distance_m, locale)}</span>
      <span class="meta">${t(account.kind)} · ${t(`account.status.${account.status}`)} · ${visit}</span>
    </li>`;
  }

  render() {
    const accuracy = this.position?.accuracy ? t("accuracy", { m: formatDistance(this.position.accuracy, locale) }) : "";
    return html`
      <div class="bar">
        <select name="kind" @change=${this.changeFilter} aria-label=${t("account.kind")}>
          <option value="">${t("allKinds")}</option>
          <option value="customer">${t("customer")}</option>
          <option value="prospect">${t("prospect")}</option>
        </select>
        <select name="status" @change=${this.changeFilter} aria-label=${t("account.status")}>
          <option value="">${t("account.status")}: ${t("allKinds")}</option>
          ${STATUSES.map((status) => html`<option value=${status}>${t(`account.status.${status}`)}</option>`)}
        </select>
        <span>${this.position ? accuracy : t("locating")}</span>
        <a class="new" href="/accounts/new" data-route>${t("account.new")}</a>
      </div>
      ${this.denied ? html`<form class="bar" @submit=${this.searchHere}>
        <span>${t("locationDenied")}</span>
        <input name="lat" inputmode="decimal" aria-label=${t("latitude")} placeholder=${t("latitude")} required />
        <input name="lng" inputmode="decimal" aria-label=${t("longitude")} placeholder=${t("longitude")} required />
        <button type="submit">${t("searchHere")}</button>
      </form>` : ""}
      ${this.offline ? html`<p class="note" role="status">${t("offline")}</p>` : ""}
      ${this.position && this.accounts.length === 0 ? html`<p class="note">${t("noAccounts")}</p>` : ""}
      <ul>${this.accounts.map((account) => this.renderAccount(account))}</ul>
    `;
  }
}
customElements.define("wp-near", NearView);
