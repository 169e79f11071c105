// When a task counts as given to the user (the notice) and how many they still have to do (the
// app badge). DOM-free so it is unit-tested in node; in the shell, so kept apart from the
// manager's screens' rules.
import { ACTIVE } from "./tasks.js";

/**
 * Whether a live task event gives `userId` a task: a task created for them by someone else, or
 * one changed so that it is now theirs when this device did not know it as theirs (`known`, the
 * ids of the tasks it holds as the user's). Still active in both cases.
 */
export function givenToMe(type, task, userId, known) {
  if (!task || task.assignee_id !== userId || !ACTIVE.includes(task.status)) return false;
  if (type === "task.created") return task.created_by !== userId;
  return type === "task.updated" && !known.has(task.id);
}

/** How many tasks of `userId` are still to do (the app badge). */
export function openTaskCount(tasks, userId) {
  return tasks.filter((task) => task.assignee_id === userId && ACTIVE.includes(task.status)).length;
}
