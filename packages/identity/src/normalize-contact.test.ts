import { describe, expect, it } from "vitest";
import {
  formatBirthDate,
  normalizePhone,
  normalizePostalCode,
  normalizeSex,
  parseBirthDate,
} from "./normalize-contact.ts";

describe("normalizePhone", () => {
  it("keeps the last ten digits", () => {
    expect(normalizePhone("(617) 555-0142")).toBe("6175550142");
    expect(normalizePhone("+1 617.555.0142")).toBe("6175550142");
    expect(normalizePhone("16175550142")).toBe("6175550142");
  });
  it("drops an extension", () => {
    expect(normalizePhone("617-555-0142 x204")).toBe("6175550142");
    expect(normalizePhone("617-555-0142 ext. 9")).toBe("6175550142");
  });
  it("rejects short numbers and fillers", () => {
    expect(normalizePhone("555-0142")).toBeUndefined();
    expect(normalizePhone("000-000-0000")).toBeUndefined();
    expect(normalizePhone(undefined)).toBeUndefined();
  });
});

describe("normalizePostalCode", () => {
  it("keeps the first five digits", () => {
    expect(normalizePostalCode("02134-1234")).toBe("02134");
    expect(normalizePostalCode(" 021341234")).toBe("02134");
  });
  it("rejects non-US and blank codes", () => {
    expect(normalizePostalCode("K1A 0B1")).toBeUndefined();
    expect(normalizePostalCode("00000")).toBeUndefined();
    expect(normalizePostalCode(undefined)).toBeUndefined();
  });
});

describe("parseBirthDate", () => {
  it("splits YYYY-MM-DD and YYYYMMDD", () => {
    expect(parseBirthDate("1985-03-04")).toEqual({ year: 1985, month: 3, day: 4 });
    expect(parseBirthDate("19850304")).toEqual({ year: 1985, month: 3, day: 4 });
  });
  it("rejects dates that do not exist", () => {
    expect(parseBirthDate("2023-02-29")).toBeUndefined();
    expect(parseBirthDate("1985-13-01")).toBeUndefined();
    expect(parseBirthDate("1985-00-10")).toBeUndefined();
    expect(parseBirthDate("garbage")).toBeUndefined();
  });
  it("accepts leap days", () => {
    expect(parseBirthDate("2024-02-29")).toEqual({ year: 2024, month: 2, day: 29 });
  });
  it("round-trips through formatBirthDate", () => {
    expect(formatBirthDate({ year: 1901, month: 1, day: 9 })).toBe("1901-01-09");
  });
});

describe("normalizeSex", () => {
  it("maps HL7 and roster spellings", () => {
    expect(normalizeSex("F")).toBe("F");
    expect(normalizeSex("female")).toBe("F");
    expect(normalizeSex("m")).toBe("M");
    expect(normalizeSex("Male")).toBe("M");
  });
  it("treats unknown, other and non-binary codes as missing", () => {
    for (const code of ["U", "O", "A", "N", "X", "", undefined]) expect(normalizeSex(code)).toBeUndefined();
  });
});
