import { beforeEach, describe, expect, test } from "vitest";
import { ApiError, request, setCsrfToken } from "../src/api/client.js";

// A fetch stand-in that records its calls and answers with one canned response.
function fakeFetch(status, payload) {
  const calls = [];
  const fetchImpl = async (url, init) => {
    calls.push({ url, init });
    return {
      status,
      ok: status >= 200 && status < 300,
      statusText: `status ${status}`,
      json: async () => {
        if (payload === undefined) throw new SyntaxError("no body");
        return payload;
      },
    };
  };
  return { calls, fetchImpl };
}

describe("request", () => {
  beforeEach(() => setCsrfToken("token-1"));

  test("sends the CSRF header and a JSON body on writes", async () => {
    const { calls, fetchImpl } = fakeFetch(201, { id: 1 });

    const result = await request("/accounts", { method: "POST", body: { name: "Shop" }, fetchImpl });

    expect(result).toEqual({ id: 1 });
    expect(calls[0].url).toBe("/api/v1/accounts");
    expect(calls[0].init.headers).toEqual({ "Content-Type": "application/json", "X-CSRF-Token": "token-1" });
    expect(JSON.parse(calls[0].init.body)).toEqual({ name: "Shop" });
    expect(calls[0].init.credentials).toBe("same-origin");
  });

  test("sends no CSRF header on reads", async () => {
    const { calls, fetchImpl } = fakeFetch(200, { items: [] });

    await request("/accounts", { fetchImpl });

    expect(calls[0].init.headers).toEqual({});
    expect(calls[0].init.method).toBe("GET");
  });

  test("turns the error envelope into an ApiError", async () => {
    const envelope = {
      error: { code: "validation", message: "Name is required", fields: { name: "required" } },
    };
    const { fetchImpl } = fakeFetch(422, envelope);

    const error = await request("/accounts", { method: "POST", body: {}, fetchImpl }).catch(
      (caught) => caught,
    );

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 422,
      code: "validation",
      message: "Name is required",
      fields: { name: "required" },
    });
  });

  test("uses the status text when an error has no envelope", async () => {
    const { fetchImpl } = fakeFetch(502);

    const error = await request("/auth/me", { fetchImpl }).catch((caught) => caught);

    expect(error).toMatchObject({ status: 502, code: "error", message: "status 502", fields: {} });
  });

  test("returns null for 204 No Content", async () => {
    const { fetchImpl } = fakeFetch(204);

    expect(await request("/auth/logout", { method: "POST", fetchImpl })).toBeNull();
  });
});
