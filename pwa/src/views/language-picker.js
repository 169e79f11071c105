import { LitElement, css, html } from "lit";
import { LANGUAGE_EVENT, language, languages, setLanguage, t } from "../i18n.js";

// Every Lit element on the page, shadow roots included, so a language change reaches them all.
function* litElements(root) {
  for (const element of root.querySelectorAll("*")) {
    if (typeof element.requestUpdate === "function") yield element;
    if (element.shadowRoot) yield* litElements(element.shadowRoot);
  }
}

// A new language re-renders the page in place (no reload: a half-filled form stays as it is).
// Views keeping text outside render() (map popups, say) listen to LANGUAGE_EVENT themselves.
window.addEventListener(LANGUAGE_EVENT, () => {
  for (const element of litElements(document)) element.requestUpdate();
});

// The language menu: each language in its own name, the choice kept on this device. The native
// <select> lies invisible over a small face (the language's name, or just its code on a narrow
// screen where the header is full) so the phone's own picker opens on tap.
export class LanguagePicker extends LitElement {
  static styles = css`
    :host { display: inline-block; flex: none; }
    .face { position: relative; display: inline-flex; align-items: center; gap: 6px; box-sizing: border-box; min-height: 44px; min-width: 44px; padding: 0 10px; border: 1px solid currentColor; border-radius: 8px; font-size: 1rem; }
    .face:focus-within { outline: 2px solid currentColor; outline-offset: 2px; }
    select { position: absolute; inset: 0; width: 100%; height: 100%; margin: 0; opacity: 0; font-size: 1rem; cursor: pointer; }
    option { color: var(--fg, #14161c); background: var(--card, #fff); }
    .code { display: none; }
    @media (max-width: 600px) {
      .name { display: none; }
      .code { display: inline; }
    }
  `;

  choose(event) {
    setLanguage(event.target.value);
  }

  render() {
    const current = languages.find(({ code }) => code === language);
    return html`<span class="face">
      <span class="name" aria-hidden="true">${current.name}</span>
      <span class="code" aria-hidden="true">${current.code.toUpperCase()}</span>
      <span aria-hidden="true">▾</span>
      <select aria-label=${t("language")} @change=${this.choose}>
        ${languages.map(
          ({ code, name, locale }) =>
            html`<option value=${code} lang=${locale} ?selected=${code === language}>${name}</option>`,
        )}
      </select>
    </span>`;
  }
}
customElements.define("wp-language", LanguagePicker);
