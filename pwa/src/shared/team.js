// The manager's screens' rules, DOM-free so they are unit-tested in node: the local day a Team
// query asks about, a rep's tasks as the drill-down lists them, which visits go on its map,
// finding an account by name, and the task.create a form makes.
import { ACTIVE, endOfDay, overdue } from "./tasks.js";

const pad = (value) => String(value).padStart(2, "0");

/** `date` as ISO 8601 in local time with its UTC offset ("2026-11-23T00:00:00+02:00"). */
export function isoWithOffset(date) {
  const minutes = -date.getTimezoneOffset();
  const sign = minutes >= 0 ? "+" : "-";
  const offset = `${sign}${pad(Math.floor(Math.abs(minutes) / 60))}:${pad(Math.abs(minutes) % 60)}`;
  const day = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  return `${day}T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}${offset}`;
}

/** The start of the local day of `now` (a Date). */
export function startOfDay(now) {
  const start = new Date(now);
  start.setHours(0, 0, 0, 0);
  return start;
}

/** The local day of `now` as the Team query's {from, to}: midnight to the next midnight. */
export function dayRange(now = new Date()) {
  const from = startOfDay(now);
  const to = new Date(from);
  to.setDate(to.getDate() + 1);
  return { from: isoWithOffset(from), to: isoWithOffset(to) };
}

/** The team's rows in name order (the server's order is by id, which means nothing to people). */
export function byName(items) {
  return [...items].sort((a, b) => String(a.user.name).localeCompare(String(b.user.name)));
}

const dueTime = (task) => (task.due_at ? Date.parse(task.due_at) : Number.POSITIVE_INFINITY);

/**
 * One rep's tasks for the drill-down: `now` (due today whatever their status, and still-active
 * ones overdue from earlier days, most overdue first) and `later` (still-active ones due after
 * today or without a date, which can still be reassigned or cancelled).
 */
export function repTaskLists(tasks, repId, now = new Date()) {
  const start = startOfDay(now).getTime();
  const end = endOfDay(now);
  const theirs = tasks
    .filter((task) => task.assignee_id === repId)
    .sort((a, b) => dueTime(a) - dueTime(b) || String(a.title).localeCompare(String(b.title)));
  const today = (task) => dueTime(task) >= start && dueTime(task) <= end;
  const late = (task) => overdue(task, now) && dueTime(task) < start;
  return {
    now: theirs.filter((task) => today(task) || late(task)),
    later: theirs.filter((task) => ACTIVE.includes(task.status) && dueTime(task) > end),
  };
}

/**
 * The device's tasks merged with the server's answer (by id): a row with a change of ours not
 * yet sent keeps it, otherwise the higher version wins. The device's copy comes from the pull,
 * which may be a moment behind; the answer may be too (a change made here since it was asked).
 */
export function mergeTasks(local, remote) {
  const merged = new Map(local.map((task) => [task.id, task]));
  for (const task of remote) {
    const mine = merged.get(task.id);
    if (!mine || (!mine.pending && (mine.version ?? 0) < task.version)) merged.set(task.id, task);
  }
  return [...merged.values()];
}

/** The visits that go on the map: those with a position, as {id, lat, lng, visit}. Never a track. */
export function visitMarkers(visits) {
  return visits
    .filter((visit) => Array.isArray(visit.location?.coordinates))
    .map((visit) => ({
      id: visit.id,
      lng: visit.location.coordinates[0],
      lat: visit.location.coordinates[1],
      visit,
    }));
}

// Case and accents do not matter when looking for "farmacia centrala".
const folded = (text) =>
  String(text ?? "")
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLocaleLowerCase();

/**
 * The accounts whose name holds every word of `query`, those starting with it first, then by
 * name; at most `limit`. An empty query finds nothing.
 */
export function searchAccounts(accounts, query, limit = 20) {
  const words = folded(query).split(/\s+/).filter(Boolean);
  if (words.length === 0) return [];
  const whole = words.join(" ");
  return accounts
    .map((account) => ({ account, name: folded(account.name) }))
    .filter(({ name }) => words.every((word) => name.includes(word)))
    .sort(
      (a, b) =>
        Number(!a.name.startsWith(whole)) - Number(!b.name.startsWith(whole)) || a.name.localeCompare(b.name),
    )
    .slice(0, limit)
    .map(({ account }) => account);
}

const localInput = (date) =>
  `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;

/** The due time a new task starts with: 17:00 today, or tomorrow once it is past 16:00 (a datetime-local value). */
export function defaultDue(now = new Date()) {
  const due = new Date(now);
  if (due.getHours() >= 16) due.setDate(due.getDate() + 1);
  due.setHours(17, 0, 0, 0);
  return localInput(due);
}

/** A datetime-local value (local time) as ISO 8601, or null when empty or not a time. */
export function dueFromInput(value) {
  if (!value) return null;
  const when = new Date(value);
  return Number.isNaN(when.getTime()) ? null : when.toISOString();
}

/**
 * The task.create data of the Assign work form: a new id, the title and notes trimmed, and the
 * optional fields only when given. Null when the form lacks a title or a rep.
 */
export function newTaskData(
  { title, notes = "", accountId = null, assigneeId, due = "", priority = "normal" },
  newId = () => crypto.randomUUID(),
) {
  const trimmed = String(title ?? "").trim();
  if (!trimmed || !assigneeId) return null;
  const data = { id: newId(), title: trimmed, assignee_id: assigneeId, priority };
  const text = String(notes ?? "").trim();
  if (text) data.notes = text;
  if (accountId) data.account_id = accountId;
  const dueAt = dueFromInput(due);
  if (dueAt) data.due_at = dueAt;
  return data;
}

/**
 * The reps a task can go to, [{id, name}] in name order: the Team answer's people when there is
 * one, else the users the device could list (reps only).
 */
export function assignableReps(teamItems = [], users = []) {
  const people = teamItems.length
    ? teamItems.map((item) => item.user)
    : users.filter((user) => user.role === "rep");
  return [...people]
    .sort((a, b) => String(a.name).localeCompare(String(b.name)))
    .map(({ id, name }) => ({ id, name }));
}
