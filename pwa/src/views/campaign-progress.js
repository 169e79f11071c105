// A launched campaign: its targets on a map by state (to visit / visited / converted, each with
// its own glyph as well as its colour, and a legend saying so), the totals and each rep's
// progress (GET .../stats), the visit outcomes, "refresh audience" (the difference first, GET
// .../refresh, then adding the new accounts, POST), the CSV export and "mark done". While the
// launch job runs it shows how far it got; task events keep the figures live.
import { LitElement, css, html, nothing, unsafeCSS } from "lit";
import L from "leaflet";
import { campaigns } from "../api/campaigns.js";
import { LANGUAGE_EVENT, addStrings, locale, t } from "../i18n.js";
import strings from "../locales/campaigns.js";
import {
  TARGET_STATES,
  countByState,
  formatDay,
  launching,
  repRows,
  targetLook,
  totals,
} from "../shared/campaigns.js";
import { formatNumber } from "../shared/format.js";
import { REALTIME_EVENT } from "../sync/index.js";
import { Listen, debounced } from "./listen.js";
import { MapController, TOUCH, WORLD, mapStyles } from "./map-base.js";
import { screenStyles } from "./styles.js";

addStrings(strings);

const LIVE_EVENTS = new Set(["connect", "sync.poke", "task.created", "task.updated", "task.deleted"]);
const DEBOUNCE_MS = 500;
const LAUNCH_POLL_MS = 1500;
const SHOWN_NAMES = 10;
// Up to this many targets each is a marker with its glyph (an element each); above it they are
// dots drawn on one canvas, their state told by colour, size and fill (hollow: to visit), so a
// campaign of thousands of accounts pans as smoothly as a small one.
const MARKERS_UP_TO = 400;
const DOT_RADIUS = Object.freeze({ to_visit: 5, visited: 5, converted: 7 });

const number = (n) => formatNumber(n ?? 0, locale);

function targetIcon(state) {
  const look = targetLook(state);
  const mark = document.createElement("span");
  mark.className = `mark ${TARGET_STATES[state] ? state : "to_visit"}`;
  mark.textContent = look.glyph;
  return L.divIcon({ html: mark, className: "wp-target", iconSize: [TOUCH, TOUCH] });
}

function targetDot(latLng, state, renderer) {
  const known = TARGET_STATES[state] ? state : "to_visit";
  const colour = TARGET_STATES[known].colour;
  return L.circleMarker(latLng, {
    renderer,
    radius: DOT_RADIUS[known],
    color: colour,
    weight: 2,
    fillColor: colour,
    fillOpacity: known === "to_visit" ? 0 : 0.9,
    className: `wp-target-dot ${known}`,
  });
}

export class CampaignProgress extends LitElement {
  static properties = {
    campaign: { attribute: false },
    stats: { state: true },
    targets: { state: true },
    diff: { state: true },
    message: { state: true },
    busy: { state: true },
  };

  static styles = [
    screenStyles,
    ...mapStyles,
    css`
      :host { max-width: 1280px; }
      .layout { display: grid; gap: 16px; }
      @media (min-width: 900px) {
        .layout { grid-template-columns: minmax(0, 1fr) minmax(320px, 420px); align-items: start; }
      }
      .map { height: 360px; border-radius: 12px; border: 1px solid var(--border); overflow: hidden; }
      @media (min-width: 900px) {
        .map { height: min(68vh, 640px); }
      }
      .meta { color: var(--muted); margin: 0; }
      .talking { white-space: pre-line; margin: 0 0 12px; }
      ul.legend { list-style: none; padding: 0; margin: 8px 0; display: flex; flex-wrap: wrap; gap: 8px 16px; }
      ul.legend li { display: flex; align-items: center; gap: 6px; }
      .mark { display: inline-grid; place-items: center; width: 24px; height: 24px; border-radius: 50%; border: 2px solid #fff; color: #fff; font-size: 14px; font-weight: 700; line-height: 1; box-shadow: 0 1px 4px rgb(0 0 0 / 0.5); }
      .mark.to_visit {
        background: ${unsafeCSS(TARGET_STATES.to_visit.colour)};
      }
      .mark.visited {
        background: ${unsafeCSS(TARGET_STATES.visited.colour)};
      }
      .mark.converted {
        background: ${unsafeCSS(TARGET_STATES.converted.colour)};
      }
      .wp-target { display: grid; place-items: center; }
      dl { display: grid; grid-template-columns: auto 1fr; gap: 4px 12px; margin: 0; }
      dt { color: var(--muted); }
      dd { margin: 0; font-weight: 600; font-variant-numeric: tabular-nums; }
      table { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; }
      caption { text-align: left; font-weight: 600; color: var(--muted); padding: 8px 0; }
      th, td { text-align: right; padding: 8px 6px; border-bottom: 1px solid var(--border); }
      th:first-child, td:first-child { text-align: left; overflow-wrap: anywhere; }
      progress { width: 100%; height: 8px; }
      .diff ul { margin: 4px 0; padding-left: 20px; }
    `,
  ];

