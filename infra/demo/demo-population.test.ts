import { describe, expect, it } from "vitest";
import {
  demoPopulation,
  highestTier,
  PRACTICE_CARE_MANAGERS,
  TRACKING_LIST_SIZE,
} from "./demo-population.ts";

describe("demo population", () => {
  const people = demoPopulation();

  it("is the same for the same seed, and 200 people by default", () => {
    expect(people).toHaveLength(200);
    expect(demoPopulation()).toEqual(people);
    expect(demoPopulation(7)).not.toEqual(people);
  });

  it("is obviously synthetic: invented family names, fictional 555-01xx phone numbers", () => {
    for (const p of people) {
      expect(p.family).toMatch(/^(Demo|Synth|Sample|Mock|Fict|Proto)[a-z]+$/);
      expect(p.phone).toMatch(/^\d{3}55501\d{2}$/);
    }
  });

  it("gives everyone unique identifiers and a unique name and birth date", () => {
    const unique = <T>(xs: T[]) => new Set(xs).size;
    expect(unique(people.map((p) => p.memberId))).toBe(200);
    for (const facility of ["MERCYGEN", "STLUKES", "VALLEYGEN", "RECOVERY"])
      expect(unique(people.map((p) => p.mrns[facility]))).toBe(200);
    expect(unique(people.map((p) => `${p.family}|${p.given}|${p.birthDate}`))).toBe(200);
  });

  it("puts a realistic share on the care-management lists, every tier represented", () => {
    const listed = people.filter((p) => highestTier(p) !== undefined);
    expect(listed.length).toBeGreaterThan(50);
    expect(listed.length).toBeLessThan(120);
    expect(new Set(listed.map(highestTier))).toEqual(new Set(["I", "II", "III"]));
    // The plan's list holds the plan-led patients and the jointly managed sickest.
    expect(people.some((p) => p.planList?.lead === "plan")).toBe(true);
    expect(people.some((p) => p.practiceList !== undefined && p.planList?.lead === "joint")).toBe(true);
  });

  it("gives each of the practice's three care managers a caseload with patients of every tier", () => {
    for (const cm of PRACTICE_CARE_MANAGERS) {
      const mine = people.filter((p) => p.practiceList?.careManager === cm);
      expect(new Set(mine.map((p) => p.practiceList?.tier)), cm).toEqual(new Set(["I", "II", "III"]));
      expect(mine.filter((p) => p.practiceList?.tier === "I").length, cm).toBeGreaterThanOrEqual(3);
    }
    expect(
      people.every((p) => p.practiceList === undefined || p.practiceList.careManager !== undefined),
    ).toBe(true);
  });

  it("keeps a tracking list whose six-month reviews fall due at different times", () => {
    const tracking = people.filter((p) => p.practiceList?.status === "tracking_list");
    expect(tracking.length).toBeGreaterThanOrEqual(TRACKING_LIST_SIZE);
    const days = tracking.map((p) => p.practiceList?.sinceDays ?? 0);
    // Past due or due within the two weeks a review opens ahead (the roster's date is the 1st of the
    // month, so this holds whatever day the demo is seeded), and some not due for months.
    expect(days.filter((d) => d >= 168).length).toBeGreaterThanOrEqual(3);
    expect(days.some((d) => d < 120)).toBe(true);
    // Everyone else on a list has been there at least two months: the replayed past routes to them.
    const others = people.flatMap((p) =>
      [p.practiceList, p.planList].filter((l) => l !== undefined && l.status !== "tracking_list"),
    );
    expect(others.every((l) => (l?.sinceDays ?? 0) >= 60)).toBe(true);
  });

  it("has patients on both lists, and plan-led patients the practice only monitors", () => {
    const both = people.filter((p) => p.practiceList !== undefined && p.planList !== undefined);
    expect(both.length).toBeGreaterThanOrEqual(10);
    expect(
      people.filter((p) => p.practiceList === undefined && p.planList?.lead === "plan").length,
    ).toBeGreaterThan(3);
  });
});
