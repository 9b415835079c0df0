import { describe, expect, it } from "vitest";
import { DueRule } from "./due-rule.ts";

describe("DueRule", () => {
  it("accepts each kind of rule", () => {
    for (const rule of [
      { type: "business-days", days: 2, indexDayCounts: false },
      { type: "calendar-days", days: 30, indexDayCounts: true },
      { type: "next-business-day" },
      { type: "calendar-months", months: 6 },
      { type: "hours", hours: 1.5 },
    ]) {
      expect(DueRule.parse(rule)).toEqual(rule);
    }
  });

  it("refuses counts that make no sense and fields of another kind", () => {
    for (const rule of [
      { type: "business-days", days: 0, indexDayCounts: false },
      { type: "business-days", days: 2.5, indexDayCounts: false },
      { type: "business-days", days: 61, indexDayCounts: false },
      { type: "business-days", days: 2 },
      { type: "calendar-days", days: 400, indexDayCounts: false },
      { type: "hours", hours: 0 },
      { type: "hours", hours: -4 },
      { type: "next-business-day", days: 1 },
      { type: "weeks", weeks: 1 },
      { type: "calendar-months", months: 0 },
      { type: "calendar-months", months: 6, indexDayCounts: false },
    ]) {
      expect(DueRule.safeParse(rule).success, JSON.stringify(rule)).toBe(false);
    }
  });
});