  constructor() {
    super();
    this.campaign = null;
    this.stats = null;
    this.targets = [];
    this.diff = null;
    this.soon = debounced(() => this.loadFigures(), DEBOUNCE_MS);
    this.base = new MapController(this, { ready: (map) => this.setUpMap(map) });
    new Listen(this, [
      [window, REALTIME_EVENT, (event) => LIVE_EVENTS.has(event.detail.type) && this.soon()],
      [window, LANGUAGE_EVENT, () => this.requestUpdate()],
    ]);
  }

  /** The Leaflet map while the view is in the page, else null. */
  get map() {
    return this.base.map;
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    this.soon.cancel();
    clearTimeout(this.poll);
  }

  willUpdate(changed) {
    if (changed.has("campaign") && this.campaign?.id !== this.shownId) {
      this.shownId = this.campaign?.id;
      Object.assign(this, { stats: null, targets: [], diff: null, message: null });
      this.loadFigures();
      this.followLaunch();
    }
  }

  setUpMap(map) {
    this.targetLayer = L.featureGroup().addTo(map);
    this.dotRenderer = L.canvas({ padding: 0.5 });
    map.setView(WORLD.center, WORLD.zoom);
    this.drawTargets(true);
  }

  async loadFigures() {
    const id = this.campaign?.id;
    if (!id) return;
    try {
      const [stats, targets] = await Promise.all([campaigns.stats(id), campaigns.targets(id)]);
      if (id !== this.campaign?.id) return;
      const first = this.targets.length === 0;
      Object.assign(this, { stats, targets });
      this.drawTargets(first);
    } catch (error) {
      this.failedWith(error, "campaign.failed");
    }
  }

  // While the launch job creates the tasks, ask how far it got.
  followLaunch() {
    clearTimeout(this.poll);
    if (!launching(this.campaign)) return;
    const id = this.campaign.id;
    this.poll = setTimeout(async () => {
      try {
        const campaign = await campaigns.get(id);
        if (id !== this.campaign?.id) return;
        this.campaign = campaign;
        this.shownId = campaign.id; // the same campaign: keep what is shown
        this.soon();
        this.followLaunch();
      } catch {
        this.followLaunch();
      }
    }, LAUNCH_POLL_MS);
  }

  drawTargets(fit) {
    const layer = this.targetLayer;
    if (!layer) return;
    layer.clearLayers();
    const asDots = this.targets.length > MARKERS_UP_TO;
    for (const target of this.targets) {
      const coordinates = target.account?.location?.coordinates;
      if (!coordinates) continue;
      const [lng, lat] = coordinates;
      const title = `${target.account.name} — ${t(targetLook(target.state).label)}`;
      const mark = asDots
        ? targetDot([lat, lng], target.state, this.dotRenderer).bindTooltip(title)
        : L.marker([lat, lng], { icon: targetIcon(target.state), title, alt: title, keyboard: false });
      mark.addTo(layer);
    }
    if (fit && layer.getLayers().length)
      this.map.fitBounds(layer.getBounds(), { padding: [TOUCH, TOUCH], maxZoom: 16 });
  }

