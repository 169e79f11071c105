// The sync engine: push the outbox in batches, then pull the server's changes, until both are
// done; retry with backoff on any failure without ever dropping a mutation. The page owns the
// protocol (Background Sync does not exist on iOS), so it runs on every hint there is: start, a
// local change, `online`, the page becoming visible or shown again, a Socket.IO poke, a timer,
// and the service worker's `sync` event. One run at a time per tab, and a Web Lock makes tabs
// take turns (the server deduplicates anyway).
import { ApiError, api, hasCsrfToken, request, setCsrfToken } from "../api/client.js";
import { acknowledge, storePull, syncState, updateSyncState, waiting } from "../store/outbox.js";
import {
  BATCH_LIMITS,
  backoffDelay,
  classifyFailure,
  firstBatch,
  parseRetryAfter,
  wireMutation,
} from "./logic.js";

/** Fired on window whenever the engine's status changes (syncing, offline, error, auth...). */
export const SYNC_STATUS_EVENT = "wp-sync-status";
const LOCK_NAME = "waypoint-sync";
const DEBOUNCE_MS = 250;
const PERIOD_MS = 60 * 1000; // a pull now and then while all is well; pokes make it faster
const PULL_LIMIT = 500;

const withLock = (work) => (globalThis.navigator?.locks ? navigator.locks.request(LOCK_NAME, work) : work());

class BadResponse extends ApiError {
  constructor(what) {
    super(502, "bad_response", `unexpected ${what} answer`);
  }
}

export class SyncEngine {
  constructor() {
    this.state = "idle"; // idle | syncing | offline | error | auth
    this.lastError = null;
    this.attempt = 0;
    this.timer = null;
    this.debounce = null;
    this.running = null;
    this.again = false;
    this.started = false;
    this.aborter = null; // ends the requests in flight when the engine stops
    this.listeners = [];
  }

  /** Start syncing (after login) and listen to every trigger. */
  start() {
    if (this.started) return this.trigger("start");
    this.started = true;
    this.aborter = new AbortController();
    const on = (target, type, handler) => {
      target.addEventListener(type, handler);
      this.listeners.push(() => target.removeEventListener(type, handler));
    };
    const now = () => this.trigger("hint");
    on(window, "online", now);
    on(window, "pageshow", now);
    on(document, "visibilitychange", () => document.visibilityState === "visible" && now());
    if ("serviceWorker" in navigator) {
      on(navigator.serviceWorker, "message", (event) => event.data?.type === "SYNC" && now());
    }
    this.trigger("start");
  }

  /**
   * Stop (logged out or session ended); nothing stored is touched. The requests in flight are
   * abandoned; resolves once the run under way has ended, so nothing it would still write lands
   * after the caller's next step (a logout clearing the device).
   */
  stop(state = "idle") {
    this.started = false;
    this.aborter?.abort();
    for (const remove of this.listeners.splice(0)) remove();
    clearTimeout(this.timer);
    clearTimeout(this.debounce);
    // Only a change is announced: a listener that stops the engine on "auth" would run again.
    if (state !== this.state) this.setState(state);
    return this.running ?? Promise.resolve();
  }

