// Every screen of the app in one table: its path, who may open it, its label in the navigation
// (if it has one), how its code loads and what the shell renders for it. The router, the
// navigation and the guard all read this table, so a screen is added in one place. DOM-free
// (lit's html only builds templates), so it is unit-tested in node.
import { html } from "lit";

export const ROLES = Object.freeze(["rep", "manager", "admin"]);
const EVERYONE = ROLES;
const OFFICE = Object.freeze(["manager", "admin"]);
const UUID = "[0-9a-f-]{36}"; // as loose as the server's ids need, as the routes always were
const UUID_ONLY = new RegExp(`^${UUID}$`, "i");

// One template for both account paths, so going from a new account to the saved one keeps the
// same element (and what it shows) instead of making another.
const accountView = (route) =>
  html`<wp-account .accountId=${route.accountId} .taskId=${route.taskId}></wp-account>`;
// The same for a campaign: saving a new one moves to its own path and keeps the builder.
const campaignView = (route) => html`<wp-campaign .campaignId=${route.campaignId}></wp-campaign>`;

/** A query parameter that must be an id: lower-cased, or null when absent or malformed. */
function idParam(search, name) {
  const value = new URLSearchParams(search).get(name) ?? "";
  return UUID_ONLY.test(value) ? value.toLowerCase() : null;
}

// Each entry: `screen` (its name in a route), `path` (a string, or a RegExp whose groups
// `params(match, search)` reads), `roles` allowed, `nav` (the i18n key of its navigation link,
// in table order), `landing` (the roles that start on it), `load` (its code, loaded when opened;
// none for the screens the shell loads itself) and `view(route)` (what the shell renders).
export const SCREENS = Object.freeze([
  {
    screen: "team",
    path: "/team",
    roles: OFFICE,
    nav: "nav.team",
    landing: OFFICE,
    load: () => import("./views/team-view.js"),
    view: () => html`<wp-team></wp-team>`,
  },
  {
    screen: "rep-day",
    path: new RegExp(`^/team/(${UUID})$`, "i"),
    params: (match) => ({ repId: match[1].toLowerCase() }),
    roles: OFFICE,
    load: () => import("./views/rep-day-view.js"),
    view: (route) => html`<wp-rep-day .repId=${route.repId}></wp-rep-day>`,
  },
  {
    screen: "assign",
    path: "/assign",
    // Opened from a rep's day (?rep=) or for an account (?account=): those come preselected.
    params: (_, search) => ({ repId: idParam(search, "rep"), accountId: idParam(search, "account") }),
    roles: OFFICE,
    nav: "nav.assign",
    load: () => import("./views/assign-view.js"),
    view: (route) => html`<wp-assign .repId=${route.repId} .accountId=${route.accountId}></wp-assign>`,
  },
  {
    screen: "campaigns",
    path: "/campaigns",
    roles: OFFICE,
    nav: "nav.campaigns",
    load: () => import("./views/campaigns-view.js"),
    view: () => html`<wp-campaigns></wp-campaigns>`,
  },
  {
    // A new campaign, or a saved one: the builder while it is a draft, its progress once launched.
    screen: "campaign",
    path: "/campaigns/new",
    params: () => ({ campaignId: null }),
    roles: OFFICE,
    load: () => import("./views/campaign-view.js"),
    view: campaignView,
  },
  {
    screen: "campaign",
    path: new RegExp(`^/campaigns/(${UUID})$`, "i"),
    params: (match) => ({ campaignId: match[1].toLowerCase() }),
    roles: OFFICE,
    load: () => import("./views/campaign-view.js"),
    view: campaignView,
  },
  {
    screen: "territories",
    path: "/territories",
    roles: OFFICE,
    nav: "nav.territories",
    load: () => import("./views/territories-view.js"),
    view: () => html`<wp-territories></wp-territories>`,
  },
  {
    screen: "today",
    path: "/today",
    roles: EVERYONE,
    nav: "nav.today",
    load: () => import("./views/today-view.js"),
    view: () => html`<wp-today></wp-today>`,
  },
  {
    screen: "plan-day",
    path: "/plan",
    roles: EVERYONE,
    nav: "nav.plan",
    load: () => import("./views/plan-day-view.js"),
    view: () => html`<wp-plan-day></wp-plan-day>`,
  },
  {
    // Opened from Plan my day; the server plans it, so it is online only.
    screen: "plan-week",
    path: "/plan/week",
    roles: EVERYONE,
    load: () => import("./views/plan-week-view.js"),
    view: () => html`<wp-plan-week></wp-plan-week>`,
  },
  {
    screen: "near",
    path: "/near",
    roles: EVERYONE,
    nav: "nearMe",
    landing: ["rep"],
    view: () => html`<wp-near></wp-near>`,
  },
  {
    screen: "map",
    path: "/map",
    roles: EVERYONE,
    nav: "map",
    load: () => import("./views/map-view.js"),
    view: () => html`<wp-map></wp-map>`,
  },
  {
    screen: "account",
    path: "/accounts/new",
    params: () => ({ accountId: null }),
    roles: EVERYONE,
    load: () => import("./views/account-view.js"),
    view: accountView,
  },
  {
    screen: "account",
    path: new RegExp(`^/accounts/(${UUID})$`, "i"),
    // Opened from a task (?task=<id>): the visit started there is linked to it.
    params: (match, search) => ({ accountId: match[1].toLowerCase(), taskId: idParam(search, "task") }),
    roles: EVERYONE,
    load: () => import("./views/account-view.js"),
    view: accountView,
  },
  {
    screen: "inbox",
    path: "/inbox",
    roles: EVERYONE,
    load: () => import("./views/inbox-view.js"),
    view: () => html`<wp-inbox></wp-inbox>`,
  },
  {
    screen: "settings",
    path: "/settings",
    roles: EVERYONE,
    load: () => import("./views/settings-view.js"),
    view: () => html`<wp-settings></wp-settings>`,
  },
  {
    screen: "diagnostics",
    path: "/diagnostics",
    roles: EVERYONE,
    load: () => import("./views/diagnostics-view.js"),
    view: () => html`<wp-diagnostics></wp-diagnostics>`,
  },
]);

