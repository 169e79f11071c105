import { describe, expect, it } from "vitest";
import {
  FINAL_DELIVERY_STATES,
  deliveryNote,
  deliveryPending,
  urlProblem,
} from "../src/shared/deliveries.js";
import { ApiError } from "../src/api/client.js";
import strings from "../src/locales/campaigns.js";

const delivery = (fields) => ({
  id: "msg_1",
  url: "https://tool.example/hook",
  attempts: 0,
  last_status: null,
  last_error: null,
  accounts: null,
  ...fields,
});

describe("deliveryPending", () => {
  it("asks again while queued or retrying, not once delivered, failed or refused", () => {
    expect(deliveryPending(delivery({ state: "queued" }))).toBe(true);
    expect(deliveryPending(delivery({ state: "retrying", attempts: 2 }))).toBe(true);
    for (const state of FINAL_DELIVERY_STATES) expect(deliveryPending(delivery({ state }))).toBe(false);
    expect(deliveryPending(null)).toBe(false);
  });
});

describe("deliveryNote", () => {
  it("names the state's sentence with the attempts, accounts and status", () => {
    const note = deliveryNote(
      delivery({ state: "delivered", attempts: 2, accounts: 1234, last_status: 204 }),
    );
    expect(note).toEqual({
      key: "delivery.state.delivered",
      params: { attempts: 2, accounts: 1234, status: 204 },
      error: null,
    });
  });

  it("keeps the receiver's last error while the delivery is not delivered", () => {
    const note = deliveryNote(
      delivery({ state: "retrying", attempts: 1, last_status: 500, last_error: "the receiver answered 500" }),
    );
    expect(note.key).toBe("delivery.state.retrying");
    expect(note.error).toBe("the receiver answered 500");
  });

  it("has a sentence in every language for every state the server sends", () => {
    for (const [language, table] of Object.entries(strings)) {
      for (const state of ["queued", "retrying", ...FINAL_DELIVERY_STATES]) {
        expect(table[`delivery.state.${state}`], `${language} ${state}`).toBeTruthy();
      }
    }
  });
});

describe("urlProblem", () => {
  it("is the server's reason on `url` for a 422, and nothing for other failures", () => {
    const refused = new ApiError(422, "validation_error", "the request is not valid", {
      url: "the host is a loopback, private or link-local address",
    });
    expect(urlProblem(refused)).toBe("the host is a loopback, private or link-local address");
    expect(urlProblem(new ApiError(500, "error", "boom"))).toBeNull();
    expect(urlProblem(new TypeError("Failed to fetch"))).toBeNull();
  });
});
