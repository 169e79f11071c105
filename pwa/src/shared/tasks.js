// The user's tasks as the Today screen orders them, which are due soon (for reminders), and the
// task.update a status change makes; DOM-free so it is unit-tested in node.

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
  return {
    now: active.filter((task) => dueTime(task) <= end),
    upcoming: active.filter((task) => dueTime(task) > end),
  };
}

/**
 * The tasks assigned to `userId`: a manager's or admin's device also holds the team's tasks
 * (the sync pull brings every task they may see), but their Today and reminders are their own.
 */
export function assignedTo(tasks, userId) {
  return tasks.filter((task) => task.assignee_id === userId);
}

/** The active tasks due after `now` and at most `minutes` later, soonest first. */
export function dueWithin(tasks, minutes, now = new Date()) {
  const from = now.getTime();
  const until = from + minutes * 60_000;
  return tasks
    .filter(
      (task) => ACTIVE.includes(task.status) && task.due_at && dueTime(task) > from && dueTime(task) <= until,
    )
    .sort((a, b) => dueTime(a) - dueTime(b) || String(a.title).localeCompare(String(b.title)));
}

/** Whether `task` was due before `now`. */
export function overdue(task, now = new Date()) {
  return Boolean(task.due_at) && Date.parse(task.due_at) < now.getTime() && ACTIVE.includes(task.status);
}

/** The task.update data of `action` (start, done or cancel) on `task`. */
export function statusChange(task, action) {
  return { id: task.id, status: STATUS_OF[action] };
}
