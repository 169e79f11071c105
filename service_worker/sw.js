// Waypoint's service worker: precache the versioned shell, answer navigations with it when
// offline, keep viewed map tiles for a while. API data is never cached here: the page stores it
// in IndexedDB, so what a rep saw last is there with the network gone. A logout clears that and
// every cache but the shell's and the tiles' (pwa/src/store/caches.js).
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from "workbox-precaching";
import { NavigationRoute, registerRoute } from "workbox-routing";
import { CacheFirst } from "workbox-strategies";
import { ExpirationPlugin } from "workbox-expiration";
import { MAP_TILES_CACHE } from "../pwa/src/store/caches.js";

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();

registerRoute(
  new NavigationRoute(createHandlerBoundToURL("/index.html"), {
    denylist: [/^\/api\//, /^\/socket\.io\//, /^\/healthz/],
  }),
);

// Map tiles come from another origin (the configured tile server): cache as viewed, capped.
registerRoute(
  ({ request, url }) => request.destination === "image" && url.origin !== self.location.origin,
  new CacheFirst({
    cacheName: MAP_TILES_CACHE,
    plugins: [
      new ExpirationPlugin({ maxEntries: 2000, maxAgeSeconds: 30 * 24 * 3600, purgeOnQuotaError: true }),
    ],
  }),
);

self.addEventListener("message", (event) => {
  if (event.data?.type === "SKIP_WAITING") self.skipWaiting();
});

// Background Sync (Chromium): the connection is back. The page owns the sync protocol, so the
// worker only wakes the open pages to run their engine; without one open, the next start syncs.
self.addEventListener("sync", (event) => {
  if (event.tag !== "waypoint-outbox") return;
  event.waitUntil(
    self.clients
      .matchAll({ type: "window", includeUncontrolled: true })
      .then((pages) => pages.forEach((page) => page.postMessage({ type: "SYNC" }))),
  );
});
