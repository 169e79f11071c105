import { LitElement, css, html } from "lit";
import { api, setCsrfToken } from "./api/client.js";
import { t } from "./i18n.js";
import { DB_LOST_EVENT, count, getMeta, setMeta } from "./store/db.js";
import { bindUser, discardWaiting } from "./store/outbox.js";
import { discardAllDrafts } from "./store/visit-draft.js";
import { SYNC_STATUS_EVENT } from "./sync/engine.js";
import { startSync, stopSync } from "./sync/index.js";
import { currentRoute, navigate, onRouteChange } from "./router.js";
import { applyUpdate, registerServiceWorker } from "./sw-bridge.js";
import "./install-prompt.js";
import "./views/login-view.js";
import "./views/language-picker.js";
import "./views/near-view.js";
import "./views/sync-status.js";
import "./views/visits-in-progress.js";

// Screens other than Near me load their code (the map library above all) only when opened.
const LAZY_SCREENS = {
  map: () => import("./views/map-view.js"),
  account: () => import("./views/account-view.js"),
  today: () => import("./views/today-view.js"),
  inbox: () => import("./views/inbox-view.js"),
  settings: () => import("./views/settings-view.js"),
  diagnostics: () => import("./views/diagnostics-view.js"),
};

// The top of the app: who is logged in (from the server, or from the device when offline),
// which screen shows, and the "Update ready" banner. Syncing runs while someone is logged in;
// an ended session (401) shows the login form again but keeps the outbox, and another user may
// take over the device only once the previous user's changes are sent or knowingly discarded.
export class AppShell extends LitElement {
  static properties = {
    user: { state: true },
    ready: { state: true },
    pendingUpdate: { state: true },
    route: { state: true },
    sessionEnded: { state: true },
    blocked: { state: true },
    dbLost: { state: true },
  };

  static styles = css`
    header { display: flex; align-items: center; justify-content: space-between; padding: 8px 12px; background: var(--accent); color: #fff; min-height: 48px; box-sizing: border-box; }
    header strong { font-size: 1.1rem; }
    button { min-height: 44px; min-width: 44px; border: 0; border-radius: 8px; background: transparent; color: inherit; font-size: 1rem; }
    .update { display: flex; gap: 12px; align-items: center; justify-content: center; padding: 8px; background: #ffe9a8; color: #222; }
    .update button { background: #222; color: #fff; padding: 0 14px; }
    .notice { max-width: 480px; margin: 12px auto 0; padding: 0 16px; }
    .notice button { border: 1px solid var(--border); background: var(--card); color: var(--fg); padding: 0 14px; margin: 4px 8px 0 0; }
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
    this.addEventListener("logged-out", () => this.sessionExpired());
    window.addEventListener(SYNC_STATUS_EVENT, (event) => event.detail.state === "auth" && this.sessionExpired());
    window.addEventListener(DB_LOST_EVENT, () => (this.dbLost = true));
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
      if (this.user) {
        startSync(); // fails until the network is back, then sends what waits
        await this.show(currentRoute());
      }
    }
    this.ready = true;
  }

  async loggedIn(user, { discard = false } = {}) {
    const bound = await bindUser(user, { discard });
    if (bound.blocked) {
      this.blocked = { user, waiting: bound.blocked, previous: bound.previous };
      return;
    }
    Object.assign(this, { blocked: null, sessionEnded: null, user });
    await setMeta("user", user);
    startSync();
    const { pathname } = window.location;
    await this.show(currentRoute());
    if (pathname === "/" || pathname === "/login") navigate("/near", { replace: true });
  }

  async logOut() {
    stopSync();
    await api.logout().catch(() => {});
    await discardAllDrafts().catch(() => {}); // a visit checked in and not out ends with the session
    await setMeta("user", null);
    Object.assign(this, { user: null, blocked: null });
  }

  // The server no longer knows this session: log in again; nothing on the device is dropped.
  async sessionExpired() {
    stopSync("auth");
    if (!this.user) return;
    this.sessionEnded = { waiting: await count("outbox") };
    await setMeta("user", null);
    this.user = null;
  }

  async discardAndContinue() {
    const { user, waiting } = this.blocked;
    if (!window.confirm(t("sync.discardConfirm", { n: waiting }))) return;
    await discardWaiting();
    await this.loggedIn(user, { discard: true });
  }

  renderNotice() {
    if (this.blocked) {
      const { waiting, previous } = this.blocked;
      return html`<div class="notice other-user" role="alert"><p>${t("sync.otherUser", { n: waiting, name: previous })}</p>
        <button class="log-out" @click=${this.logOut}>${t("logOut")}</button>
        <button class="discard" @click=${this.discardAndContinue}>${t("sync.discard")}</button></div>`;
    }
    if (this.sessionEnded) {
      return html`<p class="notice session-ended" role="alert">${t("sync.sessionEnded", { n: this.sessionEnded.waiting })}</p>`;
    }
    return "";
  }

  render() {
    if (!this.ready) return html``;
    const lost = this.dbLost
      ? html`<div class="update db-lost" role="alert">${t("sync.dbLost")}<button @click=${() => window.location.reload()}>${t("reload")}</button></div>`
      : "";
    const banner = this.pendingUpdate
      ? html`<div class="update" role="status">${t("updateReady")}<button @click=${() => applyUpdate(this.pendingUpdate)}>${t("reload")}</button></div>`
      : "";
    if (this.blocked) return html`${lost}${banner}${this.renderNotice()}`;
    if (!this.user) return html`${lost}${banner}<wp-install></wp-install>${this.renderNotice()}<wp-login></wp-login>`;
    const link = (path, screen, label) =>
      html`<a href=${path} data-route aria-current=${this.route.screen === screen ? "page" : "false"}>${label}</a>`;
    return html`${lost}${banner}<wp-install></wp-install><header @click=${this.follow}><strong>${t("appName")}</strong>
        <nav>${link("/today", "today", t("nav.today"))}${link("/near", "near", t("nearMe"))}${link("/map", "map", t("map"))}</nav>
        <wp-language></wp-language>
        <button @click=${this.logOut} title=${this.user.name}>${t("logOut")}</button></header>
      <wp-sync-status @click=${this.follow}></wp-sync-status>
      <main @click=${this.follow}><wp-visits-in-progress .except=${this.route.accountId ?? null}></wp-visits-in-progress>${this.screen()}</main>`;
  }

  screen() {
    if (this.route.screen === "map") return html`<wp-map></wp-map>`;
    if (this.route.screen === "today") return html`<wp-today></wp-today>`;
    if (this.route.screen === "account") return html`<wp-account .accountId=${this.route.accountId} .taskId=${this.route.taskId}></wp-account>`;
    if (this.route.screen === "inbox") return html`<wp-inbox></wp-inbox>`;
    if (this.route.screen === "settings") return html`<wp-settings></wp-settings>`;
    if (this.route.screen === "diagnostics") return html`<wp-diagnostics></wp-diagnostics>`;
    return html`<wp-near></wp-near>`;
  }
}
customElements.define("wp-app", AppShell);
