// One campaign (/campaigns/new and /campaigns/<id>): the builder while it is a draft, its
// progress once launched. Each part is its own chunk, so following a campaign never loads the
// drawing plugin. Saving a new campaign moves to its own path with the builder kept as it is.
// Below either, once the campaign is saved: its audience leaving the app (CSV, webhook).
import { LitElement, css, html, nothing } from "lit";
import { campaigns } from "../api/campaigns.js";
import { LANGUAGE_EVENT, addStrings, t } from "../i18n.js";
import strings from "../locales/campaigns.js";
import { navigate } from "../router.js";
import { campaignStage } from "../shared/campaigns.js";
import "./campaign-deliveries.js";
import { Listen } from "./listen.js";

addStrings(strings);

const PARTS = {
  builder: () => import("./campaign-builder.js"),
  progress: () => import("./campaign-progress.js"),
};

export class CampaignView extends LitElement {
  static properties = {
    campaignId: {},
    campaign: { state: true },
    stage: { state: true },
    state: { state: true },
  };

  static styles = css`
    :host { display: block; }
    .note { max-width: 720px; margin: 16px auto; padding: 0 12px; color: var(--muted); }
  `;

  constructor() {
    super();
    this.campaign = null;
    this.stage = null;
    this.state = "loading";
    this.loading = 0; // an answer for an earlier id is dropped
    new Listen(this, [[window, LANGUAGE_EVENT, () => this.requestUpdate()]]);
  }

  updated(changed) {
    if (changed.has("campaignId")) this.load();
  }

  async load() {
    const id = this.campaignId;
    const loading = ++this.loading;
    if (id && this.campaign?.id === id) return; // just saved here: the builder already has it
    if (!id) return this.show(null, loading);
    this.state = "loading";
    try {
      const campaign = await campaigns.get(id);
      if (loading === this.loading) await this.show(campaign, loading);
    } catch (error) {
      if (loading !== this.loading) return;
      if (error.status === 401)
        return this.dispatchEvent(new CustomEvent("logged-out", { bubbles: true, composed: true }));
      this.state = error.status === 404 ? "missing" : "failed";
    }
  }

  async show(campaign, loading = this.loading) {
    const stage = campaignStage(campaign);
    await PARTS[stage]();
    if (loading !== this.loading) return;
    Object.assign(this, { campaign, stage, state: "ready" });
  }

  saved(event) {
    const campaign = event.detail;
    const isNew = !this.campaign;
    this.campaign = campaign;
    if (isNew) navigate(`/campaigns/${campaign.id}`, { replace: true });
  }

  launched(event) {
    this.show(event.detail);
  }

  render() {
    if (this.state === "missing")
      return html`<p class="note missing" role="status">${t("campaign.missing")}</p>`;
    if (this.state === "failed")
      return html`<p class="note failed" role="status">${t("campaign.failed")}</p>`;
    if (this.state === "loading" && !this.stage)
      return html`<p class="note loading">${t("campaigns.loading")}</p>`;
    if (this.stage === "builder") {
      // The builder has no CSV button of its own; the progress screen has one beside its refresh.
      return html`<wp-campaign-builder .campaign=${this.campaign} @campaign-saved=${this.saved} @campaign-launched=${this.launched}></wp-campaign-builder>
        <wp-campaign-deliveries .campaign=${this.campaign} withCsv></wp-campaign-deliveries>`;
    }
    if (this.stage === "progress") {
      return html`<wp-campaign-progress .campaign=${this.campaign}></wp-campaign-progress>
        <wp-campaign-deliveries .campaign=${this.campaign}></wp-campaign-deliveries>`;
    }
    return nothing;
  }
}
customElements.define("wp-campaign", CampaignView);
