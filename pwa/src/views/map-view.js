// The Map screen: the accounts of the viewport (server clusters when the server says the view
// holds too many, client clustering otherwise), the rep's position while the page is visible,
// and a card for a tapped account. Loaded only when /map opens: Leaflet is the app's heaviest code.
import { LitElement, css, html, unsafeCSS } from "lit";
import L from "leaflet";
import "leaflet.markercluster";
// The cluster plugin's CSS, like Leaflet's (map-base.js), lives in this element's shadow root.
import clusterCss from "leaflet.markercluster/dist/MarkerCluster.css?inline";
import { viewport } from "../api/map.js";
import { locale, t } from "../i18n.js";
import { distanceMetres } from "../shared/distance.js";
import { formatDistance } from "../shared/format.js";
import { allAccounts, getMeta, saveAccounts, setMeta } from "../store/db.js";
import { MapController, PositionMarker, PositionWatch, TOUCH, WORLD, mapStyles } from "./map-base.js";

const STREET_ZOOM = 15;
const CROSSHAIR = html`<svg viewBox="0 0 24 24" aria-hidden="true"><circle cx="12" cy="12" r="7"/><circle cx="12" cy="12" r="2"/><path d="M12 1v4M12 19v4M1 12h4M19 12h4"/></svg>`;
const count = (n) => new Intl.NumberFormat(locale).format(n);

function element(tag, className, text = "") {
  const node = document.createElement(tag);
  node.className = className;
  node.textContent = text;
  return node;
}

// Icons are built from DOM nodes, never HTML strings, so names can't inject markup.
function pinIcon(account) {
  return L.divIcon({
    html: element("span", `dot ${account.kind}`),
    className: "wp-pin",
    iconSize: [TOUCH, TOUCH],
  });
}

function clusterIcon(members, source) {
  const size = members < 100 ? TOUCH : members < 1000 ? 52 : 60;
  const label = element("span", "count", count(members));
  return L.divIcon({ html: label, className: `wp-cluster ${source}`, iconSize: [size, size] });
}

function latLngOf(account) {
  const [lng, lat] = account.location.coordinates;
  return [lat, lng];
}

export class MapView extends LitElement {
  static properties = {
    selected: { state: true },
    position: { state: true },
    offline: { state: true },
    failed: { state: true },
  };

  static styles = [
    ...mapStyles,
    unsafeCSS(clusterCss),
    css`
      :host { display: block; position: relative; height: calc(100dvh - 48px - env(safe-area-inset-top) - env(safe-area-inset-bottom)); min-height: 320px; }
      .map { position: absolute; inset: 0; }
      .wp-pin { display: grid; place-items: center; }
      .wp-pin .dot { width: 16px; height: 16px; border-radius: 50%; border: 3px solid #fff; background: #0b5fff; box-shadow: 0 1px 4px rgb(0 0 0 / 0.5); }
      .wp-pin .dot.prospect { background: #c25e00; }
      .wp-cluster { display: grid; place-items: center; border-radius: 50%; background: rgb(11 95 255 / 0.3); }
      .wp-cluster.server { background: rgb(90 40 170 / 0.3); }
      .wp-cluster .count { display: grid; place-items: center; width: calc(100% - 8px); height: calc(100% - 8px); border-radius: 50%; background: #0b5fff; color: #fff; font-weight: 700; font-size: 0.9rem; }
      .wp-cluster.server .count { background: #5a28aa; }
      .overlay { position: absolute; z-index: 1000; }
      .locate { top: 10px; right: 10px; width: ${TOUCH}px; height: ${TOUCH}px; display: grid; place-items: center; padding: 0; border-radius: 8px; border: 1px solid var(--border); background: var(--card); color: var(--fg); }
      .locate svg { width: 24px; height: 24px; fill: none; stroke: currentColor; stroke-width: 2; }
      .note { top: 10px; left: 64px; right: 64px; margin: 0; padding: 8px 10px; border-radius: 8px; background: var(--card); color: var(--fg); border: 1px solid var(--border); font-size: 0.9rem; }
      .card { left: 8px; right: 8px; bottom: 48px; max-width: 420px; margin: 0 auto; padding: 12px 56px 12px 14px; box-sizing: border-box; border-radius: 12px; background: var(--card); color: var(--fg); border: 1px solid var(--border); box-shadow: 0 4px 16px rgb(0 0 0 / 0.3); }
      .card h2 { margin: 0 0 4px; font-size: 1.1rem; overflow-wrap: anywhere; }
      .card .meta { margin: 0 0 10px; color: var(--muted); font-size: 0.9rem; }
      .card .open { display: inline-flex; align-items: center; min-height: ${TOUCH}px; padding: 0 16px; border-radius: 8px; background: var(--accent); color: #fff; text-decoration: none; font-weight: 600; }
      .card .close { position: absolute; top: 4px; right: 4px; width: ${TOUCH}px; height: ${TOUCH}px; border: 0; border-radius: 8px; background: transparent; color: inherit; font-size: 1.4rem; }
      @media (prefers-color-scheme: dark) {
        .wp-pin .dot { border-color: #1a1d23; }
      }
    `,
  ];