  async checkRefresh() {
    this.diff = "checking";
    try {
      this.diff = await campaigns.refreshDiff(this.campaign.id);
    } catch (error) {
      this.diff = null;
      this.failedWith(error, "campaign.refreshFailed");
    }
  }

  async applyRefresh() {
    this.busy = true;
    try {
      await campaigns.refresh(this.campaign.id);
      Object.assign(this, { diff: null, message: { kind: "saved", text: t("campaign.refreshDone") } });
      const campaign = await campaigns.get(this.campaign.id).catch(() => null);
      if (campaign) Object.assign(this, { campaign, shownId: campaign.id });
      this.followLaunch();
      await this.loadFigures();
    } catch (error) {
      this.failedWith(error, "campaign.refreshFailed");
    } finally {
      this.busy = false;
    }
  }

  async markDone() {
    this.busy = true;
    try {
      const campaign = await campaigns.update(this.campaign.id, {
        status: "done",
        version: this.campaign.version,
      });
      Object.assign(this, { campaign, shownId: campaign.id });
    } catch (error) {
      this.failedWith(error, "campaign.saveFailed");
    } finally {
      this.busy = false;
    }
  }

  failedWith(error, key) {
    if (error.status === 401)
      return this.dispatchEvent(new CustomEvent("logged-out", { bubbles: true, composed: true }));
    this.message = { kind: "error", text: t(key, { message: error.message }) };
  }

  render() {
    const campaign = this.campaign;
    if (!campaign) return nothing;
    const from = formatDay(campaign.starts_on, locale);
    const to = formatDay(campaign.ends_on, locale);
    const dates = from || to ? ` · ${t("campaigns.dates", { from, to })}` : "";
    return html`<a class="back" href="/campaigns" data-route>${t("campaign.back")}</a>
      <h1>${campaign.name}</h1>
      <p class="meta"><span class="status" data-status=${campaign.status}>${t(`campaign.status.${campaign.status}`)}</span>${dates}</p>
      ${this.renderLaunchState()} ${this.renderTalkingPoints()}
      <div class="row actions">
        ${campaign.status === "launched" ? html`<button type="button" class="refresh" ?disabled=${this.busy || this.diff === "checking"} @click=${this.checkRefresh}>${t("campaign.refresh")}</button>` : nothing}
        <a class="button export" href=${campaigns.csvHref(campaign.id)} download>${t("campaign.export")}</a>
        ${campaign.status === "launched" ? html`<button type="button" class="mark-done" ?disabled=${this.busy} @click=${this.markDone}>${t("campaign.markDone")}</button>` : nothing}
      </div>
      ${this.message ? html`<p class="message ${this.message.kind}" role="status">${this.message.text}</p>` : nothing} ${this.renderDiff()}
      <div class="layout">
        <section class="where">
          <div class="map" role="region" aria-label=${t("campaign.progressMap")}></div>
          ${this.base.noTiles ? html`<p class="note">${t("mapNoTiles")}</p>` : nothing} ${this.renderLegend()}
        </section>
        <section class="figures">${this.renderTotals()} ${this.renderReps()} ${this.renderOutcomes()}</section>
      </div>`;
  }

  renderTalkingPoints() {
    const text = this.campaign.talking_points;
    return text ? html`<h2>${t("campaign.talkingPoints")}</h2><p class="talking">${text}</p>` : nothing;
  }

  renderLaunchState() {
    const launch = this.campaign.launch;
    if (!launch) return nothing;
    if (launch.state === "queued")
      return html`<p class="note launch-state" role="status">${t("campaign.launchQueued")}</p>`;
    if (launch.state === "running") {
      return html`<p class="note launch-state" role="status">
        ${t("campaign.launching", { created: number(launch.created), total: number(launch.total) })}
        <progress max=${launch.total || 1} .value=${launch.created ?? 0}></progress>
      </p>`;
    }
    return html`<p class="note launch-state" role="status">${t("campaign.launched", { created: number(launch.created) })}</p>`;
  }

