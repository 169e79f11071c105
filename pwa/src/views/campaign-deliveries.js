// An audience leaving the app (managers and admins, on a saved campaign): the CSV download, and
// a signed POST of the audience to a webhook URL of the marketer's e-mail or SMS tool. The
// delivery's state (queued, retrying, delivered, failed, refused) is asked again every few
// seconds until it can change no more; the signing secret the receiver checks signatures with
// is shown on request, to copy. Online only, like the rest of the campaign screens.
import { LitElement, css, html, nothing } from "lit";
import { campaigns } from "../api/campaigns.js";
import { LANGUAGE_EVENT, addStrings, locale, t } from "../i18n.js";
import strings from "../locales/campaigns.js";
import { deliveryNote, deliveryPending, urlProblem } from "../shared/deliveries.js";
import { formatNumber } from "../shared/format.js";
import { Listen } from "./listen.js";
import { screenStyles } from "./styles.js";

addStrings(strings);

const POLL_MS = 2000;

export class CampaignDeliveries extends LitElement {
  static properties = {
    campaign: { attribute: false },
    withCsv: { type: Boolean },
    delivery: { state: true },
    sending: { state: true },
    problem: { state: true }, // {text, reason} when the last send was refused or failed
    secret: { state: true },
    copied: { state: true },
  };

  static styles = [
    screenStyles,
    css`
      :host { padding: 0 12px 24px; max-width: 1400px; }
      form { display: grid; gap: 8px; }
      form input { width: 100%; }
      .secret code { overflow-wrap: anywhere; user-select: all; }
    `,
  ];

  constructor() {
    super();
    Object.assign(this, {
      delivery: null,
      sending: false,
      problem: null,
      secret: null,
      copied: false,
      withCsv: false,
    });
    this.timer = null;
    new Listen(this, [[window, LANGUAGE_EVENT, () => this.requestUpdate()]]);
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    clearTimeout(this.timer);
  }

  updated(changed) {
    if (changed.has("campaign") && changed.get("campaign")?.id !== this.campaign?.id) {
      clearTimeout(this.timer);
      Object.assign(this, { delivery: null, problem: null });
    }
  }

  async send(event) {
    event.preventDefault();
    const url = this.renderRoot.querySelector("#webhook-url").value.trim();
    if (!url || !this.campaign) return;
    clearTimeout(this.timer);
    Object.assign(this, { sending: true, problem: null, delivery: null });
    try {
      this.delivery = await campaigns.deliver(this.campaign.id, url);
      this.follow();
    } catch (error) {
      if (error.status === 401)
        return this.dispatchEvent(new CustomEvent("logged-out", { bubbles: true, composed: true }));
      const reason = urlProblem(error);
      this.problem = reason
        ? { text: t("delivery.badUrl"), reason }
        : { text: t("delivery.notQueued"), reason: null };
    } finally {
      this.sending = false;
    }
  }

  // Ask for the delivery again until it is delivered, failed or refused.
  follow() {
    if (!deliveryPending(this.delivery)) return;
    const { id: campaignId } = this.campaign;
    const deliveryId = this.delivery.id;
    this.timer = setTimeout(async () => {
      try {
        const fresh = await campaigns.delivery(campaignId, deliveryId);
        if (this.delivery?.id !== deliveryId) return; // another send replaced it meanwhile
        this.delivery = fresh;
      } catch {
        // Offline or a server hiccup: ask again on the next tick.
      }
      this.follow();
    }, POLL_MS);
  }

  async showSecret() {
    try {
      this.secret = (await campaigns.signingSecret()).secret;
    } catch {
      this.secret = null;
    }
  }

  async copySecret() {
    try {
      await navigator.clipboard.writeText(this.secret);
      this.copied = true;
    } catch {
      // No clipboard (an insecure origin, or refused): the secret stays selectable.
      this.copied = false;
    }
  }

  renderDelivery() {
    if (!this.delivery) return nothing;
    const note = deliveryNote(this.delivery);
    const params = { ...note.params, accounts: formatNumber(note.params.accounts, locale) };
    return html`<p class="delivery-state" role="status" data-state=${this.delivery.state}>${t(note.key, params)}</p>
      ${note.error ? html`<p class="note delivery-error">${t("delivery.lastError", { error: note.error })}</p>` : nothing}`;
  }

  renderSecret() {
    if (!this.secret) {
      return html`<button type="button" class="show-secret" @click=${this.showSecret}>${t("delivery.showSecret")}</button>`;
    }
    return html`<div class="secret card">
      <label for="signing-secret">${t("delivery.secret")}</label>
      <code id="signing-secret">${this.secret}</code>
      <div class="row">
        <button type="button" class="copy-secret" @click=${this.copySecret}>${t("delivery.copy")}</button>
        ${this.copied ? html`<span class="saved" role="status">${t("delivery.copied")}</span>` : nothing}
      </div>
      <p class="note">${t("delivery.secretHelp")}</p>
    </div>`;
  }

  render() {
    const campaign = this.campaign;
    if (!campaign?.id) return nothing;
    return html`<section class="deliveries" aria-labelledby="deliveries-title">
      <h2 id="deliveries-title">${t("delivery.title")}</h2>
      ${this.withCsv ? html`<p class="row"><a class="button export-csv" href=${campaigns.csvHref(campaign.id)} download>${t("delivery.exportCsv")}</a></p>` : nothing}
      <form @submit=${this.send}>
        <label for="webhook-url">${t("delivery.webhookUrl")}</label>
        <input id="webhook-url" type="url" inputmode="url" autocomplete="off" placeholder="https://" required />
        <div class="row">
          <button type="submit" class="primary send-webhook" ?disabled=${this.sending}>${this.sending ? t("delivery.sending") : t("delivery.send")}</button>
        </div>
      </form>
      ${
        this.problem
          ? html`<p class="error delivery-problem" role="alert">${this.problem.text}${this.problem.reason ? html` (${this.problem.reason})` : nothing}</p>`
          : nothing
      }
      ${this.renderDelivery()} ${this.renderSecret()}
    </section>`;
  }
}
customElements.define("wp-campaign-deliveries", CampaignDeliveries);
