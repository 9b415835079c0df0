import { describe, expect, it } from "vitest";
import { applyPlan, EmptyFieldWatch, fieldsToWatch, planColumns } from "./column-mapping.ts";
import { ROSTER_PRESETS, rosterFieldChecks } from "./presets.ts";
import { requiredFields } from "./roster-row.ts";

describe("planColumns", () => {
  it("matches column names ignoring case, spaces, dashes and underscores, and lists unmapped columns", () => {
    const result = planColumns(
      requiredFields("attribution"),
      ROSTER_PRESETS["payer-attribution"],
      ["MEMBER_ID", "attributed-practice-id", "dob", "Plan Product"],
      { identifierAuthority: "BLUECARE" },
    );
    if (!result.ok) throw new Error(result.reason);
    expect(result.plan.unmapped).toEqual(["Plan Product"]);
    expect(applyPlan(result.plan, ["M1", "RIVERSIDE", "1950-01-01", "HMO"]).values).toEqual({
      identifierValue: "M1",
      practice: "RIVERSIDE",
      birthDate: "1950-01-01",
      identifierType: "MB",
      identifierAuthority: "BLUECARE",
    });
  });

  it("takes the first non-empty of several columns for one field, and context defaults last", () => {
    const result = planColumns(
      requiredFields("attribution"),
      {
        columns: { "Member ID": "identifierValue", "Subscriber ID": "identifierValue", Practice: "practice" },
      },
      ["Member ID", "Subscriber ID", "Practice"],
      { identifierType: "MB", identifierAuthority: "BLUECARE" },
    );
    if (!result.ok) throw new Error(result.reason);
    const { values, columnOf } = applyPlan(result.plan, ["", "S-9", "RIVERSIDE"]);
    expect(values.identifierValue).toBe("S-9");
    expect(columnOf.identifierValue).toBe("Subscriber ID");
    expect(values.identifierAuthority).toBe("BLUECARE");
  });

  it("refuses a header that lacks a required field's column", () => {
    const result = planColumns(
      requiredFields("enrollment"),
      ROSTER_PRESETS["cm-enrollment"],
      ["Member ID", "DOB"],
      {
        identifierAuthority: "BLUECARE",
      },
    );
    expect(result).toEqual({
      ok: false,
      reason: 'missing required column(s): program (column "Program" or "Program Name" or "Care Program")',
    });
  });
});

describe("fieldsToWatch", () => {
  const plan = (header: string[]) => {
    const result = planColumns(requiredFields("attribution"), ROSTER_PRESETS["payer-attribution"], header, {
      identifierAuthority: "BLUECARE",
    });
    if (!result.ok) throw new Error(result.reason);
    return result.plan;
  };
  const watched = (header: string[], allow: string[] = []) =>
    fieldsToWatch(plan(header), rosterFieldChecks("attribution"), new Set(allow as never[]));

  it("watches what the matcher needs, and fields an unmapped column looks like, not the PCP's or a guarantor's", () => {
    const header = [
      "Member ID",
      "Last Name",
      "First Name",
      "DOB",
      "Sex",
      "Practice ID",
      "Member Birth Dt",
      "mailing-zip",
      "PCP Phone",
      "Guarantor Middle Name",
      "Plan Product",
    ];
    expect(watched(header).map((w) => [w.field, w.needed, w.lookAlikes])).toEqual([
      ["identifierValue", true, []],
      ["familyName", true, []],
      ["givenName", true, []],
      ["birthDate", true, ["Member Birth Dt"]],
      ["sex", true, []],
      ["postalCode", false, ["mailing-zip"]],
    ]);
    expect(watched(header, ["birthDate", "postalCode", "sex"]).map((w) => w.field)).toEqual([
      "identifierValue",
      "familyName",
      "givenName",
    ]);
  });

  it("follows the rows: a field is empty until some row gives one of its columns a value", () => {
    const p = plan(["Member ID", "Practice ID", "Last Name", "Family Name", "First Name", "DOB", "Sex"]);
    const watch = new EmptyFieldWatch(p, fieldsToWatch(p, rosterFieldChecks("attribution"), new Set()));
    expect(watch.withoutColumn()).toEqual([]);
    watch.see(["M1", "RIVERSIDE", "", " ", "Alma", "", "F"]);
    expect(watch.stillEmpty().map((w) => w.field)).toEqual(["familyName", "birthDate"]);
    watch.see(["M2", "RIVERSIDE", "", "Sample", "Ben", "1962-03-15", "M"]);
    expect(watch.stillEmpty()).toEqual([]);
  });
});
