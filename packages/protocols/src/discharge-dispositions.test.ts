import { describe, expect, it } from "vitest";
import { COMMUNITY_DISCHARGE_DISPOSITIONS } from "./discharge-dispositions.ts";

describe("COMMUNITY_DISCHARGE_DISPOSITIONS", () => {
  it("holds two-digit UB-04 codes, once each", () => {
    expect(new Set(COMMUNITY_DISCHARGE_DISPOSITIONS).size).toBe(COMMUNITY_DISCHARGE_DISPOSITIONS.length);
    for (const code of COMMUNITY_DISCHARGE_DISPOSITIONS) expect(code).toMatch(/^\d{2}$/);
  });

  it("includes home, home health and leaving against advice", () => {
    expect(COMMUNITY_DISCHARGE_DISPOSITIONS).toEqual(expect.arrayContaining(["01", "06", "07"]));
  });

  it("excludes transfers to hospitals and facilities, hospice facilities, death and jail", () => {
    for (const code of [
      "02",
      "03",
      "05",
      "09",
      "20",
      "21",
      "30",
      "40",
      "41",
      "42",
      "43",
      "51",
      "61",
      "62",
      "63",
      "64",
      "65",
      "66",
      "70",
    ]) {
      expect(COMMUNITY_DISCHARGE_DISPOSITIONS, code).not.toContain(code);
    }
  });
});