  renderDiff() {
    if (this.diff === "checking")
      return html`<p class="note diff" role="status">${t("campaign.refreshChecking")}</p>`;
    if (!this.diff) return nothing;
    const { added = [], removed = [] } = this.diff;
    // The lists are the first accounts of each (by name); the counts are whole.
    const addedCount = this.diff.added_count ?? added.length;
    const removedCount = this.diff.removed_count ?? removed.length;
    if (!addedCount && !removedCount)
      return html`<p class="note diff" role="status">${t("campaign.refreshNone")}</p>`;
    const names = (accounts, total) =>
      html`<ul>
        ${accounts.slice(0, SHOWN_NAMES).map((account) => html`<li>${account.name}</li>`)}${total > SHOWN_NAMES ? html`<li>…</li>` : nothing}
      </ul>`;
    return html`<div class="card diff" role="status">
      <p class="added" data-count=${addedCount}>${t("campaign.refreshAdded", { count: number(addedCount) })}</p>
      ${added.length ? names(added, addedCount) : nothing}
      <p class="removed" data-count=${removedCount}>${t("campaign.refreshRemoved", { count: number(removedCount) })}</p>
      ${removed.length ? names(removed, removedCount) : nothing}
      ${addedCount ? html`<div class="row"><button type="button" class="primary add-new" ?disabled=${this.busy} @click=${this.applyRefresh}>${t("campaign.refreshAdd")}</button></div>` : nothing}
    </div>`;
  }

  renderLegend() {
    const counts = countByState(this.targets);
    return html`<ul class="legend" aria-label=${t("campaign.legend")}>
      ${Object.entries(TARGET_STATES).map(
        ([state, look]) =>
          html`<li data-state=${state}>
            <span class="mark ${state}" aria-hidden="true">${look.glyph}</span>${t(look.label)}: <strong>${number(counts[state])}</strong>
          </li>`,
      )}
    </ul>`;
  }

  renderTotals() {
    if (!this.stats) return html`<p class="note loading">${t("campaigns.loading")}</p>`;
    const sums = totals(this.stats);
    const share = (value, percent) => t("campaign.share", { value: number(value), percent });
    return html`<h2>${t("campaign.totals")}</h2>
      <dl class="totals">
        <dt>${t("campaign.targets")}</dt>
        <dd data-count="targets">${number(sums.targets)}</dd>
        <dt>${t("campaign.visited")}</dt>
        <dd data-count="visited">${share(sums.visited, sums.visitedPercent)}</dd>
        <dt>${t("campaign.converted")}</dt>
        <dd data-count="converted">${share(sums.converted, sums.convertedPercent)}</dd>
      </dl>`;
  }

  renderReps() {
    if (!this.stats) return nothing;
    const rows = repRows(this.stats);
    if (!rows.length) return html`<p class="note">${t("campaign.noTargets")}</p>`;
    return html`<table class="reps">
      <caption>${t("campaign.byRep")}</caption>
      <thead>
        <tr>
          <th scope="col">${t("campaign.rep")}</th>
          <th scope="col">${t("campaign.targets")}</th>
          <th scope="col">${t("campaign.visited")}</th>
          <th scope="col">${t("campaign.converted")}</th>
        </tr>
      </thead>
      <tbody>
        ${rows.map(
          (row) =>
            html`<tr data-id=${row.user_id ?? ""}>
              <th scope="row">${row.name || t("campaign.unassigned")}</th>
              <td>${number(row.targets)}</td>
              <td>${t("campaign.share", { value: number(row.visited), percent: row.visitedPercent })}</td>
              <td>${t("campaign.share", { value: number(row.converted), percent: row.convertedPercent })}</td>
            </tr>`,
        )}
      </tbody>
    </table>`;
  }

  renderOutcomes() {
    const outcomes = Object.entries(this.stats?.outcomes ?? {}).filter(([, n]) => n > 0);
    if (!outcomes.length) return nothing;
    return html`<h2>${t("campaign.outcomes")}</h2>
      <dl class="outcomes">
        ${outcomes.map(
          ([outcome, n]) =>
            html`<dt>${t(`visit.outcome.${outcome}`)}</dt>
              <dd data-outcome=${outcome}>${number(n)}</dd>`,
        )}
      </dl>`;
  }
}
customElements.define("wp-campaign-progress", CampaignProgress);
