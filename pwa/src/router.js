// Client-side routes: which screen a path shows (the screen table in screens.js says). Links
// call navigate(); the back button works through popstate. Every path here is also answered by
// the server with the app's shell. Which role may see the screen is the shell's question
// (screens.js guard()): the router knows paths, not users.
import { matchPath } from "./screens.js";

const listeners = new Set();

/** The screen a path names ({screen, ...params}); {screen: null} for one that names none. */
export function matchRoute(pathname, search = "") {
  return matchPath(pathname, search);
}

export function currentRoute() {
  return matchRoute(window.location.pathname, window.location.search);
}

export function navigate(path, { replace = false } = {}) {
  if (path !== window.location.pathname + window.location.search) {
    window.history[replace ? "replaceState" : "pushState"]({}, "", path);
  }
  for (const listener of listeners) listener(currentRoute());
}

export function onRouteChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

// Guarded so matchRoute can be imported (and unit-tested) outside a browser.
if (typeof window !== "undefined") {
  window.addEventListener("popstate", () => {
    for (const listener of listeners) listener(currentRoute());
  });
}
