// What the Plan my day and Plan my week screens ask the server: an optimised order of the day's
// stops (POST /routes/plan), with the travel matrix it was made on so the phone can re-total a
// hand-made order, and the next days' visits (POST /routes/plan-week). Both are asked in the
// rep's local time, so the working hours are the rep's.
import { request } from "./client.js";
import { deviceTimeZone, localIso } from "../shared/week-plan.js";

const point = ({ lng, lat }) => ({ type: "Point", coordinates: [lng, lat] });

/** The server's plan from `start` ({lng, lat}) through `stops` (account ids), leaving `now`. */
export function planDay(start, stops, now = new Date()) {
  return request("/routes/plan", {
    method: "POST",
    body: { start: point(start), stops, departure_at: localIso(now) },
  });
}

/** The server's plan of `days` (ISO dates) from `start`; with `createTasks` the visits become tasks. */
export function planWeek(start, days, createTasks = false) {
  return request("/routes/plan-week", {
    method: "POST",
    body: { start: point(start), days, timezone: deviceTimeZone(), create_tasks: createTasks },
  });
}
