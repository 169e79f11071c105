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

/** `work` run once, `ms` after the last call of a burst of calls; `.cancel()` drops a pending run. */
export function debounced(work, ms) {
  let timer = null;
  const run = () => {
    clearTimeout(timer);
    timer = setTimeout(work, ms);
  };
  run.cancel = () => clearTimeout(timer);
  return run;
}
