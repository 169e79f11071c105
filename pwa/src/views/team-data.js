// The Team answer (GET /team/day for today) and the device's copy of the last one, which the
// Team screen shows offline and Assign work and a rep's day take their list of reps from.
import { teamDay } from "../api/team.js";
import { dayRange } from "../shared/team.js";
import { getMeta, setMeta } from "../store/db.js";

const TEAM_DAY_KEY = "teamDay";

/** Today's answer from the server, kept on the device: {items, fetched_at, range}. */
export async function freshTeamDay(now = new Date()) {
  const range = dayRange(now);
  const answer = { items: await teamDay(range), fetched_at: new Date().toISOString(), range };
  await setMeta(TEAM_DAY_KEY, answer);
  return answer;
}

/** The last answer this device kept (any day), or undefined. */
export function keptTeamDay() {
  return getMeta(TEAM_DAY_KEY);
}
