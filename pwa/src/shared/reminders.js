// Which of the user's tasks to remind them of now, once per task and due time: DOM-free, so it
// is unit-tested in node. The app keeps the keys of the reminders it raised on the device, so a
// reload does not raise them again, and a task moved to another time is reminded of again.
import { assignedTo, dueWithin } from "./tasks.js";

/** Fired on window when the user changed their reminder setting on this device. */
export const REMINDER_SETTING_EVENT = "wp-reminder-setting";
/** Minutes ahead a user is reminded when they never chose (the server's default too). */
export const DEFAULT_REMINDER_MINUTES = 30;
// Keys of reminders for times this long past are forgotten: their tasks are overdue by then.
const FORGET_AFTER_MS = 24 * 60 * 60 * 1000;

/** The minutes ahead `user` wants reminders (0: none); the default for an older stored user. */
export function reminderMinutes(user) {
  const minutes = user?.reminder_minutes;
  return Number.isInteger(minutes) && minutes >= 0 ? minutes : DEFAULT_REMINDER_MINUTES;
}

/** The key of one reminder: the task and the due time it reminds of. */
export function reminderKey(task) {
  return `${task.id}@${task.due_at}`;
}

/**
 * The tasks of `userId` due within `minutes` of `now` that were not reminded of yet at that
 * due time (`shown`: keys of the reminders raised before), soonest first.
 */
export function remindersDue(tasks, { userId, minutes, now = new Date(), shown = [] }) {
  if (!userId || !(minutes > 0)) return [];
  const raised = new Set(shown);
  return dueWithin(assignedTo(tasks, userId), minutes, now).filter((task) => !raised.has(reminderKey(task)));
}

/** `shown` with `tasks`' keys added and the keys of due times long past dropped. */
export function remember(shown, tasks, now = new Date()) {
  const keep = (key) => Date.parse(key.slice(key.indexOf("@") + 1)) > now.getTime() - FORGET_AFTER_MS;
  return [...new Set([...shown.filter(keep), ...tasks.map(reminderKey)])];
}

/** Whole minutes from `now` until `task` is due, at least 1 before it is due. */
export function minutesUntil(task, now = new Date()) {
  return Math.max(1, Math.ceil((Date.parse(task.due_at) - now.getTime()) / 60_000));
}
