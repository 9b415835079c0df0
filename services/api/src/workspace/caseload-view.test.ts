import { describe, expect, it } from "vitest";
import { againstTargets } from "./caseload-view.ts";

describe("againstTargets", () => {
  const targets = { priorityOne: 75, totalMin: 180, totalMax: 220 };
  it("marks Priority I over its target, and the total under, within or over its range (bounds within)", () => {
    expect(againstTargets({ priorityOne: 75, total: 180 }, targets)).toEqual({
      priorityOneStatus: "within",
      totalStatus: "within",
    });
    expect(againstTargets({ priorityOne: 76, total: 221 }, targets)).toEqual({
      priorityOneStatus: "over",
      totalStatus: "over",
    });
    expect(againstTargets({ priorityOne: 0, total: 179 }, targets).totalStatus).toBe("under");
    expect(againstTargets({ priorityOne: 0, total: 220 }, targets).totalStatus).toBe("within");
  });
});