  constructor() {
    super();
    this.markers = new Map(); // account id -> marker in the client cluster group
    this.sequence = 0; // answers to older viewports are dropped
    this.recentre = true; // the first fix centres the map unless it is already in view
    this.base = new MapController(this, {
      ready: (map) => this.setUp(map),
      removed: () => this.markers.clear(),
    });
    this.geolocation = new PositionWatch(this, (position) => this.moved(position));
    this.onResize = () => this.fitHeight();
  }

  /** The Leaflet map while the view is in the page, else null. */
  get map() {
    return this.base.map;
  }

  connectedCallback() {
    super.connectedCallback();
    window.addEventListener("resize", this.onResize);
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    window.removeEventListener("resize", this.onResize);
  }

  firstUpdated() {
    this.fitHeight();
  }

  // The map fills the screen below the header, whose height changes with the width and the
  // language; the stylesheet's estimate holds until this measures it. (CSSOM, not a style
  // attribute, so the CSP allows it.)
  fitHeight() {
    const bottomInset = parseFloat(getComputedStyle(document.body).paddingBottom) || 0;
    const top = this.getBoundingClientRect().top + window.scrollY;
    this.style.height = `${Math.max(320, Math.floor(window.innerHeight - top - bottomInset))}px`;
    this.map?.invalidateSize();
  }

  async setUp(map) {
    this.me = new PositionMarker(map);
    this.serverLayer = L.layerGroup().addTo(map);
    this.clientLayer = L.markerClusterGroup({
      showCoverageOnHover: false,
      maxClusterRadius: 60,
      disableClusteringAtZoom: 18,
      iconCreateFunction: (cluster) => clusterIcon(cluster.getChildCount(), "client"),
    }).addTo(map);
    map.on("moveend", () => this.refresh());
    map.on("click", () => (this.selected = null));
    const last = await getMeta("position");
    if (!this.base.current(map)) return;
    if (last) this.showPosition(last);
    map.setView(last ? [last.lat, last.lng] : WORLD.center, last ? STREET_ZOOM : WORLD.zoom);
    this.geolocation.watch();
  }

  async refresh() {
    const map = this.map;
    if (!map) return;
    const sequence = ++this.sequence;
    const box = map.getBounds();
    const bounds = { west: box.getWest(), south: box.getSouth(), east: box.getEast(), north: box.getNorth() };
    try {
      const answer = await viewport(bounds, map.getZoom());
      if (sequence !== this.sequence || this.map !== map) return;
      this.offline = this.failed = false;
      if (answer.clusters.length > 0) this.showServerClusters(answer.clusters);
      else this.showAccounts(answer.items);
      // Kept for offline use; a full or blocked IndexedDB must not look like a lost network.
      if (answer.items.length > 0) saveAccounts(answer.items).catch(() => {});
    } catch (error) {
      if (sequence !== this.sequence || this.map !== map) return;
      this.failedWith(error);
    }
  }

  async failedWith(error) {
    if (error.status === 401) {
      this.dispatchEvent(new CustomEvent("logged-out", { bubbles: true, composed: true }));
    } else if (error.status) {
      this.failed = true;
    } else {
      // No answer at all: offline. Show every account this device has seen; the cluster group
      // keeps thousands of them cheap to draw.
      this.offline = true;
      const stored = (await allAccounts()).filter((account) => account.location);
      if (this.map) this.showAccounts(stored);
    }
  }

