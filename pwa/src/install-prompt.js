import { LitElement, css, html } from "lit";
import { t } from "./i18n.js";

// "Install Waypoint": Chromium's own prompt, offered from a small bar at the bottom of the screen
// (fixed, so it never shifts the page), and on iOS Safari, which has no prompt, the two taps that
// add the app to the Home Screen. Nothing shows once the app runs installed.
const DISMISSED_KEY = "waypoint.install.dismissed";

// The shell swaps its whole screen (login <-> app), so <wp-install> is recreated; the captured
// event must outlive any one element. Chromium fires it once, possibly before the element exists.
let deferredPrompt = null;
const elements = new Set();
const refresh = () => elements.forEach((element) => element.requestUpdate());

window.addEventListener("beforeinstallprompt", (event) => {
  event.preventDefault();
  deferredPrompt = event;
  refresh();
});
window.addEventListener("appinstalled", () => {
  deferredPrompt = null;
  refresh();
});

const standaloneQuery = window.matchMedia("(display-mode: standalone)");
standaloneQuery.addEventListener?.("change", refresh);

export function isStandalone() {
  return standaloneQuery.matches || navigator.standalone === true;
}

// iPhone, iPod, iPad (iPadOS says "Macintosh" but has a touch screen), in Safari itself: other
// iOS browsers and in-app web views name themselves and may lack "Add to Home Screen".
export function isIosSafari(userAgent = navigator.userAgent, touchPoints = navigator.maxTouchPoints) {
  const ios = /iPhone|iPad|iPod/.test(userAgent) || (/Macintosh/.test(userAgent) && touchPoints > 1);
  return (
    ios && /Safari\//.test(userAgent) && !/CriOS|FxiOS|EdgiOS|OPiOS|GSA\/|FBAN|Instagram/.test(userAgent)
  );
}

function wasDismissed() {
  try {
    return localStorage.getItem(DISMISSED_KEY) === "1";
  } catch {
    return false; // storage blocked: ask again next time rather than fail
  }
}

export class InstallPrompt extends LitElement {
  static properties = { dismissed: { state: true } };

  static styles = css`
    :host { display: contents; }
    .bar {
      position: fixed; left: 8px; right: 8px; bottom: calc(8px + env(safe-area-inset-bottom)); z-index: 10;
      display: flex; gap: 8px; align-items: center; max-width: 560px; margin: 0 auto; padding: 8px;
      background: var(--card, #fff); color: var(--fg, #14161c); border: 1px solid var(--border, #dfe3ea);
      border-radius: 12px; box-shadow: 0 4px 16px rgb(0 0 0 / 0.18); font-size: 0.95rem;
    }
    .text { flex: 1; padding-left: 6px; }
    .text p { margin: 0; }
    .text p + p { margin-top: 2px; }
    button { min-height: 44px; min-width: 44px; border-radius: 8px; font-size: 1rem; cursor: pointer; }
    .install { flex: 1; border: 0; padding: 0 14px; background: #0b5fff; color: #fff; font-weight: 600; }
    .close { padding: 0 14px; border: 1px solid var(--border, #dfe3ea); background: transparent; color: inherit; }
  `;

  constructor() {
    super();
    this.dismissed = wasDismissed();
  }

  connectedCallback() {
    super.connectedCallback();
    elements.add(this);
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    elements.delete(this);
  }

  async install() {
    const event = deferredPrompt;
    if (!event) return;
    // A prompt can be shown once; Chromium sends a fresh event if the app stays installable.
    deferredPrompt = null;
    refresh();
    await event.prompt();
  }

  dismiss() {
    this.dismissed = true;
    try {
      localStorage.setItem(DISMISSED_KEY, "1");
    } catch {
      // Storage blocked: hidden for this visit only.
    }
  }

  render() {
    if (this.dismissed || isStandalone()) return "";
    if (deferredPrompt) {
      // Only two short buttons: a paragraph here would become the page's largest text and so
      // its Largest Contentful Paint, painted whenever Chromium decides the app is installable.
      return this.bar(html`<button class="install" @click=${this.install}>${t("installApp")}</button>`);
    }
    if (isIosSafari()) {
      return this.bar(
        html`<div class="text"><p><strong>${t("installApp")}</strong></p><p>${t("iosInstallSteps")}</p></div>`,
      );
    }
    return "";
  }

  bar(content) {
    return html`<aside class="bar" aria-label=${t("installApp")}>
      ${content}
      <button class="close" @click=${this.dismiss}>${t("installNotNow")}</button>
    </aside>`;
  }
}
customElements.define("wp-install", InstallPrompt);
