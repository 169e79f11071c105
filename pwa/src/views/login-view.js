import { LitElement, css, html } from "lit";
import { api, setCsrfToken } from "../api/client.js";
import { t } from "../i18n.js";
import "./language-picker.js";

// Email and password; errors appear inline under the form. The language can be changed here,
// before logging in.
export class LoginView extends LitElement {
  static properties = { error: { state: true }, busy: { state: true } };

  static styles = css`
    form { display: grid; gap: 12px; max-width: 360px; margin: 15vh auto 0; padding: 24px; }
    .top { display: flex; align-items: center; justify-content: space-between; gap: 12px; margin: 0 0 8px; }
    h1 { margin: 0; font-size: 1.6rem; }
    wp-language { color: var(--fg); }
    label { display: grid; gap: 4px; font-size: 0.9rem; color: var(--muted); }
    input { min-height: 44px; font-size: 1rem; padding: 0 12px; border: 1px solid var(--border); border-radius: 8px; background: var(--card); color: var(--fg); }
    button { min-height: 48px; font-size: 1rem; border: 0; border-radius: 8px; background: var(--accent); color: #fff; }
    .error { color: #d33; min-height: 1.2em; margin: 0; }
  `;

  async submit(event) {
    event.preventDefault();
    const data = new FormData(event.target);
    this.busy = true;
    this.error = "";
    try {
      const session = await api.login(data.get("email"), data.get("password"));
      setCsrfToken(session.csrf_token);
      this.dispatchEvent(
        new CustomEvent("logged-in", { detail: session.user, bubbles: true, composed: true }),
      );
    } catch (error) {
      this.error = error.message;
    } finally {
      this.busy = false;
    }
  }

  render() {
    return html`<form @submit=${this.submit}>
      <div class="top"><h1>${t("appName")}</h1><wp-language></wp-language></div>
      <label>${t("email")}<input name="email" type="email" autocomplete="username" required /></label>
      <label>${t("password")}<input name="password" type="password" autocomplete="current-password" required /></label>
      <p class="error" role="alert">${this.error ?? ""}</p>
      <button type="submit" ?disabled=${this.busy}>${t("logIn")}</button>
    </form>`;
  }
}
customElements.define("wp-login", LoginView);
