// What the views use: save a change (outbox + optimistic row, then sync soon) and start or stop
// syncing with the session. The Socket.IO client is loaded only after login, in its own chunk,
// so the shell stays light; a poke (or a reconnect) only makes the engine pull.
import { OUTBOX_EVENT, outcomeOf, record, recordAction, waitingCount } from "../store/outbox.js";
import { SYNC_STATUS_EVENT, engine } from "./engine.js";

const BACKGROUND_SYNC_TAG = "waypoint-outbox";
/**
 * Fired on window for every live event the socket brings (detail: {type, data}): "connect" on
 * each (re)connect, "sync.poke", and the task events with their task. Hints only: a screen that
 * shows server data fetches it again; the device's own rows still come through the pull.
 */
export const REALTIME_EVENT = "wp-realtime";
const TASK_EVENTS = ["task.created", "task.updated", "task.deleted"];
let socket = null;

/** Record one user action; resolves once it is saved on the device. */
export async function saveChange(op, data, options) {
  return sendSoon(await record(op, data, options));
}

/** Record one user action of several changes ({op, data, base_version?}), all saved or none. */
export async function saveAction(changes, options) {
  return sendSoon(await recordAction(changes, options));
}

// Saved on the device: have it pushed soon (now, or when the connection is back).
function sendSoon(saved) {
  engine.soon();
  askForBackgroundSync();
  return saved;
}

/**
 * Call `settled(outcome)` once mutation `id` is answered by the server (see outcomeOf), and
 * `paused()` whenever the engine stops short of that for now (offline, server trouble, logged
 * out). Returns a function that stops watching.
 */
export function watchMutation(id, { settled, paused = () => {} }) {
  let done = false;
  const check = async () => {
    const outcome = await outcomeOf(id);
    if (!outcome || done) return;
    stop();
    settled(outcome);
  };
  const onStatus = (event) => {
    if (["offline", "error", "auth"].includes(event.detail.state)) paused(event.detail.state);
    else check();
  };
  const stop = () => {
    done = true;
    window.removeEventListener(OUTBOX_EVENT, check);
    window.removeEventListener(SYNC_STATUS_EVENT, onStatus);
  };
  window.addEventListener(OUTBOX_EVENT, check);
  window.addEventListener(SYNC_STATUS_EVENT, onStatus);
  check();
  return stop;
}

// Chromium wakes the service worker with a `sync` event when the connection is back, even if
// this tab went to the background; the worker then tells the open pages to run the engine.
function askForBackgroundSync() {
  navigator.serviceWorker?.ready
    .then((registration) => registration.sync?.register(BACKGROUND_SYNC_TAG))
    .catch(() => {}); // unsupported or refused: the page's own triggers remain
}

let session = 0; // bumped on stop, so a socket that finishes loading after a logout is not opened

/** Sync for the logged-in user: run now, on every trigger, and on pokes. */
export function startSync() {
  engine.start();
  if (!socket) connectRealtime(session);
}

/**
 * Logged out (or the session ended): stop; the outbox stays on the device. Resolves once the
 * sync run under way, if any, has ended.
 */
export function stopSync(state) {
  session += 1;
  socket?.disconnect();
  socket = null;
  return engine.stop(state);
}

/**
 * Send what waits now (the rep asked to before logging out): resolves with the number still
 * waiting after one full run, 0 once the server has acknowledged everything.
 */
export async function sendWaiting() {
  await engine.trigger("send");
  return waitingCount();
}

async function connectRealtime(mine) {
  try {
    const { io } = await import("socket.io-client");
    if (mine !== session || socket) return;
    socket = io({ path: "/socket.io", withCredentials: true });
    const tell = (type, data = null) =>
      window.dispatchEvent(new CustomEvent(REALTIME_EVENT, { detail: { type, data } }));
    // The screens hear of it first, so they see the device's rows as they were before the pull.
    socket.on("connect", () => {
      tell("connect");
      engine.trigger("connect"); // pokes may have been missed meanwhile
    });
    socket.on("sync.poke", () => {
      tell("sync.poke");
      engine.trigger("poke");
    });
    // A task event carries the task, but the pull is the truth: it only says "pull now".
    for (const event of TASK_EVENTS) {
      socket.on(event, (data) => {
        tell(event, data);
        engine.trigger("poke");
      });
    }
  } catch {
    socket = null; // offline and the chunk is not cached yet: the timer and other triggers remain
  }
}

export { engine };
