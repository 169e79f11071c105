// The rep's tasks as the Today screen orders them, and the task.update a status change makes;
// DOM-free so it is unit-tested in node.

/** Statuses a task can still be worked on in. */
export const ACTIVE = ["open", "in_progress"];

/** What the rep can do to a task in each status, in the order the buttons show. */
export const ACTIONS = { open: ["start", "done", "cancel"], in_progress: ["done", "cancel"] };
const STATUS_OF = { start: "in_progress", done: "done", cancel: "cancelled" };

/** The end of the local day of `now` (a Date), as a time value. */
export function endOfDay(now) {
  const end = new Date(now);
  end.setHours(23, 59, 59, 999);
  return end.getTime();
}

const dueTime = (task) => (task.due_at ? Date.parse(task.due_at) : Number.POSITIVE_INFINITY);

/**
 * The active tasks in two lists: `now` (overdue or due today, most overdue first) and
 * `upcoming` (due later, soonest first; tasks without a due date last). Ties go by title.
 */
export function todayLists(tasks, now = new Date()) {
  const end = endOfDay(now);
  const active = tasks
    .filter((task) => ACTIVE.includes(task.status))
    .sort((a, b) => dueTime(a) - dueTime(b) || String(a.title).localeCompare(String(b.title)));
  return { now: active.filter((task) => dueTime(task) <= end), upcoming: active.filter((task) => dueTime(task) > end) };
}

/** Whether `task` was due before `now`. */
export function overdue(task, now = new Date()) {
  return Boolean(task.due_at) && Date.parse(task.due_at) < now.getTime() && ACTIVE.includes(task.status);
}

/** The task.update data of `action` (start, done or cancel) on `task`. */
export function statusChange(task, action) {
  return { id: task.id, status: STATUS_OF[action] };
}
