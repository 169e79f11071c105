// Page side of the service worker: register it, look for updates, and apply one only when the
// user accepts ("Update ready" banner), then reload once the new worker controls the page.
export function registerServiceWorker(onUpdateReady) {
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.register("/sw.js", { scope: "/", updateViaCache: "none" }).then((registration) => {
    const announce = () =>
      registration.waiting && navigator.serviceWorker.controller && onUpdateReady(registration);
    announce();
    registration.addEventListener("updatefound", () => {
      registration.installing?.addEventListener("statechange", announce);
    });
    const check = () => registration.update().catch(() => {});
    check();
    document.addEventListener("visibilitychange", () => document.visibilityState === "visible" && check());
  });
  let reloading = false;
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    if (reloading) return;
    reloading = true;
    window.location.reload();
  });
}

export function applyUpdate(registration) {
  registration.waiting?.postMessage({ type: "SKIP_WAITING" });
}
