import { describe, expect, it } from "vitest";
import { isKnownHolidaySet, publicHolidayDates } from "./holiday-dates.ts";

const US = { country: "US" };

describe("publicHolidayDates", () => {
  it("lists the eleven US federal holidays and nothing that is only an observance", () => {
    const dates = publicHolidayDates(US, 2026);
    expect([...dates].sort()).toEqual([
      "2026-01-01",
      "2026-01-19",
      "2026-02-16",
      "2026-05-25",
      "2026-06-19",
      "2026-07-03", // July 4 is a Saturday: observed Friday July 3
      "2026-07-04",
      "2026-09-07",
      "2026-10-12",
      "2026-11-11",
      "2026-11-26",
      "2026-12-25",
    ]);
    // Valentine's Day, Easter, Halloween, the day after Thanksgiving (observances), Christmas Eve (optional).
    for (const workday of ["2026-02-14", "2026-04-05", "2026-10-31", "2026-11-27", "2026-12-24"]) {
      expect(dates.has(workday)).toBe(false);
    }
  });

  it("moves a Sunday holiday to Monday and a Saturday one to Friday, across the year end too", () => {
    expect(publicHolidayDates(US, 2022).has("2022-12-26")).toBe(true); // Christmas on a Sunday
    expect(publicHolidayDates(US, 2027).has("2027-12-31")).toBe(true); // New Year 2028 is a Saturday
    expect(publicHolidayDates(US, 2028).has("2027-12-31")).toBe(false);
  });

  it("observes Veterans Day on the Friday when November 11 is a Saturday (date-holidays does not)", () => {
    expect(publicHolidayDates(US, 2023).has("2023-11-10")).toBe(true);
    expect(publicHolidayDates(US, 2028).has("2028-11-10")).toBe(true);
    expect(publicHolidayDates(US, 2029).has("2029-11-12")).toBe(true); // a Sunday: Monday
  });

  it("takes a state's own public holidays when a state is given", () => {
    const california = publicHolidayDates({ country: "US", state: "CA" }, 2026);
    expect(california.has("2026-11-27")).toBe(true); // day after Thanksgiving
    expect(california.has("2026-03-31")).toBe(true); // César Chávez Day
    expect(california.has("2026-10-12")).toBe(false); // no Columbus Day for the state
    expect(california.has("2026-07-03")).toBe(true);
  });

  it("computes each (year, country, state) once", () => {
    expect(publicHolidayDates(US, 2031)).toBe(publicHolidayDates({ country: "US" }, 2031));
  });
});

describe("isKnownHolidaySet", () => {
  it("knows countries and their states, and refuses typos", () => {
    expect(isKnownHolidaySet({ country: "US" })).toBe(true);
    expect(isKnownHolidaySet({ country: "US", state: "TX" })).toBe(true);
    expect(isKnownHolidaySet({ country: "US", state: "ZZ" })).toBe(false);
    expect(isKnownHolidaySet({ country: "XX" })).toBe(false);
  });
});
