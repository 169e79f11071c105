// What the campaign screens say about an audience delivery (a signed POST of the audience to a
// webhook): the server's state as a sentence key with its values, and whether it can change.

/** States after which a delivery changes no more. */
export const FINAL_DELIVERY_STATES = Object.freeze(["delivered", "failed", "refused"]);

/** Whether the server may still change this delivery (so the screen asks again). */
export function deliveryPending(delivery) {
  return Boolean(delivery) && !FINAL_DELIVERY_STATES.includes(delivery.state);
}

/**
 * `{key, params, error}` for a delivery: the i18n key of its state, the values it names, and
 * the receiver's last error while it is not delivered (shown as the server wrote it).
 */
export function deliveryNote(delivery) {
  const params = {
    attempts: delivery.attempts ?? 0,
    accounts: delivery.accounts ?? 0,
    status: delivery.last_status ?? "",
  };
  const error = delivery.state === "delivered" ? null : (delivery.last_error ?? null);
  return { key: `delivery.state.${delivery.state}`, params, error };
}

/** The first reason the server gave for refusing a delivery's URL (a 422), or null. */
export function urlProblem(error) {
  return error?.status === 422 ? (error.fields?.url ?? error.message ?? null) : null;
}
