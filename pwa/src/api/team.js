// What the manager's screens ask the server: the team's day, one rep's tasks and visits, and
// the users a task may go to. Changes go through the outbox, never through here.
import { request } from "./client.js";

const PAGE_LIMIT = 500;
const MAX_PAGES = 4; // a team's day, or one rep's tasks, fits in far fewer

// Every page of a list (up to MAX_PAGES), as one array of items.
async function allPages(path, query) {
  const params = new URLSearchParams({ ...query, limit: String(PAGE_LIMIT) });
  const items = [];
  for (let pages = 0; pages < MAX_PAGES; pages += 1) {
    const page = await request(`${path}?${params}`);
    items.push(...page.items);
    if (!page.next_cursor) break;
    params.set("cursor", page.next_cursor);
  }
  return items;
}

/** Each rep of the caller's team with their counts for [from, to): the Team screen's rows. */
export function teamDay({ from, to }) {
  return allPages("/team/day", { from, to });
}

/** The tasks assigned to one rep that the caller may see. */
export function tasksOf(repId) {
  return allPages("/tasks", { assignee: repId });
}

/** One rep's visits started in [from, to) (ISO times), newest first, with their positions. */
export function visitsOf(repId, { from, to }) {
  return allPages("/visits", { user_id: repId, since: from, until: to });
}

/** One user of the organisation. */
export function userById(id) {
  return request(`/users/${encodeURIComponent(id)}`);
}

/** The organisation's reps the caller may list. */
export function reps() {
  return allPages("/users", { role: "rep" });
}
