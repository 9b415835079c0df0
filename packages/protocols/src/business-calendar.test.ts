import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import {
  BusinessCalendar,
  isBusinessDay,
  type LocalDay,
  localDayOf,
  stepBusinessDays,
} from "./business-calendar.ts";

const calendar: BusinessCalendar = {
  timeZone: "America/New_York",
  holidays: { country: "US" },
  closures: ["2026-03-13"],
};

const day = (iso: string): LocalDay => {
  const d = DateTime.fromISO(iso, { zone: calendar.timeZone });
  if (!d.isValid) throw new Error(iso);
  return d;
};

describe("BusinessCalendar", () => {
  it("accepts a zone, a holiday set and closures, closures defaulting to none", () => {
    expect(BusinessCalendar.parse({ timeZone: "America/Phoenix" })).toEqual({
      timeZone: "America/Phoenix",
      closures: [],
    });
    expect(BusinessCalendar.parse(calendar)).toEqual(calendar);
  });

  it("refuses fixed offsets, unknown holiday sets, bad and duplicate closure dates", () => {
    const paths = (input: unknown) =>
      BusinessCalendar.safeParse(input).error?.issues.map((i) => i.path.join("."));
    expect(paths({ timeZone: "-05:00" })).toEqual(["timeZone"]);
    expect(paths({ timeZone: "America/Chicago", holidays: { country: "US", state: "ZZ" } })).toEqual([
      "holidays",
    ]);
    expect(paths({ timeZone: "America/Chicago", closures: ["2026-02-30"] })).toEqual(["closures.0"]);
    expect(paths({ timeZone: "America/Chicago", closures: ["2026-03-13", "2026-03-13"] })).toEqual([
      "closures.1",
    ]);
  });
});

describe("isBusinessDay", () => {
  it("is false on weekends, public holidays and the practice's closures", () => {
    expect(isBusinessDay(day("2026-03-12"), calendar)).toBe(true);
    expect(isBusinessDay(day("2026-03-13"), calendar)).toBe(false); // closure
    expect(isBusinessDay(day("2026-03-14"), calendar)).toBe(false); // Saturday
    expect(isBusinessDay(day("2026-03-15"), calendar)).toBe(false); // Sunday
    expect(isBusinessDay(day("2026-07-03"), calendar)).toBe(false); // observed July 4
    expect(isBusinessDay(day("2026-02-14"), calendar)).toBe(false); // a Saturday anyway
    expect(isBusinessDay(day("2027-02-15"), calendar)).toBe(false); // Washington's Birthday
  });

  it("counts only weekends and closures when no holiday set is given", () => {
    const noHolidays: BusinessCalendar = { timeZone: "America/New_York", closures: [] };
    expect(isBusinessDay(day("2026-07-03"), noHolidays)).toBe(true);
  });
});

describe("localDayOf", () => {
  it("places an instant on the practice's day, not the UTC one", () => {
    const lateEvening = new Date("2026-01-15T23:30:00-06:00"); // already Jan 16 in UTC
    const chicago: BusinessCalendar = { ...calendar, timeZone: "America/Chicago" };
    expect(localDayOf(lateEvening, chicago).toISODate()).toBe("2026-01-15");
    expect(localDayOf(lateEvening, calendar).toISODate()).toBe("2026-01-16");
  });
});

describe("stepBusinessDays", () => {
  it("walks forward and back over weekends, holidays and closures", () => {
    expect(stepBusinessDays(day("2026-03-12"), 1, 1, calendar).toISODate()).toBe("2026-03-16");
    expect(stepBusinessDays(day("2026-03-16"), 1, -1, calendar).toISODate()).toBe("2026-03-12");
    expect(stepBusinessDays(day("2026-07-02"), 2, 1, calendar).toISODate()).toBe("2026-07-07");
  });
});
