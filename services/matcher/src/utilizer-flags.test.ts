import { describe, expect, it } from "vitest";
import { utilizerFlags, type VisitSummary } from "./utilizer-flags.ts";

const ed = (key: string, startedAt: string, cancelled = false): VisitSummary => ({
  encounterKey: key,
  setting: "ed",
  startedAt,
  cancelled,
});

describe("utilizer flags", () => {
  it("flags the third ED visit within 60 days, not visits outside the window or cancelled ones", () => {
    const history = [
      ed("a", "2026-08-01T10:00:00Z"),
      ed("b", "2026-10-01T10:00:00Z"),
      ed("c", "2026-10-20T10:00:00Z", true),
    ];
    const current = { encounterKey: "d", setting: "ed" as const, at: "2026-11-20T10:00:00Z" };
    expect(utilizerFlags([...history, ed("d", current.at)], current).frequentEd).toBeUndefined();
    const withThird = [...history, ed("c2", "2026-11-01T10:00:00Z"), ed("d", current.at)];
    expect(utilizerFlags(withThird, current).frequentEd).toEqual({ visits: 3, windowDays: 60 });
    expect(
      utilizerFlags(withThird, current, { edVisits: 4, edWindowDays: 60, readmissionDays: 30 }).frequentEd,
    ).toBeUndefined();
  });

  it("flags an admission within 30 days of an inpatient discharge as a readmission", () => {
    const prior: VisitSummary = {
      encounterKey: "stay1",
      setting: "inpatient",
      startedAt: "2026-10-01T10:00:00Z",
      dischargedAt: "2026-10-25T15:00:00Z",
      cancelled: false,
    };
    const admit = { encounterKey: "stay2", setting: "inpatient" as const, at: "2026-11-20T10:00:00Z" };
    expect(utilizerFlags([prior], admit).readmission).toEqual({
      priorDischargeAt: "2026-10-25T15:00:00Z",
      daysSinceDischarge: 25,
    });
    expect(utilizerFlags([prior], { ...admit, at: "2026-11-30T10:00:00Z" }).readmission).toBeUndefined();
    expect(utilizerFlags([{ ...prior, cancelled: true }], admit).readmission).toBeUndefined();
    expect(utilizerFlags([prior], { ...admit, setting: "ed" }).readmission).toBeUndefined();
  });
});
