import { LitElement, css, html } from "lit";
import { t } from "../i18n.js";

// Changes waiting on this device that stand in the way (another user logging in, or a logout):
// what the screen says about them, its own way on (slotted buttons), and Discard, which asks
// once more and then fires "discard" for the screen to drop them. The screen styles its buttons
// like this one's (its own button rules would win over ::slotted ones).
export class WaitingChanges extends LitElement {
  static properties = {
    waiting: { type: Number },
    message: {},
    discardLabel: {},
    busy: { type: Boolean },
  };

  static styles = css`
    :host { display: block; max-width: 480px; margin: 12px auto 0; padding: 0 16px; }
    button { min-height: 44px; min-width: 44px; border: 1px solid var(--border); border-radius: 8px; background: var(--card); color: var(--fg); font-size: 1rem; padding: 0 14px; margin: 4px 8px 0 0; }
  `;

  constructor() {
    super();
    this.waiting = 0;
    this.busy = false;
  }

  discard() {
    if (!window.confirm(t("sync.discardConfirm", { n: this.waiting }))) return;
    this.dispatchEvent(new CustomEvent("discard", { bubbles: true, composed: true }));
  }

  render() {
    return html`<div role="alert"><p>${this.message}</p><slot></slot>
      <button class="discard" ?disabled=${this.busy} @click=${this.discard}>${this.discardLabel}</button></div>`;
  }
}
customElements.define("wp-waiting-changes", WaitingChanges);
