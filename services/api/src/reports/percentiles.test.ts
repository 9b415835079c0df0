import { describe, expect, it } from "vitest";
import { median, percentile, rateOf, roundTo } from "./percentiles.ts";

describe("percentile", () => {
  it("is null for no values", () => {
    expect(percentile([], 0.9)).toBeNull();
    expect(median([])).toBeNull();
  });

  it("returns the only value for every p", () => {
    expect(percentile([7], 0)).toBe(7);
    expect(percentile([7], 0.9)).toBe(7);
  });

  it("averages the two middle values for an even count and ignores input order", () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([5, 1, 3])).toBe(3);
  });

  it("interpolates linearly like percentile_cont (type 7)", () => {
    // ranks 0..9: p90 at rank 8.1 → 9 + 0.1 × (10 − 9)
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBeCloseTo(9.1, 10);
    // 2 values: p90 at rank 0.9
    expect(percentile([10, 20], 0.9)).toBeCloseTo(19, 10);
    expect(percentile([3, 1, 2], 0)).toBe(1);
    expect(percentile([3, 1, 2], 1)).toBe(3);
  });

  it("does not reorder the caller's array", () => {
    const values = [3, 1, 2];
    percentile(values, 0.5);
    expect(values).toEqual([3, 1, 2]);
  });

  it("rejects p outside [0, 1]", () => {
    expect(() => percentile([1], 1.5)).toThrow(RangeError);
    expect(() => percentile([1], Number.NaN)).toThrow(RangeError);
  });
});

describe("rateOf and roundTo", () => {
  it("gives null for an empty denominator and rounds to 4 decimals", () => {
    expect(rateOf(0, 0)).toBeNull();
    expect(rateOf(2, 3)).toBe(0.6667);
    expect(rateOf(3, 3)).toBe(1);
  });

  it("keeps null and rounds half away from zero for positives", () => {
    expect(roundTo(null, 2)).toBeNull();
    expect(roundTo(1.005, 1)).toBe(1);
    expect(roundTo(2.345678, 2)).toBe(2.35);
  });
});
