import { describe, expect, test } from "vitest";
import { matchRoute } from "../src/router.js";
import { guard } from "../src/screens.js";

const ID = "3f2b8c1e-4d5a-4b6c-8e7f-0123456789ab";

describe("matchRoute", () => {
  test("sends the map path to the map", () => {
    expect(matchRoute("/map")).toEqual({ screen: "map" });
  });

  test("opens an account by id, lower-cased", () => {
    expect(matchRoute(`/accounts/${ID.toUpperCase()}`)).toEqual({
      screen: "account",
      accountId: ID,
      taskId: null,
    });
  });

  test("opens an account from a task with the task's id", () => {
    const task = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

    expect(matchRoute(`/accounts/${ID}`, `?task=${task}`)).toEqual({
      screen: "account",
      accountId: ID,
      taskId: task,
    });
    expect(matchRoute(`/accounts/${ID}`, "?task=nonsense").taskId).toBeNull();
  });

  test("sends /today to Today", () => {
    expect(matchRoute("/today")).toEqual({ screen: "today" });
  });

  test("opens an empty account form for a new account", () => {
    expect(matchRoute("/accounts/new")).toEqual({ screen: "account", accountId: null });
  });

  test.each(["/", "/login", "/accounts/123", "/nowhere"])("names no screen for %s", (path) => {
    expect(matchRoute(path)).toEqual({ screen: null });
  });

  test.each(["/", "/near", "/login", "/accounts/123", "/nowhere"])("shows a rep Near me for %s", (path) => {
    expect(guard(matchRoute(path), "rep")).toEqual({ screen: "near" });
  });
});
