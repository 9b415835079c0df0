import { describe, expect, it } from "vitest";
import { minimalEvent } from "./adt-event.test.ts";
import { MatchedEvent, UnmatchedEvent } from "./matched-event.ts";

const matched: MatchedEvent = {
  schemaVersion: 1,
  matchId: "m-1",
  kind: "announcement",
  event: minimalEvent,
  patientId: "p-1",
  practice: {
    organizationId: "o-1",
    code: "SFM",
    name: "Springfield Family Medicine",
    timeZone: "America/Chicago",
  },
  enrollment: {
    program: "complex-care",
    riskTier: "I",
    status: "active",
    leadOrganization: "joint",
    copy: "lead",
  },
  recipients: [{ recipientId: "r-1", role: "care-manager", copy: "lead" }],
  flags: { frequentEd: { visits: 3, windowDays: 60 } },
  encounter: { facility: "FAC", visitNumber: "V1", setting: "ed", status: "active" },
  match: { method: "identifier", fields: [{ field: "identifier:MR", agreement: "exact" }] },
  matchedAt: "2024-03-10T03:31:05-04:00",
};

describe("MatchedEvent and UnmatchedEvent", () => {
  it("accept a full record and survive a JSON round trip", () => {
    expect(MatchedEvent.parse(JSON.parse(JSON.stringify(matched)))).toEqual(matched);
    const review = {
      schemaVersion: 1,
      event: minimalEvent,
      reason: "review",
      candidates: [
        { patientId: "p-2", score: 9.5, explanation: { method: "probabilistic", score: 9.5, fields: [] } },
      ],
      decidedAt: "2024-03-10T03:31:05-04:00",
    };
    expect(UnmatchedEvent.parse(review)).toEqual(review);
  });

  it("refuse a record that names no patient, or a tier outside I/II/III", () => {
    const { patientId: _, ...withoutPatient } = matched;
    expect(MatchedEvent.safeParse(withoutPatient).error?.issues.map((i) => i.path.join("."))).toEqual([
      "patientId",
    ]);
    const badTier = { ...matched, enrollment: { ...matched.enrollment, riskTier: "IV" } };
    expect(MatchedEvent.safeParse(badTier).success).toBe(false);
  });
});
