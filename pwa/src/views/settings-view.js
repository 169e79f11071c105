import { LitElement, css, html } from "lit";
import { t } from "../i18n.js";
import { locationCaptureOn, setLocationCapture } from "../settings.js";

// The rep's settings on this device: location capture for visits (on unless turned off).
export class SettingsView extends LitElement {
  static properties = { location: { state: true } };

  static styles = css`
    :host { display: block; padding: 8px 12px 32px; max-width: 720px; margin: 0 auto; }
    h1 { font-size: 1.3rem; }
    label { display: flex; align-items: center; gap: 10px; min-height: 44px; font-weight: 600; }
    input { width: 22px; height: 22px; }
    .note { color: var(--muted); margin-top: 0; }
    a { display: inline-flex; align-items: center; min-height: 44px; color: var(--accent); }
  `;

  constructor() {
    super();
    this.location = locationCaptureOn();
  }

  toggle(event) {
    this.location = event.target.checked;
    setLocationCapture(this.location);
  }

  render() {
    return html`<h1>${t("settings.title")}</h1>
      <label><input type="checkbox" name="location" .checked=${this.location} @change=${this.toggle} aria-describedby="location-help" />${t("settings.location")}</label>
      <p class="note" id="location-help">${t("settings.locationHelp")}</p>
      <a href="/diagnostics" data-route>${t("settings.diagnostics")}</a>`;
  }
}
customElements.define("wp-settings", SettingsView);