  showServerClusters(clusters) {
    this.clientLayer.clearLayers();
    this.markers.clear();
    this.serverLayer.clearLayers();
    for (const cluster of clusters) {
      const [lng, lat] = cluster.location.coordinates;
      const title = t("mapCluster", { count: count(cluster.count) });
      L.marker([lat, lng], { icon: clusterIcon(cluster.count, "server"), title, alt: title, keyboard: true })
        .on("click", () => this.zoomInto(cluster))
        .addTo(this.serverLayer);
    }
  }

  zoomInto(cluster) {
    const [west, south, east, north] = cluster.bbox;
    const [lng, lat] = cluster.location.coordinates;
    if (east - west < 1e-7 && north - south < 1e-7) this.map.setView([lat, lng], this.map.getZoom() + 2);
    else
      this.map.fitBounds(
        [
          [south, west],
          [north, east],
        ],
        { padding: [TOUCH, TOUCH], maxZoom: 18 },
      );
  }

  // Only the difference goes to the cluster group: panning keeps the markers already drawn.
  showAccounts(accounts) {
    this.serverLayer.clearLayers();
    const wanted = new Map(accounts.map((account) => [account.id, account]));
    const gone = [...this.markers].filter(([id]) => !wanted.has(id));
    this.clientLayer.removeLayers(gone.map(([, marker]) => marker));
    for (const [id] of gone) this.markers.delete(id);
    const added = [];
    for (const account of accounts) {
      const known = this.markers.get(account.id);
      if (known) known.account = account;
      else added.push(this.markerFor(account));
    }
    this.clientLayer.addLayers(added);
  }

  markerFor(account) {
    const marker = L.marker(latLngOf(account), {
      icon: pinIcon(account),
      title: account.name,
      alt: account.name,
      keyboard: true,
    });
    marker.account = account;
    marker.on("click", () => (this.selected = marker.account));
    this.markers.set(account.id, marker);
    return marker;
  }

  async moved(position) {
    if (!this.map) return;
    this.showPosition(position);
    if (this.recentre) {
      this.recentre = false;
      const here = L.latLng(position.lat, position.lng);
      if (this.map.getZoom() < 10 || !this.map.getBounds().contains(here))
        this.map.setView(here, STREET_ZOOM);
    }
    await setMeta("position", position);
  }

  showPosition(position) {
    this.position = position;
    this.me.show(position);
  }

  locateMe() {
    if (this.position)
      this.map.setView([this.position.lat, this.position.lng], Math.max(this.map.getZoom(), STREET_ZOOM));
    else this.geolocation.watch();
  }

  renderCard(account) {
    const [lat, lng] = latLngOf(account);
    const distance = this.position
      ? formatDistance(distanceMetres(this.position.lng, this.position.lat, lng, lat), locale)
      : "";
    return html`<article class="overlay card" aria-label=${account.name} data-id=${account.id}>
      <button class="close" @click=${() => (this.selected = null)} aria-label=${t("mapClose")}>×</button>
      <h2>${account.name}</h2>
      <p class="meta">${t(account.kind)} · ${account.status}${distance ? html` · <span class="distance">${t("mapAway", { distance })}</span>` : ""}</p>
      <a class="open" href="/accounts/${account.id}" data-route>${t("mapOpenAccount")}</a>
    </article>`;
  }

  render() {
    const note = this.offline
      ? t("mapOffline")
      : this.failed
        ? t("mapError")
        : this.base.noTiles
          ? t("mapNoTiles")
          : "";
    return html`<div class="map" role="region" aria-label=${t("mapLabel")}></div>
      <button class="overlay locate" @click=${this.locateMe} aria-label=${t("mapLocateMe")} title=${t("mapLocateMe")}>${CROSSHAIR}</button>
      ${note ? html`<p class="overlay note" role="status">${note}</p>` : ""}
      ${this.selected ? this.renderCard(this.selected) : ""}`;
  }
}
customElements.define("wp-map", MapView);
