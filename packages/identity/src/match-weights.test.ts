import { describe, expect, it } from "vitest";
import {
  type AgreementLevel,
  agreementWeight,
  fieldWeight,
  type MatchField,
  MU_PROBABILITIES,
  maximumScore,
} from "./match-weights.ts";

describe("agreementWeight", () => {
  it("is log2(m/u) rounded to hundredths", () => {
    expect(agreementWeight({ m: 0.5, u: 0.5 })).toBe(0);
    expect(agreementWeight({ m: 0.8, u: 0.1 })).toBe(3);
    expect(agreementWeight({ m: 0.1, u: 0.8 })).toBe(-3);
  });
});

describe("the m/u table", () => {
  const fields = Object.keys(MU_PROBABILITIES) as MatchField[];
  it("has m and u that each sum to 1 over a field's levels", () => {
    for (const field of fields) {
      const levels = Object.values(MU_PROBABILITIES[field]);
      expect(levels.reduce((s, p) => s + p.m, 0)).toBeCloseTo(1, 6);
      expect(levels.reduce((s, p) => s + p.u, 0)).toBeCloseTo(1, 6);
    }
  });
  it("orders levels: agreement positive, disagreement negative, missing 0", () => {
    for (const field of fields) {
      const agree: AgreementLevel =
        field === "sex" || field === "postalCode" || field === "phone" || field === "suffix"
          ? "agree"
          : "exact";
      expect(fieldWeight(field, agree)).toBeGreaterThan(0);
      expect(fieldWeight(field, "disagree")).toBeLessThan(0);
      expect(fieldWeight(field, "missing")).toBe(0);
    }
  });
  it("gives partial levels less than full agreement", () => {
    expect(fieldWeight("family", "close")).toBeLessThan(fieldWeight("family", "exact"));
    expect(fieldWeight("given", "nickname")).toBeLessThan(fieldWeight("given", "exact"));
    expect(fieldWeight("birthDate", "transposed")).toBeLessThan(fieldWeight("birthDate", "exact"));
    expect(fieldWeight("birthDate", "off-by-one")).toBeLessThan(fieldWeight("birthDate", "transposed"));
    expect(fieldWeight("birthDate", "partial")).toBeLessThan(fieldWeight("birthDate", "off-by-one"));
  });
  it("has the documented weights", () => {
    expect(fieldWeight("family", "exact")).toBe(8.81);
    expect(fieldWeight("given", "exact")).toBe(7.73);
    expect(fieldWeight("birthDate", "exact")).toBe(14.21);
    expect(fieldWeight("birthDate", "transposed")).toBe(7.91);
    expect(fieldWeight("sex", "agree")).toBe(0.97);
    expect(fieldWeight("phone", "agree")).toBe(9.45);
    expect(fieldWeight("postalCode", "agree")).toBe(5.41);
    expect(fieldWeight("suffix", "agree")).toBe(1.11);
    expect(fieldWeight("suffix", "disagree")).toBe(-4.2);
  });
  it("gives 0 for a level a field does not have", () => {
    expect(fieldWeight("sex", "nickname")).toBe(0);
  });
  it("has a maximum score that is the sum of every field's best level", () => {
    expect(maximumScore()).toBeCloseTo(8.81 + 7.73 + 3.58 + 1.11 + 14.21 + 0.97 + 5.41 + 9.45, 2);
  });
});
