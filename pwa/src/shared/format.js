// Numbers, distances and dates in the user's locale (Intl), DOM-free.
export function formatDistance(metres, locale) {
  if (metres < 1000) {
    return new Intl.NumberFormat(locale, { style: "unit", unit: "meter", maximumFractionDigits: 0 }).format(metres);
  }
  const digits = metres < 10000 ? 1 : 0;
  return new Intl.NumberFormat(locale, { style: "unit", unit: "kilometer", maximumFractionDigits: digits }).format(metres / 1000);
}

export function formatRelativeDate(iso, locale, now = Date.now()) {
  if (!iso) return null;
  const days = Math.round((new Date(iso).getTime() - now) / 86400000);
  return new Intl.RelativeTimeFormat(locale, { numeric: "auto" }).format(days, "day");
}
