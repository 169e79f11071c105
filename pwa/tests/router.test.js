import { describe, expect, test } from "vitest";
import { matchRoute } from "../src/router.js";

const ID = "3f2b8c1e-4d5a-4b6c-8e7f-0123456789ab";

describe("matchRoute", () => {
  test("sends the map path to the map", () => {
    expect(matchRoute("/map")).toEqual({ screen: "map" });
  });

  test("opens an account by id, lower-cased", () => {
    expect(matchRoute(`/accounts/${ID.toUpperCase()}`)).toEqual({ screen: "account", accountId: ID });
  });

  test("opens an empty account form for a new account", () => {
    expect(matchRoute("/accounts/new")).toEqual({ screen: "account", accountId: null });
  });

  test.each(["/", "/near", "/login", "/accounts/123", "/nowhere"])("shows Near me for %s", (path) => {
    expect(matchRoute(path)).toEqual({ screen: "near" });
  });
});
