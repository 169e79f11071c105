// Numbers, distances and dates in the user's locale (Intl), DOM-free. The caller passes the
// locale (i18n.js's `locale`, the language the user chose), not the browser's default.
const DAY_MS = 86400000;

/** A plain number with the locale's separators. */
export function formatNumber(value, locale, options = {}) {
  return new Intl.NumberFormat(locale, options).format(value);
}

/** A distance: whole metres below 1 km, then km with one decimal below 10 km, whole km above. */
export function formatDistance(metres, locale) {
  if (metres === null || metres === undefined || Number.isNaN(metres)) return "";
  if (Math.round(metres) < 1000) {
    return formatNumber(metres, locale, { style: "unit", unit: "meter", maximumFractionDigits: 0 });
  }
  const km = metres / 1000;
  const digits = km < 9.95 ? 1 : 0;
  return formatNumber(km, locale, { style: "unit", unit: "kilometer", maximumFractionDigits: digits });
}

// Days from `now` to `then` counted on the calendar (local time): yesterday evening is
// "yesterday" this morning, though fewer than 24 hours ago.
function calendarDays(then, now) {
  const day = (date) => Date.UTC(date.getFullYear(), date.getMonth(), date.getDate());
  return Math.round((day(then) - day(now)) / DAY_MS);
}

// The largest unit that reads naturally: days for a week, then weeks, months, years.
function relativeUnit(days) {
  const size = Math.abs(days);
  if (size < 7) return [days, "day"];
  if (size < 30) return [Math.round(days / 7), "week"];
  if (size < 335) return [Math.round(days / 30.44), "month"];
  return [Math.round(days / 365.25), "year"];
}

/** When `iso` was (or will be) relative to `now`: "yesterday", "3 weeks ago"; null without a date. */
export function formatRelativeDate(iso, locale, now = Date.now()) {
  if (!iso) return null;
  const [value, unit] = relativeUnit(calendarDays(new Date(iso), new Date(now)));
  return new Intl.RelativeTimeFormat(locale, { numeric: "auto" }).format(value, unit);
}

// The largest unit for a span of seconds that reads naturally: "just now" stays in seconds.
function sinceUnit(seconds) {
  const size = Math.abs(seconds);
  if (size < 60) return [Math.round(seconds), "second"];
  if (size < 3600) return [Math.round(seconds / 60), "minute"];
  if (size < 86400) return [Math.round(seconds / 3600), "hour"];
  return [Math.round(seconds / 86400), "day"];
}

/** How long ago `iso` was, to the minute ("5 minutes ago", "now"); null without a time. */
export function formatSince(iso, locale, now = Date.now()) {
  if (!iso) return null;
  const [value, unit] = sinceUnit(Math.min(0, (new Date(iso).getTime() - now) / 1000));
  return new Intl.RelativeTimeFormat(locale, { numeric: "auto" }).format(
    unit === "second" && value > -45 ? 0 : value,
    unit,
  );
}

/** A date and time in the user's locale ("23 Nov 2026, 09:30"). */
export function formatDateTime(iso, locale) {
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso));
}

/** A driving time: whole minutes below an hour, then hours and minutes ("1 hr 5 min"). */
export function formatDuration(seconds, locale) {
  if (seconds === null || seconds === undefined || Number.isNaN(seconds)) return "";
  const minutes = Math.round(seconds / 60);
  const unit = (value, name) =>
    formatNumber(value, locale, { style: "unit", unit: name, unitDisplay: "short" });
  if (minutes < 60) return unit(minutes, "minute");
  const rest = minutes % 60;
  return rest
    ? `${unit(Math.floor(minutes / 60), "hour")} ${unit(rest, "minute")}`
    : unit(minutes / 60, "hour");
}
