import { LitElement, css, html } from "lit";
import { api, setCsrfToken } from "./api/client.js";
import { t } from "./i18n.js";
import { getMeta, setMeta } from "./store/db.js";
import { applyUpdate, registerServiceWorker } from "./sw-bridge.js";
import "./views/login-view.js";
import "./views/near-view.js";

// The top of the app: who is logged in (from the server, or from the device when offline),
// which screen shows, and the "Update ready" banner.
export class AppShell extends LitElement {
  static properties = { user: { state: true }, ready: { state: true }, pendingUpdate: { state: true } };

  static styles = css`
    header { display: flex; align-items: center; justify-content: space-between; padding: 8px 12px; background: var(--accent); color: #fff; min-height: 48px; box-sizing: border-box; }
    header strong { font-size: 1.1rem; }
    button { min-height: 44px; min-width: 44px; border: 0; border-radius: 8px; background: transparent; color: inherit; font-size: 1rem; }
    .update { display: flex; gap: 12px; align-items: center; justify-content: center; padding: 8px; background: #ffe9a8; color: #222; }
    .update button { background: #222; color: #fff; padding: 0 14px; }
  `;

  connectedCallback() {
    super.connectedCallback();
    registerServiceWorker((registration) => (this.pendingUpdate = registration));
    this.addEventListener("logged-in", (event) => this.loggedIn(event.detail));
    this.addEventListener("logged-out", () => (this.user = null));
    this.restore();
  }

  async restore() {
    try {
      const session = await api.me();
      setCsrfToken(session.csrf_token);
      this.loggedIn(session.user);
    } catch (error) {
      // Offline (no status) keeps the last user on this device; a 401 means log in again.
      this.user = error.status ? null : await getMeta("user");
    }
    this.ready = true;
  }

  async loggedIn(user) {
    this.user = user;
    await setMeta("user", user);
    if (window.location.pathname === "/" || window.location.pathname === "/login") {
      window.history.replaceState({}, "", "/near");
    }
  }

  async logOut() {
    await api.logout().catch(() => {});
    await setMeta("user", null);
    this.user = null;
  }

  render() {
    if (!this.ready) return html``;
    const banner = this.pendingUpdate
      ? html`<div class="update" role="status">${t("updateReady")}<button @click=${() => applyUpdate(this.pendingUpdate)}>${t("reload")}</button></div>`
      : "";
    if (!this.user) return html`${banner}<wp-login></wp-login>`;
    return html`${banner}<header><strong>${t("appName")}</strong><span>${this.user.name}</span>
        <button @click=${this.logOut}>${t("logOut")}</button></header>
      <main><wp-near></wp-near></main>`;
  }
}
customElements.define("wp-app", AppShell);
