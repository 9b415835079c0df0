import { describe, expect, it } from "vitest";
import { demoPopulation, highestTier } from "./demo-population.ts";

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
});
