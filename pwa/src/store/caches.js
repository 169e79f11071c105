// The service worker's caches, as the page sees them (CacheStorage is shared by both). Two hold
// nothing of an organisation and stay at a logout: Workbox's precache of the app's own files and
// the map tiles. Every other cache is taken for the organisation's (an API answer kept by any
// version of the app) and goes when the device is cleared.
const PRECACHE_PREFIX = "workbox-precache";
/** The service worker's cache of viewed map tiles (see service_worker/sw.js). */
export const MAP_TILES_CACHE = "map-tiles";

/** Whether cache `name` stays on the device when its user logs out. */
export function keptAtLogout(name) {
  return name === MAP_TILES_CACHE || name.startsWith(PRECACHE_PREFIX);
}

/** Delete every cache but those kept at logout; resolves with the names deleted. */
export async function forgetCachedAnswers(storage = globalThis.caches) {
  if (!storage) return []; // no CacheStorage (an insecure origin): nothing was cached either
  const names = (await storage.keys()).filter((name) => !keptAtLogout(name));
  await Promise.all(names.map((name) => storage.delete(name)));
  return names;
}
