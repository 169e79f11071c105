// Interface strings. English now; other languages add a table with the same keys.
const STRINGS = {
  en: {
    appName: "Waypoint",
    email: "Email",
    password: "Password",
    logIn: "Log in",
    logOut: "Log out",
    nearMe: "Near me",
    locating: "Finding where you are…",
    accuracy: "accurate to {m}",
    locationDenied: "Location is off. Enter a place to search around it.",
    searchHere: "Search here",
    latitude: "Latitude",
    longitude: "Longitude",
    allKinds: "All",
    customer: "Customer",
    prospect: "Prospect",
    lastVisit: "last visit {when}",
    neverVisited: "never visited",
    offline: "Offline: showing what this device saw last.",
    noAccounts: "No accounts around here.",
    updateReady: "Update ready",
    reload: "Reload",
  },
};

const language = (navigator.languages?.[0] ?? navigator.language ?? "en").split("-")[0];
export const locale = navigator.language ?? "en";
const table = STRINGS[language] ?? STRINGS.en;

export function t(key, values = {}) {
  const text = table[key] ?? STRINGS.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => values[name] ?? "");
}
