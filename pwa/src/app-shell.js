import { LitElement, css, html } from "lit";
import { api, setCsrfToken } from "./api/client.js";
import { t } from "./i18n.js";
import { getMeta, setMeta } from "./store/db.js";
import { currentRoute, navigate, onRouteChange } from "./router.js";
import { applyUpdate, registerServiceWorker } from "./sw-bridge.js";
import "./install-prompt.js";
import "./views/login-view.js";
import "./views/language-picker.js";
import "./views/near-view.js";

// Screens other than Near me load their code (the map library above all) only when opened.
const LAZY_SCREENS = {
  map: () => import("./views/map-view.js"),
  account: () => import("./views/account-view.js"),
};

// The top of the app: who is logged in (from the server, or from the device when offline),
// which screen shows, and the "Update ready" banner.
export class AppShell extends LitElement {
  static properties = {
    user: { state: true },
    ready: { state: true },
    pendingUpdate: { state: true },
    route: { state: true },
  };

  static styles = css`
    header { display: flex; align-items: center; justify-content: space-between; padding: 8px 12px; background: var(--accent); color: #fff; min-height: 48px; box-sizing: border-box; }
    header strong { font-size: 1.1rem; }
    button { min-height: 44px; min-width: 44px; border: 0; border-radius: 8px; background: transparent; color: inherit; font-size: 1rem; }
    .update { display: flex; gap: 12px; align-items: center; justify-content: center; padding: 8px; background: #ffe9a8; color: #222; }
    .update button { background: #222; color: #fff; padding: 0 14px; }
    header { flex-wrap: wrap; gap: 4px; }
    nav { display: flex; gap: 4px; flex: 1 1 auto; min-width: 0; }
    @media (max-width: 420px) {
      header strong { display: none; }
      header { padding: 4px 6px; }
      nav a { padding: 0 8px; }
    }
    nav a { display: inline-flex; align-items: center; min-height: 44px; padding: 0 10px; border-radius: 8px; color: inherit; text-decoration: none; }
    nav a[aria-current="page"] { background: rgb(0 0 0 / 0.25); font-weight: 600; }
  `;

  constructor() {
    super();
    this.route = currentRoute();
  }

  connectedCallback() {
    super.connectedCallback();
    registerServiceWorker((registration) => (this.pendingUpdate = registration));
    this.addEventListener("logged-in", (event) => this.loggedIn(event.detail));
    this.addEventListener("logged-out", () => (this.user = null));
    this.addEventListener("navigate", (event) => navigate(event.detail));
    onRouteChange((route) => this.show(route));
    this.restore();
  }

  async show(route) {
    await LAZY_SCREENS[route.screen]?.();
    this.route = route;
  }

  follow(event) {
    const link = event.composedPath().find((node) => node.tagName === "A" && node.dataset?.route !== undefined);
    if (!link || event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    navigate(link.getAttribute("href"));
  }

  async restore() {
    // Nobody has logged in on this device (or they logged out): straight to the login form,
    // without asking the server a question whose answer is a 401.
    if (!(await getMeta("user"))) {
      this.ready = true;
      return;
    }
    try {
      const session = await api.me();
      setCsrfToken(session.csrf_token);
      this.loggedIn(session.user);
    } catch (error) {
      // Offline (no status) keeps the last user on this device; a 401 means log in again.
      if (error.status) await setMeta("user", null);
      this.user = error.status ? null : await getMeta("user");
      if (this.user) await this.show(currentRoute());
    }
    this.ready = true;
  }

  async loggedIn(user) {
    this.user = user;
    await setMeta("user", user);
    const { pathname } = window.location;
    await this.show(currentRoute());
    if (pathname === "/" || pathname === "/login") navigate("/near", { replace: true });
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
    if (!this.user) return html`${banner}<wp-install></wp-install><wp-login></wp-login>`;
    const link = (path, screen, label) =>
      html`<a href=${path} data-route aria-current=${this.route.screen === screen ? "page" : "false"}>${label}</a>`;
    return html`${banner}<wp-install></wp-install><header @click=${this.follow}><strong>${t("appName")}</strong>
        <nav>${link("/near", "near", t("nearMe"))}${link("/map", "map", t("map"))}</nav>
        <wp-language></wp-language>
        <button @click=${this.logOut} title=${this.user.name}>${t("logOut")}</button></header>
      <main @click=${this.follow}>${this.screen()}</main>`;
  }

  screen() {
    if (this.route.screen === "map") return html`<wp-map></wp-map>`;
    if (this.route.screen === "account") return html`<wp-account .accountId=${this.route.accountId}></wp-account>`;
    return html`<wp-near></wp-near>`;
  }
}
customElements.define("wp-app", AppShell);
