// Campaigns: every campaign the manager may see, newest first, with its status, its dates and,
// once launched, its targets, visited and converted counts (GET /campaigns/{id}/stats, a few at
// a time). Online only; offline it says so.
import { LitElement, css, html, nothing } from "lit";
import { campaigns } from "../api/campaigns.js";
import { LANGUAGE_EVENT, addStrings, locale, t } from "../i18n.js";
import strings from "../locales/campaigns.js";
import { formatDay } from "../shared/campaigns.js";
import { formatNumber } from "../shared/format.js";
import { Listen } from "./listen.js";
import { screenStyles } from "./styles.js";

addStrings(strings);

const STATS_AT_ONCE = 4;

export class CampaignsView extends LitElement {
  static properties = { items: { state: true }, stats: { state: true }, state: { state: true } };

  static styles = [
    screenStyles,
    css`
      :host { max-width: 960px; }
      .top { display: flex; justify-content: space-between; align-items: center; gap: 8px; flex-wrap: wrap; }
      a.name { font-weight: 600; color: var(--accent); text-decoration: none; min-height: 44px; display: inline-flex; align-items: center; overflow-wrap: anywhere; }
      .status { font-size: 0.85rem; font-weight: 600; padding: 2px 8px; border-radius: 999px; border: 1px solid var(--border); }
      .status.launched { border-color: var(--accent); }
      .dates { color: var(--muted); font-size: 0.9rem; margin: 0; }
      dl { display: flex; flex-wrap: wrap; gap: 4px 14px; margin: 0; }
      dl > div { display: flex; gap: 4px; align-items: baseline; }
      dt { color: var(--muted); font-size: 0.9rem; }
      dd { margin: 0; font-weight: 600; font-variant-numeric: tabular-nums; }
    `,
  ];

  constructor() {
    super();
    this.items = null;
    this.stats = new Map();
    this.state = "loading";
    new Listen(this, [[window, LANGUAGE_EVENT, () => this.requestUpdate()]]);
  }

  connectedCallback() {
    super.connectedCallback();
    this.load();
  }

  async load() {
    try {
      this.items = await campaigns.list();
      this.state = "ready";
    } catch (error) {
      if (error.status === 401)
        return this.dispatchEvent(new CustomEvent("logged-out", { bubbles: true, composed: true }));
      this.state = error.status ? "failed" : "offline";
      return;
    }
    await this.loadStats(this.items.filter((campaign) => campaign.status !== "draft"));
  }

  async loadStats(launched) {
    const queue = [...launched];
    const worker = async () => {
      for (let campaign = queue.shift(); campaign; campaign = queue.shift()) {
        const stats = await campaigns.stats(campaign.id).catch(() => null);
        if (stats) this.stats = new Map(this.stats).set(campaign.id, stats);
      }
    };
    await Promise.all(Array.from({ length: STATS_AT_ONCE }, worker));
  }

  render() {
    return html`<div class="top">
        <h1>${t("campaigns.title")}</h1>
        <a class="button primary new" href="/campaigns/new" data-route>${t("campaigns.new")}</a>
      </div>
      ${this.renderState()} ${this.items?.length === 0 ? html`<p class="note empty">${t("campaigns.empty")}</p>` : nothing}
      ${
        this.items?.length
          ? html`<ul class="cards campaigns">
              ${this.items.map((campaign) => this.renderCampaign(campaign))}
            </ul>`
          : nothing
      }`;
  }

  renderState() {
    if (this.state === "loading") return html`<p class="note loading">${t("campaigns.loading")}</p>`;
    if (this.state === "offline")
      return html`<p class="note offline" role="status">${t("campaigns.offline")}</p>`;
    if (this.state === "failed")
      return html`<p class="note error failed" role="status">${t("campaigns.failed")}</p>`;
    return nothing;
  }

  renderCampaign(campaign) {
    const from = formatDay(campaign.starts_on, locale);
    const to = formatDay(campaign.ends_on, locale);
    const dates = from || to ? t("campaigns.dates", { from, to }) : t("campaigns.noDates");
    return html`<li class="card campaign" data-id=${campaign.id} data-status=${campaign.status}>
      <div class="top">
        <a class="name" href="/campaigns/${campaign.id}" data-route>${campaign.name}</a>
        <span class="status ${campaign.status}">${t(`campaign.status.${campaign.status}`)}</span>
      </div>
      <p class="dates">${dates}</p>
      ${campaign.status === "draft" ? html`<p class="note">${t("campaigns.notLaunched")}</p>` : this.renderCounts(this.stats.get(campaign.id))}
    </li>`;
  }

  renderCounts(stats) {
    if (!stats) return nothing;
    const count = (key) =>
      html`<div data-count=${key}>
        <dt>${t(`campaign.${key}`)}</dt>
        <dd>${formatNumber(stats[key] ?? 0, locale)}</dd>
      </div>`;
    return html`<dl class="counts">${count("targets")}${count("visited")}${count("converted")}</dl>`;
  }
}
customElements.define("wp-campaigns", CampaignsView);
