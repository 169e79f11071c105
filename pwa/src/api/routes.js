// What the Plan my day screen asks the server: an optimised order of the day's stops (POST
// /routes/plan), with the travel matrix it was made on so the phone can re-total a hand-made order.
import { request } from "./client.js";

/** The server's plan from `start` ({lng, lat}) through `stops` (account ids). */
export function planDay(start, stops) {
  return request("/routes/plan", { method: "POST", body: { start: { type: "Point", coordinates: [start.lng, start.lat] }, stops } });
}
