// Client-side routes: which screen a path shows. Links call navigate(); the back button works
// through popstate. Every path here is also answered by the server with the app's shell.
const listeners = new Set();

export function matchRoute(pathname, search = "") {
  if (pathname === "/map") return { screen: "map" };
  if (pathname === "/today") return { screen: "today" };
  if (pathname === "/inbox") return { screen: "inbox" };
  if (pathname === "/settings") return { screen: "settings" };
  if (pathname === "/diagnostics") return { screen: "diagnostics" };
  if (pathname === "/accounts/new") return { screen: "account", accountId: null };
  const account = pathname.match(/^\/accounts\/([0-9a-f-]{36})$/i);
  if (account) {
    // Opened from a task (?task=<id>): the visit started there is linked to it.
    const task = new URLSearchParams(search).get("task");
    const taskId = /^[0-9a-f-]{36}$/i.test(task ?? "") ? task.toLowerCase() : null;
    return { screen: "account", accountId: account[1].toLowerCase(), taskId };
  }
  return { screen: "near" };
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
