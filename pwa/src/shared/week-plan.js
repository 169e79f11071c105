// What the phone sends when it asks for a plan, in the rep's own time (the server reads working
// hours and "today" in the offset or zone it is given, UTC when given none), and the days Plan
// my week covers. DOM-free, so it is unit-tested in node.

const WEEKEND = new Set([0, 6]); // Sunday, Saturday (Date#getDay)

const pad = (number) => String(number).padStart(2, "0");

/** The local calendar date of `when` as ISO 8601 ("2026-05-12"). */
export function localDate(when) {
  return `${when.getFullYear()}-${pad(when.getMonth() + 1)}-${pad(when.getDate())}`;
}

/** `when` as local ISO 8601 time with its UTC offset ("2026-05-12T10:00:00+03:00"). */
export function localIso(when = new Date()) {
  const offset = -when.getTimezoneOffset(); // minutes east of UTC
  const sign = offset < 0 ? "-" : "+";
  const zone = `${sign}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
  const time = `${pad(when.getHours())}:${pad(when.getMinutes())}:${pad(when.getSeconds())}`;
  return `${localDate(when)}T${time}${zone}`;
}

/** The device's IANA time zone ("Europe/Bucharest"), UTC when it names none. */
export function deviceTimeZone() {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

/**
 * The `count` working days (Monday to Friday) after the local day of `now`, as ISO dates: today
 * is Plan my day's, so the week starts tomorrow.
 */
export function nextWorkingDays(now = new Date(), count = 5) {
  const days = [];
  // Noon, so a daylight-saving change never moves the date when a day is added.
  const day = new Date(now.getFullYear(), now.getMonth(), now.getDate(), 12);
  while (days.length < count) {
    day.setDate(day.getDate() + 1);
    if (!WEEKEND.has(day.getDay())) days.push(localDate(day));
  }
  return days;
}

/**
 * The server's week plan as the screen lists it: each day {date, stops: [{id, name, arrival}],
 * distance_m, duration_s, urls}, and the unplanned accounts {id, name, reason}. Names come from
 * the plan's `stops` (every account it refers to); an account missing there shows as its id.
 */
export function weekDays(plan) {
  const names = new Map((plan.stops ?? []).map((stop) => [stop.id, stop.name]));
  const name = (id) => names.get(id) ?? id;
  return {
    days: plan.days.map((day) => ({
      date: day.date,
      stops: day.order.map((id) => ({ id, name: name(id), arrival: day.arrivals[id] ?? null })),
      distance_m: day.total_distance_m,
      duration_s: day.total_duration_s,
      urls: day.navigation_urls ?? [],
    })),
    unplanned: plan.unplanned.map((item) => ({ ...item, name: name(item.id) })),
  };
}
