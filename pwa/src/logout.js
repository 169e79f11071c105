// Logging out clears the device of the organisation's data: every IndexedDB store (rows, outbox,
// inbox, sync state, visits in progress, last position) and every cache of the service worker
// but the app's own files and the map tiles. Changes not yet sent hold it back: the rep sends
// them first or discards them knowingly (app-shell.js asks; views/waiting-changes.js).
import { api } from "./api/client.js";
import { forgetCachedAnswers } from "./store/caches.js";
import { forgetEverything, forgetUnlessWaiting } from "./store/db.js";
import { startSync, stopSync } from "./sync/index.js";

const CHANNEL = "waypoint-session"; // tabs of the app tell each other about a logout
let channel = null; // one per page: a channel does not hear what it sends itself

/**
 * End the session on this device. Without `discard`, nothing happens while changes wait:
 * resolves `{waiting: n}` and sync goes on. Otherwise (or with `discard`) the device is cleared,
 * the other tabs are told, then the server ends the session (a keepalive request: a reload right
 * after cannot cancel it), and `{waiting: 0}` comes back.
 */
export async function endSession({ discard = false } = {}) {
  await stopSync(); // no sync run may write after the clearing
  const waiting = await (discard ? forgetEverything().then(() => 0) : forgetUnlessWaiting()).catch(
    (error) => {
      startSync(); // the device could not be cleared (its storage is gone): still logged in
      throw error;
    },
  );
  if (waiting > 0) {
    startSync();
    return { waiting };
  }
  await forgetCachedAnswers().catch(() => {}); // storage refused: nothing could be cached there either
  sessionChannel()?.postMessage("logged-out");
  await api.logout().catch(() => {}); // offline: the session ends on the server when it expires
  return { waiting: 0 };
}

function sessionChannel() {
  if (typeof BroadcastChannel === "undefined") return null;
  channel ??= new BroadcastChannel(CHANNEL);
  return channel;
}

/** Call `loggedOut()` when another tab of the app logged out (this one's data is gone too). */
export function onLogoutElsewhere(loggedOut) {
  const tabs = sessionChannel();
  if (tabs) tabs.onmessage = (event) => event.data === "logged-out" && loggedOut();
}
