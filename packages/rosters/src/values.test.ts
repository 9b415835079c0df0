import { describe, expect, it } from "vitest";
import {
  cellList,
  cellPhone,
  cellRiskTier,
  cellSex,
  isValidNpi,
  parseRosterDate,
  riskTierOf,
} from "./values.ts";

describe("parseRosterDate", () => {
  it("reads ISO, US and compact dates", () => {
    expect(parseRosterDate("1950-03-04")).toBe("1950-03-04");
    expect(parseRosterDate("3/4/1950")).toBe("1950-03-04");
    expect(parseRosterDate("19500304")).toBe("1950-03-04");
  });
  it("refuses impossible days and two-digit years", () => {
    for (const bad of ["1950-02-30", "13/01/1950", "3/4/50", "2024-00-10", "yesterday", ""]) {
      expect(parseRosterDate(bad)).toBeUndefined();
    }
    expect(parseRosterDate("2024-02-29")).toBe("2024-02-29");
  });
});

describe("cells", () => {
  it("checks the NPI check digit", () => {
    expect(isValidNpi("1234567893")).toBe(true);
    expect(isValidNpi("1234567890")).toBe(false);
    expect(isValidNpi("123456789")).toBe(false);
  });
  it("normalizes sex, phone and tier spellings", () => {
    expect(cellSex.parse(" female ")).toBe("F");
    expect(cellPhone.parse("+1 (617) 555-0101")).toBe("6175550101");
    expect(cellPhone.safeParse("555-0101").success).toBe(false);
    expect(["I", "1", "Priority I", "tier 1"].map((t) => cellRiskTier.parse(t))).toEqual([
      "I",
      "I",
      "I",
      "I",
    ]);
    expect(cellRiskTier.parse("Priority III")).toBe("III");
    expect(cellRiskTier.safeParse("IV").success).toBe(false);
  });
});

describe("cellList", () => {
  const tiers = cellList((v) => riskTierOf(v) ?? { error: `not a tier: ${v}` });
  it("splits on ; | , and line breaks, without repeats, sorted", () => {
    expect(tiers.parse("III; 1|Priority II, I\nTier 3")).toEqual(["I", "II", "III"]);
  });
  it("reads *, all and any as no restriction", () => {
    for (const any of ["*", "All", " ANY "]) expect(tiers.parse(any)).toBeUndefined();
  });
  it("refuses the list with every bad item named", () => {
    const result = tiers.safeParse("I; IV; V");
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe("not a tier: IV; not a tier: V");
  });
});
