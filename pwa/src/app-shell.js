import { LitElement, css, html } from "lit";
import { api, setCsrfToken } from "./api/client.js";
import { t } from "./i18n.js";
import { DB_LOST_EVENT, count, getMeta, setMeta } from "./store/db.js";
import { bindUser, discardWaiting } from "./store/outbox.js";
import { SYNC_STATUS_EVENT } from "./sync/engine.js";
import { sendWaiting, startSync, stopSync } from "./sync/index.js";
import { endSession, onLogoutElsewhere } from "./logout.js";
import { currentRoute, navigate, onRouteChange } from "./router.js";
import { guard, landingPath, navFor, screenEntry } from "./screens.js";
import { applyUpdate, registerServiceWorker } from "./sw-bridge.js";
import "./install-prompt.js";
import "./views/login-view.js";
import "./views/language-picker.js";
import "./views/near-view.js";
import "./views/reminders.js";
import "./views/sync-status.js";
import "./views/task-notice.js";
import "./views/visits-in-progress.js";
import "./views/waiting-changes.js";

// The top of the app: who is logged in (from the server, or from the device when offline),
// which screen shows (screens.js: each role its own navigation and screens; the other screens'
// code, the map library above all, loads only when one opens), the notice of a task given to
// the user, and the "Update ready" banner. Syncing runs while someone is logged in;
// an ended session (401) shows the login form again but keeps the outbox, and another user may
// take over the device only once the previous user's changes are sent or knowingly discarded.
// Logging out clears the device (logout.js), after the same choice when changes still wait.
export class AppShell extends LitElement {
  static properties = {
    user: { state: true },
    ready: { state: true },
    pendingUpdate: { state: true },
    route: { state: true },
    sessionEnded: { state: true },
    blocked: { state: true },
    leaving: { state: true }, // Log out asked while changes wait: {waiting, busy, sending, failed}
    dbLost: { state: true },
  };

