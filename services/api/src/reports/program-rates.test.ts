import { describe, expect, it } from "vitest";
import { windowFromOf } from "./program-frequent-ed-store.ts";
import { monthLine, per1000, utilizationRows } from "./program-rates.ts";
import type { MonthCounts } from "./program-utilization-store.ts";

const month = (over: Partial<MonthCounts>): MonthCounts => ({
  organizationId: "1",
  organizationName: "Springvale Family Medicine",
  month: "2026-03",
  firstDay: "2026-03-01",
  lastDay: "2026-03-31",
  daysCovered: 31,
  daysInMonth: 31,
  patientDays: 620,
  enrolledAtEnd: 20,
  edVisits: 3,
  admissions: 0,
  indexDischarges: 0,
  readmissions: 0,
  pendingDischarges: 0,
  ...over,
});

describe("per 1,000 member-months", () => {
  it("20 patients all March with 3 ED visits: 150.0; nobody enrolled: no rate", () => {
    expect(per1000(3, 20)).toBe(150);
    expect(per1000(1, 3)).toBe(333.3);
    expect(per1000(2, 0)).toBeNull();
  });

  it("a half month weighs half: 10 patients for 14 of February's 28 days are 5 member-months", () => {
    const line = monthLine(
      month({
        month: "2026-02",
        firstDay: "2026-02-15",
        lastDay: "2026-02-28",
        daysCovered: 14,
        daysInMonth: 28,
        patientDays: 140,
        edVisits: 1,
      }),
    );
    // Average enrolled over the 14 days covered: 10; member-months 140 / 28 = 5; 1 visit → 200.0.
    expect(line).toMatchObject({ enrolledAverage: 10, memberMonths: 5, edVisitsPer1000: 200 });
  });

  it("the period adds counts and member-months, never averages the monthly rates", () => {
    // February 5 member-months with 1 visit (200.0), March 20 with 3 (150.0): the period is
    // 4 × 1000 / 25 = 160.0, not (200 + 150) / 2 = 175.
    const rows = utilizationRows([
      month({
        month: "2026-02",
        firstDay: "2026-02-01",
        lastDay: "2026-02-28",
        daysCovered: 28,
        daysInMonth: 28,
        patientDays: 140,
        enrolledAtEnd: 10,
        edVisits: 1,
        indexDischarges: 1,
      }),
      month({ indexDischarges: 3, readmissions: 2, pendingDischarges: 1 }),
    ]);
    expect(rows.map((r) => r.level)).toEqual(["month", "month", "period"]);
    expect(rows[2]).toMatchObject({
      month: null,
      firstDay: "2026-02-01",
      lastDay: "2026-03-31",
      daysCovered: 59,
      enrolledAverage: 12.9,
      enrolledAtEnd: 20,
      memberMonths: 25,
      edVisits: 4,
      edVisitsPer1000: 160,
      indexDischarges: 4,
      readmissions: 2,
      readmissionRate: 0.5,
      pendingDischarges: 1,
    });
  });
});

describe("the frequent-ED window", () => {
  it("is the 12 months ending on the day: from the day after the same date a year before", () => {
    expect(windowFromOf("2026-03-31")).toBe("2025-04-01");
    expect(windowFromOf("2026-03-10")).toBe("2025-03-11");
    expect(windowFromOf("2025-12-31")).toBe("2025-01-01");
    // 29 February 2024: a year before has no 29 February, so the window starts on 1 March 2023.
    expect(windowFromOf("2024-02-29")).toBe("2023-03-01");
  });
});
