import { LitElement, css, html, nothing } from "lit";
import { t } from "../i18n.js";
import { VISIT_DRAFT_EVENT, draftsElsewhere, loadDrafts } from "../store/visit-draft.js";

// "Visit in progress at <account> – Continue": the way back to a visit checked in and not yet
// checked out, on every screen but that account's own (where the visit flow itself resumes it),
// so a rep whose app restarted on another screen finds it again.
export class VisitsInProgress extends LitElement {
  static properties = {
    except: { attribute: false }, // the account on screen
    drafts: { state: true },
  };

  static styles = css`
    :host { display: block; }
    .banner { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: 8px; max-width: 720px; margin: 8px auto 0; padding: 8px 12px; box-sizing: border-box; background: #e8f0fe; color: #1a1a1a; border-radius: 10px; }
    p { margin: 0; overflow-wrap: anywhere; }
    a { display: inline-flex; align-items: center; min-height: 44px; padding: 0 14px; border-radius: 10px; background: var(--accent); color: #fff; font-weight: 600; text-decoration: none; }
  `;

  constructor() {
    super();
    this.drafts = {};
    this.reload = () => this.load();
  }

  connectedCallback() {
    super.connectedCallback();
    window.addEventListener(VISIT_DRAFT_EVENT, this.reload);
    this.load();
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    window.removeEventListener(VISIT_DRAFT_EVENT, this.reload);
  }

  willUpdate(changed) {
    // Another screen: a visit may have been checked out or cancelled on the one before.
    if (changed.has("except")) this.load();
  }

  async load() {
    this.drafts = await loadDrafts().catch(() => ({}));
  }

  render() {
    const elsewhere = draftsElsewhere(this.drafts, this.except ?? null);
    if (elsewhere.length === 0) return nothing;
    return elsewhere.map(
      (draft) => html`<div class="banner visit-in-progress" role="status" data-account=${draft.account_id}>
      <p>${t("visit.inProgressAt", { name: draft.account_name || "…" })}</p>
      <a class="continue" href="/accounts/${draft.account_id}" data-route>${t("visit.continue")}</a>
    </div>`,
    );
  }
}
customElements.define("wp-visits-in-progress", VisitsInProgress);