const FALLBACK_ROLE = "rep";

function matches(entry, pathname) {
  if (typeof entry.path === "string") return entry.path === pathname ? [pathname] : null;
  return pathname.match(entry.path);
}

/** The screen a path names, with its parameters ({screen, ...params}); {screen: null} if none. */
export function matchPath(pathname, search = "") {
  for (const entry of SCREENS) {
    const match = matches(entry, pathname);
    if (match) return { screen: entry.screen, ...(entry.params?.(match, search) ?? {}) };
  }
  return { screen: null };
}

/** The table's entry for a screen name (the first, for a screen with several paths). */
export function screenEntry(screen) {
  return SCREENS.find((entry) => entry.screen === screen) ?? null;
}

/** Whether `role` may open `screen`. An unknown role counts as a rep's. */
export function allowed(screen, role) {
  const entry = screenEntry(screen);
  return Boolean(entry) && entry.roles.includes(ROLES.includes(role) ? role : FALLBACK_ROLE);
}

/** The screen `role` starts on (after login, and for `/` or a path that names no screen). */
export function landingScreen(role) {
  const known = ROLES.includes(role) ? role : FALLBACK_ROLE;
  return SCREENS.find((entry) => entry.landing?.includes(known)).screen;
}

/** The path of `role`'s landing screen. */
export function landingPath(role) {
  return screenEntry(landingScreen(role)).path;
}

/**
 * The route `role` is shown for `route` (from matchPath): the route itself when allowed, else
 * the role's landing screen (a rep opening /team gets Near me, not the Team screen).
 */
export function guard(route, role) {
  return route.screen && allowed(route.screen, role) ? route : { screen: landingScreen(role) };
}

/** The navigation links of `role`, in table order: [{screen, path, nav}]. */
export function navFor(role) {
  return SCREENS.filter((entry) => entry.nav && allowed(entry.screen, role)).map(({ screen, path, nav }) => ({
    screen,
    path,
    nav,
  }));
}
