// A visit as the API takes it, from what the rep entered in the visit flow; DOM-free.

/** The six outcomes a visit can have, in the order the form offers them. */
export const OUTCOMES = ["met", "no_answer", "order", "follow_up", "not_interested", "other"];

/** The body of one `visit.create` mutation from what the rep entered. */
export function visitBody({
  id,
  accountId,
  startedAt,
  endedAt,
  fix,
  outcome,
  notes,
  nextStep,
  taskId = null,
}) {
  const title = nextStep?.title?.trim() ?? "";
  const body = {
    id,
    account_id: accountId,
    started_at: startedAt,
    ended_at: endedAt,
    location: fix ? { type: "Point", coordinates: [fix.lng, fix.lat] } : null,
    accuracy_m: fix ? fix.accuracy : null,
    outcome,
    notes: notes.trim(),
    next_step: title && nextStep.due_on ? { title, due_on: nextStep.due_on } : null,
  };
  if (taskId) body.task_id = taskId; // checked in from that task
  return body;
}
