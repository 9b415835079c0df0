import { describe, expect, it } from "vitest";
import { applyPlan, planColumns } from "./column-mapping.ts";
import { ROSTER_PRESETS } from "./presets.ts";
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
    expect(result).toEqual({ ok: false, reason: 'missing required column(s): program (column "Program")' });
  });
});
