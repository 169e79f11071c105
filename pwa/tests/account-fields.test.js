import { describe, expect, test } from "vitest";
import { EDITABLE, apiValue, changedFields, editableFields } from "../src/api/accounts.js";

describe("editableFields", () => {
  test("managers and admins edit the visit frequency, reps (and unknown roles) never", () => {
    expect(editableFields("manager")).toEqual([...EDITABLE, "visit_every_days"]);
    expect(editableFields("admin")).toContain("visit_every_days");
    for (const role of ["rep", undefined, "guest"]) expect(editableFields(role)).toEqual(EDITABLE);
  });
});

describe("apiValue of the visit frequency", () => {
  test("a whole number is sent as a number, empty as null (no fixed frequency)", () => {
    expect(apiValue("visit_every_days", " 14 ")).toBe(14);
    expect(apiValue("visit_every_days", "")).toBeNull();
  });

  test("anything else goes as typed, for the server to refuse on the field", () => {
    expect(apiValue("visit_every_days", "2.5")).toBe("2.5");
    expect(apiValue("visit_every_days", "-3")).toBe("-3");
  });
});

describe("changedFields with the visit frequency", () => {
  const account = { name: "Shop", kind: "customer", status: "active", visit_every_days: 14 };
  const draft = { name: "Shop", kind: "customer", status: "active", visit_every_days: "14" };

  test("an unchanged frequency, typed as text, is not a change; a new one or a cleared one is", () => {
    const fields = editableFields("manager");
    expect(changedFields(account, draft, fields)).toEqual({});
    expect(changedFields(account, { ...draft, visit_every_days: "7" }, fields)).toEqual({
      visit_every_days: 7,
    });
    expect(changedFields(account, { ...draft, visit_every_days: "" }, fields)).toEqual({
      visit_every_days: null,
    });
  });

  test("a rep's changes never carry it, even when the draft holds it", () => {
    expect(
      changedFields(account, { ...draft, name: "Shop 2", visit_every_days: "7" }, editableFields("rep")),
    ).toEqual({ name: "Shop 2" });
    expect(changedFields(account, { ...draft, visit_every_days: "7" })).toEqual({});
  });
});
