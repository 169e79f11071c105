import { describe, expect, test } from "vitest";
import {
  SCREENS,
  allowed,
  guard,
  landingPath,
  landingScreen,
  matchPath,
  navFor,
  screenEntry,
} from "../src/screens.js";

const REP = "3f2b8c1e-4d5a-4b6c-8e7f-0123456789ab";
const ACCOUNT = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
const CAMPAIGN = "5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e8f";

describe("the screen table", () => {
  test("gives every screen roles, and a view and a way to load it unless the shell loads it", () => {
    for (const entry of SCREENS) {
      expect(entry.roles.length, entry.screen).toBeGreaterThan(0);
      expect(typeof entry.view, entry.screen).toBe("function");
      if (entry.screen !== "near") expect(typeof entry.load, entry.screen).toBe("function");
    }
  });

  test("gives every role exactly one landing screen it may open", () => {
    for (const role of ["rep", "manager", "admin"]) {
      expect(
        SCREENS.filter((entry) => entry.landing?.includes(role)),
        role,
      ).toHaveLength(1);
      expect(allowed(landingScreen(role), role)).toBe(true);
    }
  });
});

describe("the navigation", () => {
  test("gives a rep Today, Plan my day, Near me and Map", () => {
    expect(navFor("rep")).toEqual([
      { screen: "today", path: "/today", nav: "nav.today" },
      { screen: "plan-day", path: "/plan", nav: "nav.plan" },
      { screen: "near", path: "/near", nav: "nearMe" },
      { screen: "map", path: "/map", nav: "map" },
    ]);
  });

  test.each(["manager", "admin"])(
    "gives a %s Team, Assign work, Campaigns and Territories first, then the rep's links",
    (role) => {
      expect(navFor(role).map((link) => link.path)).toEqual([
        "/team",
        "/assign",
        "/campaigns",
        "/territories",
        "/today",
        "/plan",
        "/near",
        "/map",
      ]);
    },
  );
});

describe("landing", () => {
  test("puts a rep on Near me and a manager or admin on Team", () => {
    expect(landingPath("rep")).toBe("/near");
    expect(landingPath("manager")).toBe("/team");
    expect(landingPath("admin")).toBe("/team");
  });

  test("treats an unknown role as a rep's", () => {
    expect(landingPath("auditor")).toBe("/near");
    expect(navFor(undefined)).toEqual(navFor("rep"));
  });
});

describe("the guard", () => {
  test.each([
    "/team",
    `/team/${REP}`,
    "/assign",
    "/campaigns",
    "/campaigns/new",
    `/campaigns/${CAMPAIGN}`,
    "/territories",
  ])("sends a rep opening %s to Near me", (path) => {
    expect(guard(matchPath(path), "rep")).toEqual({ screen: "near" });
  });

  test("lets a manager and an admin open Team, a rep's day, Assign work and Territories", () => {
    for (const role of ["manager", "admin"]) {
      expect(guard(matchPath("/team"), role)).toEqual({ screen: "team" });
      expect(guard(matchPath("/territories"), role)).toEqual({ screen: "territories" });
      expect(guard(matchPath(`/team/${REP}`), role)).toEqual({ screen: "rep-day", repId: REP });
      expect(guard(matchPath("/assign"), role).screen).toBe("assign");
    }
  });

  test("lets a manager and an admin open the campaigns, a new one and a saved one by its id", () => {
    for (const role of ["manager", "admin"]) {
      expect(guard(matchPath("/campaigns"), role)).toEqual({ screen: "campaigns" });
      expect(guard(matchPath("/campaigns/new"), role)).toEqual({ screen: "campaign", campaignId: null });
      expect(guard(matchPath(`/campaigns/${CAMPAIGN.toUpperCase()}`), role)).toEqual({
        screen: "campaign",
        campaignId: CAMPAIGN,
      });
    }
    expect(matchPath("/campaigns/not-an-id")).toEqual({ screen: null });
  });

  test("shows a manager Team for a path that names no screen", () => {
    expect(guard(matchPath("/"), "manager")).toEqual({ screen: "team" });
    expect(guard(matchPath("/nowhere"), "manager")).toEqual({ screen: "team" });
  });

  test("leaves every role the screens a rep has", () => {
    for (const screen of ["today", "near", "map", "account", "inbox", "settings", "diagnostics"]) {
      for (const role of ["rep", "manager", "admin"])
        expect(allowed(screen, role), `${screen} ${role}`).toBe(true);
    }
  });

  test("returns the route itself when it is allowed", () => {
    const route = matchPath(`/accounts/${ACCOUNT}`, "?task=nonsense");

    expect(guard(route, "rep")).toBe(route);
  });
});

describe("paths", () => {
  test("read a rep's id from /team/<id>, lower-cased", () => {
    expect(matchPath(`/team/${REP.toUpperCase()}`)).toEqual({ screen: "rep-day", repId: REP });
    expect(matchPath("/team/not-an-id").screen).toBeNull();
  });

  test("preselect the rep and the account Assign work was opened with", () => {
    expect(matchPath("/assign", `?rep=${REP}&account=${ACCOUNT.toUpperCase()}`)).toEqual({
      screen: "assign",
      repId: REP,
      accountId: ACCOUNT,
    });
    expect(matchPath("/assign", "?rep=nonsense")).toEqual({ screen: "assign", repId: null, accountId: null });
  });

  test("name each screen's entry once by its screen name", () => {
    expect(screenEntry("team").path).toBe("/team");
    expect(screenEntry("nowhere")).toBeNull();
  });
});
