// A Lit controller that holds a view's listeners on window or document while the view is on
// the page: added when it connects, removed when it leaves, so no view repeats that pairing.
export class Listen {
  /** `listeners`: [[target, type, handler], ...]. */
  constructor(host, listeners) {
    this.listeners = listeners;
    host.addController(this);
  }

  hostConnected() {
    for (const [target, type, handler] of this.listeners) target.addEventListener(type, handler);
  }

  hostDisconnected() {
    for (const [target, type, handler] of this.listeners) target.removeEventListener(type, handler);
  }
}

/**
 * `work` run once `ms` after the last call of a burst of calls, and at least every `maxMs` while
 * a burst goes on (a campaign launching a thousand tasks must not keep a screen stale until it
 * ends); `.cancel()` drops a pending run.
 */
export function debounced(work, ms, maxMs = 5 * ms) {
  let timer = null;
  let first = null; // when the burst under way began
  const cancel = () => {
    clearTimeout(timer);
    timer = first = null;
  };
  const run = () => {
    const now = Date.now();
    first ??= now;
    clearTimeout(timer);
    timer = setTimeout(
      () => {
        cancel();
        work();
      },
      Math.max(0, Math.min(ms, first + maxMs - now)),
    );
  };
  run.cancel = cancel;
  return run;
}