  static styles = css`
    header { display: flex; align-items: center; justify-content: space-between; padding: 8px 12px; background: var(--accent); color: #fff; min-height: 48px; box-sizing: border-box; }
    header strong { font-size: 1.1rem; }
    button { min-height: 44px; min-width: 44px; border: 0; border-radius: 8px; background: transparent; color: inherit; font-size: 1rem; }
    .update { display: flex; gap: 12px; align-items: center; justify-content: center; padding: 8px; background: #ffe9a8; color: #222; }
    .update button { background: #222; color: #fff; padding: 0 14px; }
    .notice { max-width: 480px; margin: 12px auto 0; padding: 0 16px; }
    wp-waiting-changes button { border: 1px solid var(--border); background: var(--card); color: var(--fg); padding: 0 14px; margin: 4px 8px 0 0; }
    header { flex-wrap: wrap; gap: 4px; }
    nav { display: flex; flex-wrap: wrap; gap: 4px; flex: 1 1 auto; min-width: 0; }
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
    this.route = null; // set by show(), once the user (and so the screens they may open) is known
    this.showing = 0; // a screen whose code loads after a later navigation is not shown
  }

  connectedCallback() {
    super.connectedCallback();
    registerServiceWorker((registration) => (this.pendingUpdate = registration));
    this.addEventListener("logged-in", (event) => this.loggedIn(event.detail));
    this.addEventListener("logged-out", () => this.sessionExpired());
    window.addEventListener(
      SYNC_STATUS_EVENT,
      (event) => event.detail.state === "auth" && this.sessionExpired(),
    );
    window.addEventListener(DB_LOST_EVENT, () => (this.dbLost = true));
    onLogoutElsewhere(() => this.loggedOutElsewhere());
    this.addEventListener("navigate", (event) => navigate(event.detail));
    onRouteChange((route) => this.show(route));
    this.restore();
  }

  // The screen for `route` as the user's role allows: a screen they may not open sends them to
  // their landing screen instead (and the address bar says so); a path that names no screen
  // shows the landing screen.
  async show(route) {
    if (!this.user) return;
    const role = this.user.role;
    const shown = guard(route, role);
    if (route.screen && shown !== route) return navigate(landingPath(role), { replace: true });
    const showing = ++this.showing;
    await screenEntry(shown.screen).load?.();
    if (showing === this.showing) this.route = shown;
  }

  follow(event) {
    const link = event
      .composedPath()
      .find((node) => node.tagName === "A" && node.dataset?.route !== undefined);
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
    // route: null until show() has guarded it for this user (the last one's may not be theirs).
    Object.assign(this, { blocked: null, sessionEnded: null, user, route: null });
    await setMeta("user", user);
    startSync();
    const { pathname } = window.location;
    await this.show(currentRoute());
    if (pathname === "/" || pathname === "/login") navigate(landingPath(user.role), { replace: true });
  }

  // With changes still waiting, ask first (renderLeaving); else clear the device and log out.
  async logOut() {
    if (this.leaving?.busy) return;
    const waiting = await count("outbox");
    if (waiting > 0) this.leaving = { waiting };
    else await this.leave();
  }

  async leave(options) {
    this.leaving = { ...this.leaving, busy: true };
    try {
      const { waiting } = await endSession(options);
      if (waiting > 0)
        this.leaving = { waiting }; // a change saved meanwhile (another tab): ask again
      else this.loggedOut();
    } catch (error) {
      this.leaving = null; // not cleared (the storage is gone, see dbLost): still logged in
      throw error;
    }
  }

  // "Send them, then log out": one sync run; what it could not send is still asked about.
  async sendThenLeave() {
    this.leaving = { ...this.leaving, busy: true, sending: true, failed: false };
    const waiting = await sendWaiting();
    if (!this.leaving) return; // the session ended meanwhile: sessionExpired() took over
    if (waiting === 0) await this.leave();
    else this.leaving = { waiting, failed: true };
  }

  loggedOut() {
    Object.assign(this, { user: null, blocked: null, leaving: null, sessionEnded: null, route: null });
  }

  // Another tab logged out and cleared the device: this one follows.
  async loggedOutElsewhere() {
    await stopSync();
    this.loggedOut();
  }

  // The user held back by the previous user's changes logs out again: those changes, and the
  // rest of that user's data, stay on the device for them.
  async withdraw() {
    await api.logout().catch(() => {});
    this.blocked = null;
  }

  // The server no longer knows this session: log in again; nothing on the device is dropped.
  async sessionExpired() {
    stopSync("auth");
    if (!this.user) return;
    this.sessionEnded = { waiting: await count("outbox") };
    await setMeta("user", null);
    Object.assign(this, { user: null, leaving: null, route: null });
  }

  async discardAndContinue() {
    await discardWaiting();
    await this.loggedIn(this.blocked.user, { discard: true });
  }

  renderLeaving() {
    const { waiting, busy, sending, failed } = this.leaving;
    return html`<wp-waiting-changes class="leaving" .waiting=${waiting} ?busy=${busy}
        .message=${t("sync.logOutWaiting", { n: waiting })} .discardLabel=${t("sync.discardAndLogOut")}
        @discard=${() => this.leave({ discard: true })}>
      ${failed ? html`<p class="not-sent">${t("sync.notSent")}</p>` : ""}
      <button class="send" ?disabled=${busy} @click=${this.sendThenLeave}>${sending ? t("sync.sending") : t("sync.sendAndLogOut")}</button>
      <button class="stay" ?disabled=${busy} @click=${() => (this.leaving = null)}>${t("sync.stayLoggedIn")}</button>
    </wp-waiting-changes>`;
  }

  renderNotice() {
    if (this.blocked) {
      const { waiting, previous } = this.blocked;
      return html`<wp-waiting-changes class="other-user" .waiting=${waiting} .message=${t("sync.otherUser", { n: waiting, name: previous })}
          .discardLabel=${t("sync.discard")} @discard=${this.discardAndContinue}>
        <button class="log-out" @click=${this.withdraw}>${t("logOut")}</button></wp-waiting-changes>`;
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
    if (!this.user)
      return html`${lost}${banner}<wp-install></wp-install>${this.renderNotice()}<wp-login></wp-login>`;
    const link = ({ path, screen, nav }) =>
      html`<a href=${path} data-route aria-current=${this.route?.screen === screen ? "page" : "false"}>${t(nav)}</a>`;
    return html`${lost}${banner}<wp-install></wp-install><header @click=${this.follow}><strong>${t("appName")}</strong>
        <nav>${navFor(this.user.role).map(link)}</nav>
        <wp-language></wp-language>
        <button @click=${this.logOut} title=${this.user.name}>${t("logOut")}</button></header>
      <wp-sync-status @click=${this.follow}></wp-sync-status>${this.leaving ? this.renderLeaving() : ""}
      <wp-task-notice .user=${this.user} @click=${this.follow}></wp-task-notice>
      <main @click=${this.follow}><wp-reminders></wp-reminders><wp-visits-in-progress .except=${this.route?.accountId ?? null}></wp-visits-in-progress>${this.route ? screenEntry(this.route.screen).view(this.route) : ""}</main>`;
  }
}
customElements.define("wp-app", AppShell);