  /** A local change was saved: sync shortly (a burst of taps makes one push). */
  soon() {
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => this.trigger("change"), DEBOUNCE_MS);
  }

  /** Run now; a hint from the outside world resets the backoff. */
  trigger(reason = "hint") {
    if (!this.started) return Promise.resolve();
    if (reason !== "timer") this.attempt = 0;
    clearTimeout(this.timer);
    return this.run();
  }

  run() {
    if (this.running) {
      this.again = true; // something changed during this run: go round once more
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await withLock(() => this.cycle());
      } while (this.again && this.started);
    })().finally(() => (this.running = null));
    return this.running;
  }

  async cycle() {
    if (!this.started || !(await syncState())) return; // stopped, or nobody on this device any more
    this.setState("syncing");
    try {
      await this.ensureSession();
      await this.pushAll();
      await this.pullAll();
      await this.succeeded();
    } catch (error) {
      await this.failed(error);
    }
  }

  // An app started offline has no CSRF token yet; an expired token (403 csrf_failed) is renewed.
  async ensureSession() {
    if (hasCsrfToken()) return;
    const session = await api.me();
    setCsrfToken(session.csrf_token);
  }

  async pushAll() {
    const limits = { ...BATCH_LIMITS };
    for (;;) {
      const { client_id } = await syncState();
      const batch = firstBatch(await waiting(limits.count), limits);
      if (batch.length === 0) return;
      let answer;
      try {
        const body = { client_id, mutations: batch.map(wireMutation) };
        answer = await request("/sync/push", { method: "POST", body, signal: this.aborter?.signal });
      } catch (error) {
        // Too large for the server after all: halve the batch (one mutation always goes alone).
        if (classifyFailure(error) === "split" && batch.length > 1) {
          limits.count = Math.ceil(batch.length / 2);
          continue;
        }
        throw error;
      }
      // A 200 with a body we cannot read (cut short) acknowledges nothing: retry it.
      if (!Number.isInteger(answer?.last_mutation_id)) throw new BadResponse("push");
      await acknowledge(answer.last_mutation_id, answer.results ?? []);
      if (answer.last_mutation_id < batch[0].id) throw new BadResponse("push (mutation id gap)");
    }
  }

  // Pages until the server has no more; a full snapshot's pages may span several runs (offline,
  // a reload between two of them): the store keeps what it needs to finish one (store/snapshot.js).
  async pullAll() {
    for (;;) {
      const { client_id, cursor = null } = await syncState();
      const query = new URLSearchParams({ client_id, limit: String(PULL_LIMIT) });
      if (cursor) query.set("cursor", cursor);
      let page;
      try {
        page = await request(`/sync/pull?${query}`, { signal: this.aborter?.signal });
      } catch (error) {
        // The server no longer takes this cursor (its SECRET_KEY changed, or the cursor is of
        // an older format): download everything again, as "Download everything again" does.
        if (!cursor || error.code !== "invalid_cursor") throw error;
        await updateSyncState({ cursor: null });
        continue;
      }
      if (!Array.isArray(page?.changes)) throw new BadResponse("pull");
      const stored = await storePull(page, cursor);
      if (stored && !page.has_more) return; // not stored: the cursor moved meanwhile, go on from it
    }
  }

  async succeeded() {
    this.attempt = 0;
    this.lastError = null;
    const state = await syncState();
    await updateSyncState({
      last_synced_at: new Date().toISOString(),
      last_error: null,
      persist_asked: true,
    });
    if (!state.persist_asked) globalThis.navigator?.storage?.persist?.().catch(() => {});
    this.setState("idle");
    this.schedule(PERIOD_MS);
  }

  async failed(error) {
    if (!this.started) return; // stopped meanwhile (its requests abandoned): nothing to retry
    const kind = classifyFailure(error);
    if (error.code === "csrf_failed") setCsrfToken(null);
    this.lastError = {
      status: error.status ?? null,
      code: error.code ?? error.name,
      message: error.message,
      at: new Date().toISOString(),
    };
    await updateSyncState({ last_error: this.lastError }).catch(() => {});
    if (kind === "auth") {
      // The session ended: keep everything, wait for the rep to log in again (start() resumes).
      this.stop("auth");
      return;
    }
    this.attempt += 1;
    this.setState(kind === "offline" ? "offline" : "error");
    this.schedule(backoffDelay(this.attempt, { retryAfterMs: parseRetryAfter(error.retryAfter) }));
  }

  schedule(delay) {
    clearTimeout(this.timer);
    if (this.started) this.timer = setTimeout(() => this.trigger("timer"), delay);
  }

  setState(state) {
    this.state = state;
    window.dispatchEvent(new CustomEvent(SYNC_STATUS_EVENT, { detail: { state, error: this.lastError } }));
  }
}

/** The page's one engine. */
export const engine = new SyncEngine();
