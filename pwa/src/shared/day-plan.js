// The rep's day as the Plan my day screen keeps it: which stops there are (from the tasks on the
// device, so it works offline), the plan the rep shaped (order, locks, skips) carried across
// reloads and check-ins, and where the day starts. DOM-free, so it is unit-tested in node.
import { assignedTo, todayLists } from "./tasks.js";

/** Where the plan of `userId` for the local day of `now` is kept (one per user and day). */
export function planKey(userId, now = new Date()) {
  const day = [
    now.getFullYear(),
    String(now.getMonth() + 1).padStart(2, "0"),
    String(now.getDate()).padStart(2, "0"),
  ].join("-");
  return `waypoint.plan.${userId}.${day}`;
}

function startOfDay(now) {
  const start = new Date(now);
  start.setHours(0, 0, 0, 0);
  return start.getTime();
}

/**
 * Today's stops of `userId`: one per account of their open tasks due today or overdue (as Today
 * lists them) that has a location, in Today's order, each {id (the account's), name, lng, lat,
 * task_id, title}. A stop is done, and left out, once its task is done or cancelled, or once the
 * account was visited today (a check-in from the task or not).
 */
export function todayStops(tasks, accounts, visits, userId, now = new Date()) {
  const byId = new Map(accounts.map((account) => [account.id, account]));
  const since = startOfDay(now);
  const visitedToday = visits.filter((visit) => Date.parse(visit.started_at) >= since);
  const visitedAccounts = new Set(visitedToday.map((visit) => visit.account_id));
  const visitedTasks = new Set(visitedToday.map((visit) => visit.task_id).filter(Boolean));
  const stops = new Map();
  for (const task of todayLists(assignedTo(tasks, userId), now).now) {
    const account = byId.get(task.account_id);
    if (!account?.location || stops.has(account.id)) continue;
    if (visitedAccounts.has(account.id) || visitedTasks.has(task.id)) continue;
    const [lng, lat] = account.location.coordinates;
    stops.set(account.id, {
      id: account.id,
      name: account.name,
      lng,
      lat,
      task_id: task.id,
      title: task.title,
    });
  }
  return [...stops.values()];
}

/**
 * The kept plan brought up to date with today's stops (ids): its order for the stops still to
 * do (a stop done since is gone, so the next one moves up), new stops after them, and its locks
 * and skips of stops still there. Null without a kept plan.
 */
export function reconcile(kept, ids) {
  if (!kept?.order) return null;
  const present = new Set(ids);
  const known = new Set([...kept.order, ...(kept.skipped ?? [])]);
  const order = [...kept.order.filter((id) => present.has(id)), ...ids.filter((id) => !known.has(id))];
  const keep = (list) => (list ?? []).filter((id) => present.has(id));
  return {
    ...kept,
    order,
    locked: keep(kept.locked).filter((id) => order.includes(id)),
    skipped: keep(kept.skipped),
  };
}

/**
 * Where the day starts: the device's last position, else the user's home base, else the first
 * stop. {lng, lat, source} or null without any of them.
 */
export function startPoint(position, user, stops) {
  if (position) return { lng: position.lng, lat: position.lat, source: "device" };
  const home = user?.home_base?.coordinates;
  if (home) return { lng: home[0], lat: home[1], source: "home" };
  if (stops.length) return { lng: stops[0].lng, lat: stops[0].lat, source: "first" };
  return null;
}

/**
 * The route line to draw for `plan` as [lat, lng] points: the server's road line while the
 * order is still the one it was drawn for, else straight lines from the start through the stops
 * (`stops`: id → {lat, lng}) in order.
 */
export function routeLine(plan, stops) {
  const road = plan.geometry?.coordinates;
  const drawnFor = plan.geometry_order ?? [];
  const same = drawnFor.length === plan.order.length && drawnFor.every((id, k) => id === plan.order[k]);
  if (road && same) return road.map(([lng, lat]) => [lat, lng]);
  return [
    [plan.start.lat, plan.start.lng],
    ...plan.order.map((id) => stops.get(id)).map((stop) => [stop.lat, stop.lng]),
  ];
}
