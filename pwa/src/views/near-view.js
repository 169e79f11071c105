import { LitElement, css, html, nothing } from "lit";
import { accounts as accountsApi } from "../api/accounts.js";
import { api } from "../api/client.js";
import { locale, t } from "../i18n.js";
import { nearestFirst } from "../shared/distance.js";
import { formatDistance, formatNumber, formatRelativeDate } from "../shared/format.js";
import { alongRoute, corridorArea, matchesFilters, routeLine } from "../shared/prospects.js";
import { allAccounts, allRows, getMeta, saveAccounts, setMeta } from "../store/db.js";

const STATUSES = ["active", "at_risk", "inactive", "new", "contacted", "qualified", "lost"];
const NOT_VISITED_DAYS = [30, 60, 90, 180, 365];
const CORRIDORS_M = [500, 1000, 2000, 5000];
const ROUTE_LIMIT = 500;

// The accounts nearest to where the rep stands, from the server when it answers, from the
// device otherwise; positions are watched only while the page is visible. Without a position
// (location off, or none to be had, as on many desktops) the user searches for a place or an
// address through the geocoder and picks one of its answers, or types coordinates, which works
// offline; the place chosen is kept like a position until a real one arrives.
// "Not visited in N days" is one more filter (the server's, or the same rule on the device's
// accounts offline). "Along my route" asks the server for the prospects within a distance of the
// line from where the rep stands through today's tasks' accounts, in Today's order, and lists
// them in the order the route passes them; it is an online query and says so when offline.
export class NearView extends LitElement {
  static properties = {
    accounts: { state: true },
    position: { state: true },
    locationError: { state: true }, // "denied" or "unavailable" while there is no fix
    offline: { state: true },
    filters: { state: true },
    places: { state: true }, // the geocoder's answers to the last search, to pick from
    placeStatus: { state: true }, // searching, none, offline, busy or unavailable
    placeQuery: { state: true },
    coordinatesOpen: { state: true },
    mode: { state: true }, // "around" (nearest first) or "route" (along today's route)
    route: { state: true }, // {state: loading|offline|none|failed|done, items, more}
    withinM: { state: true },
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
    .place { display: grid; gap: 8px; margin: 0 0 12px; padding: 12px; background: var(--card); border: 1px solid var(--border); border-radius: 12px; }
    .place p { margin: 0; }
    .search { display: flex; gap: 8px; flex-wrap: wrap; }
    .search input { flex: 1 1 12rem; }
    .places { display: grid; gap: 6px; }
    .places button { text-align: left; width: 100%; padding: 8px 10px; }
    details summary { min-height: 44px; display: flex; align-items: center; cursor: pointer; color: var(--accent); }
    .modes { display: flex; gap: 0; margin-bottom: 8px; }
    .modes button { flex: 1 1 0; border-radius: 0; }
    .modes button:first-child { border-radius: 8px 0 0 8px; }
    .modes button:last-child { border-radius: 0 8px 8px 0; border-left: 0; }
    .modes button[aria-pressed="true"] { background: var(--accent); border-color: var(--accent); color: #fff; font-weight: 600; }
    .new { margin-left: auto; display: inline-flex; align-items: center; min-height: 44px; padding: 0 12px; border-radius: 8px; background: var(--accent); color: #fff; text-decoration: none; font-weight: 600; }
  `;

  constructor() {
    super();
    this.accounts = [];
    this.filters = { kind: "", status: "", not_visited_days: "" };
    this.mode = "around";
    this.route = null;
    this.withinM = 1000;
    this.routeSequence = 0; // an answer to an older route question is dropped
    this.watchId = null;
    this.onVisibility = () => (document.visibilityState === "visible" ? this.watch() : this.unwatch());
    this.onOnline = () => this.mode === "route" && this.route?.state === "offline" && this.searchRoute();
  }

  connectedCallback() {
    super.connectedCallback();
    document.addEventListener("visibilitychange", this.onVisibility);
    window.addEventListener("online", this.onOnline);
    this.showStored();
    this.watch();
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    document.removeEventListener("visibilitychange", this.onVisibility);
    window.removeEventListener("online", this.onOnline);
    this.unwatch();
  }

  async showStored() {
    const last = await getMeta("position");
    if (last && !this.position) this.position = last;
    if (this.position)
      this.accounts = this.filtered(nearestFirst(await allAccounts(), this.position.lng, this.position.lat));
  }

  watch() {
    if (!("geolocation" in navigator)) {
      this.locationError = "unavailable";
      return;
    }
    if (this.watchId !== null) return;
    this.watchId = navigator.geolocation.watchPosition(
      (fix) =>
        this.moved({ lng: fix.coords.longitude, lat: fix.coords.latitude, accuracy: fix.coords.accuracy }),
      // A timeout or no position source (a desktop) is not final: a fix may still come.
      (error) => (this.locationError = error.code === error.PERMISSION_DENIED ? "denied" : "unavailable"),
      { enableHighAccuracy: true, maximumAge: 30000, timeout: 15000 },
    );
  }

  unwatch() {
    if (this.watchId !== null) navigator.geolocation.clearWatch(this.watchId);
    this.watchId = null;
  }

  async moved(position) {
    this.locationError = null;
    await this.searchAround(position);
  }

  async searchAround(position) {
    this.position = position;
    await setMeta("position", position);
    await this.refresh();
  }

  filtered(accounts) {
    return accounts.filter((account) => matchesFilters(account, this.filters));
  }

  async refresh() {
    if (this.mode === "route") {
      // A position arriving may be what the route was missing; otherwise it keeps its start.
      if (!this.route || this.route.state === "none") await this.searchRoute();
      return;
    }
    if (!this.position) return;
    const { lat, lng } = this.position;
    try {
      const page = await api.nearby(lat, lng, this.filters);
      await saveAccounts(page.items);
      this.accounts = page.items;
      this.offline = false;
    } catch (error) {
      if (error.status === 401)
        return this.dispatchEvent(new CustomEvent("logged-out", { bubbles: true, composed: true }));
      this.offline = true;
      this.accounts = this.filtered(nearestFirst(await allAccounts(), lng, lat)).slice(0, 50);
    }
  }

  // Typed coordinates: no network needed (the list comes from the device when offline).
  searchHere(event) {
    event.preventDefault();
    const data = new FormData(event.target);
    this.searchAround({ lat: Number(data.get("lat")), lng: Number(data.get("lng")), accuracy: null });
  }

  // Asked when the user submits, never while typing: geocoders forbid search-as-you-type.
  async searchPlace(event) {
    event.preventDefault();
    const query = String(new FormData(event.target).get("q") ?? "").trim();
    if (!query) return;
    Object.assign(this, { placeQuery: query, places: null });
    if (navigator.onLine === false) return this.placeFailed("offline");
    this.placeStatus = "searching";
    try {
      const { items } = await accountsApi.searchPlaces(query);
      if (query !== this.placeQuery) return; // another search was asked meanwhile
      Object.assign(this, { places: items, placeStatus: items.length ? null : "none" });
    } catch (error) {
      if (error.status === 401)
        return this.dispatchEvent(new CustomEvent("logged-out", { bubbles: true, composed: true }));
      if (!error.status) return this.placeFailed("offline");
      this.placeFailed(error.code === "geocoder_busy" ? "busy" : "unavailable");
    }
  }

  // Offline or with the geocoder down, the coordinates are the way left: show them.
  placeFailed(status) {
    this.placeStatus = status;
    if (status !== "busy") this.coordinatesOpen = true;
  }

  pick(place) {
    const [lng, lat] = place.location.coordinates;
    Object.assign(this, { places: null, placeStatus: null });
    this.searchAround({ lat, lng, accuracy: null, label: place.address });
  }

  changeFilter(event) {
    this.filters = { ...this.filters, [event.target.name]: event.target.value };
    if (this.mode === "route") this.searchRoute();
    else this.refresh();
  }

  changeWithin(event) {
    this.withinM = Number(event.target.value);
    this.searchRoute();
  }

  showMode(mode) {
    if (mode === this.mode) return;
    this.mode = mode;
    if (mode === "route") this.searchRoute();
    else this.refresh();
  }

  // The prospects along the line from here through today's tasks' accounts (the device's tasks
  // and accounts: the route is known offline, the prospects along it are the server's answer).
  async searchRoute() {
    const sequence = ++this.routeSequence;
    const [tasks, accounts, user] = await Promise.all([allRows("tasks"), allAccounts(), getMeta("user")]);
    const line = routeLine(
      this.position,
      tasks,
      new Map(accounts.map((account) => [account.id, account])),
      user?.id,
    );
    if (sequence !== this.routeSequence) return;
    if (!line) return (this.route = { state: "none" });
    if (navigator.onLine === false) return (this.route = { state: "offline" });
    this.route = { state: "loading" };
    const filters = { kind: "prospect" };
    if (this.filters.not_visited_days) filters.not_visited_days = Number(this.filters.not_visited_days);
    try {
      const page = await accountsApi.search(corridorArea(line, this.withinM), filters, ROUTE_LIMIT);
      if (sequence !== this.routeSequence) return;
      this.route = { state: "done", items: alongRoute(line, page.items), more: Boolean(page.next_cursor) };
      saveAccounts(page.items).catch(() => {}); // to open offline; a full store must not fail the list
    } catch (error) {
      if (sequence !== this.routeSequence) return;
      if (error.status === 401)
        return this.dispatchEvent(new CustomEvent("logged-out", { bubbles: true, composed: true }));
      this.route = { state: error.status ? "failed" : "offline" };
    }
  }

  renderAccount(account) {
    const visit = account.last_visit_at
      ? t("lastVisit", { when: formatRelativeDate(account.last_visit_at, locale) })
      : t("neverVisited");
    return html`<li data-id=${account.id}>
      <a class="name" href="/accounts/${account.id}" data-route>${account.name}</a>
      <span class="distance">${formatDistance(account.distance_m, locale)}</span>
      <span class="meta">${t(account.kind)} · ${t(`account.status.${account.status}`)} · ${visit}</span>
    </li>`;
  }

  // A prospect along the route: how far off the route it is, its address and last visit.
  renderAlong(account) {
    const visit = account.last_visit_at
      ? t("lastVisit", { when: formatRelativeDate(account.last_visit_at, locale) })
      : t("neverVisited");
    return html`<li data-id=${account.id}>
      <a class="name" href="/accounts/${account.id}" data-route>${account.name}</a>
      <span class="distance off-route">${t("near.offRoute", { distance: formatDistance(account.off_m, locale) })}</span>
      <span class="meta">${account.address ? html`${account.address} · ` : nothing}${visit}</span>
    </li>`;
  }

  renderRoute() {
    const route = this.route;
    if (!route) return nothing;
    if (route.state !== "done") {
      const key = {
        loading: "near.routeLoading",
        offline: "near.routeOffline",
        none: "near.noRoute",
        failed: "near.routeFailed",
      }[route.state];
      return html`<p class="note route-status ${route.state}" role="status">${t(key)}</p>`;
    }
    const distance = formatDistance(this.withinM, locale);
    return html`<p class="note route-status done" role="status">
        ${route.items.length ? t("near.routeSummary", { distance, count: formatNumber(route.items.length, locale) }) : t("near.routeNone")}
        ${route.more ? t("near.routeMore", { count: formatNumber(route.items.length, locale) }) : nothing}
      </p>
      <ul class="along">${route.items.map((account) => this.renderAlong(account))}</ul>`;
  }

  renderModes() {
    const button = (mode, key) =>
      html`<button type="button" class="mode ${mode}" aria-pressed=${this.mode === mode ? "true" : "false"} @click=${() => this.showMode(mode)}>${t(key)}</button>`;
    return html`<div class="modes" role="group" aria-label=${t("near.mode")}>${button("around", "near.around")}${button("route", "near.route")}</div>`;
  }

  renderNotVisited() {
    const chosen = String(this.filters.not_visited_days ?? "");
    return html`<select name="not_visited_days" @change=${this.changeFilter} aria-label=${t("near.notVisited")}>
      <option value="" ?selected=${chosen === ""}>${t("near.anyTime")}</option>
      ${NOT_VISITED_DAYS.map((days) => html`<option value=${days} ?selected=${chosen === String(days)}>${t("near.notVisited")} ${t("near.days", { n: days })}</option>`)}
    </select>`;
  }

  where() {
    if (!this.position) return this.locationError ? "" : t("locating");
    if (this.position.label) return t("place.around", { place: this.position.label });
    return this.position.accuracy ? t("accuracy", { m: formatDistance(this.position.accuracy, locale) }) : "";
  }

  renderPlaceSearch() {
    const status = this.placeStatus;
    const message =
      status === "none" ? t("place.none", { q: this.placeQuery }) : status ? t(`place.${status}`) : "";
    return html`<section class="place" aria-labelledby="place-why">
      <p id="place-why">${t(this.locationError === "denied" ? "locationDenied" : "place.noPosition")}</p>
      <form class="search" role="search" @submit=${this.searchPlace}>
        <input type="search" name="q" maxlength="200" required autocomplete="off" aria-label=${t("place.query")} placeholder=${t("place.query")} />
        <button type="submit">${t("place.search")}</button>
      </form>
      <p class="place-status note" role="status">${message}</p>
      ${
        this.places?.length
          ? html`<div class="places" role="list" aria-label=${t("place.results")}>
            ${this.places.map((place) => html`<div role="listitem"><button type="button" class="pick" @click=${() => this.pick(place)}>${place.address}</button></div>`)}
          </div>`
          : nothing
      }
      <details class="coordinates" ?open=${this.coordinatesOpen} @toggle=${(event) => (this.coordinatesOpen = event.target.open)}>
        <summary>${t("place.coordinates")}</summary>
        <form class="search" @submit=${this.searchHere}>
          <input name="lat" type="number" step="any" min="-90" max="90" inputmode="decimal" aria-label=${t("latitude")} placeholder=${t("latitude")} required />
          <input name="lng" type="number" step="any" min="-180" max="180" inputmode="decimal" aria-label=${t("longitude")} placeholder=${t("longitude")} required />
          <button type="submit">${t("searchHere")}</button>
        </form>
      </details>
    </section>`;
  }

  render() {
    const around = this.mode === "around";
    return html`
      ${this.renderModes()}
      <div class="bar">
        ${
          around
            ? html`<select name="kind" @change=${this.changeFilter} aria-label=${t("account.kind")}>
                <option value="" ?selected=${!this.filters.kind}>${t("allKinds")}</option>
                <option value="customer" ?selected=${this.filters.kind === "customer"}>${t("customer")}</option>
                <option value="prospect" ?selected=${this.filters.kind === "prospect"}>${t("prospect")}</option>
              </select>
              <select name="status" @change=${this.changeFilter} aria-label=${t("account.status")}>
                <option value="" ?selected=${!this.filters.status}>${t("account.status")}: ${t("allKinds")}</option>
                ${STATUSES.map((status) => html`<option value=${status} ?selected=${this.filters.status === status}>${t(`account.status.${status}`)}</option>`)}
              </select>`
            : html`<select name="within_m" @change=${this.changeWithin} aria-label=${t("near.within")}>
              ${CORRIDORS_M.map((metres) => html`<option value=${metres} ?selected=${metres === this.withinM}>${formatDistance(metres, locale)}</option>`)}
            </select>`
        }
        ${this.renderNotVisited()}
        <span class="where">${this.where()}</span>
        <a class="new" href="/accounts/new" data-route>${t("account.new")}</a>
      </div>
      ${this.locationError ? this.renderPlaceSearch() : nothing}
      ${around ? this.renderAround() : this.renderRoute()}
    `;
  }

  renderAround() {
    return html`
      ${this.offline ? html`<p class="note" role="status">${t("offline")}</p>` : ""}
      ${this.position && this.accounts.length === 0 ? html`<p class="note">${t("noAccounts")}</p>` : ""}
      <ul class="nearby">${this.accounts.map((account) => this.renderAccount(account))}</ul>`;
  }
}
customElements.define("wp-near", NearView);
