import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import type { BusinessCalendar } from "./business-calendar.ts";
import { computeDueAt } from "./due-date.ts";
import type { DueRule } from "./due-rule.ts";

const practice = (timeZone: string, extra: Partial<BusinessCalendar> = {}): BusinessCalendar => ({
  timeZone,
  holidays: { country: "US" },
  closures: [],
  ...extra,
});
const NEW_YORK = practice("America/New_York");
const CHICAGO = practice("America/Chicago");

const businessDays = (days: number, indexDayCounts = false): DueRule => ({
  type: "business-days",
  days,
  indexDayCounts,
});
const calendarDays = (days: number, indexDayCounts = false): DueRule => ({
  type: "calendar-days",
  days,
  indexDayCounts,
});
const NEXT_BUSINESS_DAY: DueRule = { type: "next-business-day" };

/** The due instant as the practice's wall clock reads it, with the offset in force then. */
const due = (at: string, rule: DueRule, calendar: BusinessCalendar): string | null =>
  DateTime.fromJSDate(computeDueAt(new Date(at), rule, calendar), { zone: calendar.timeZone }).toISO();

describe("computeDueAt, business days", () => {
  it("skips a Monday holiday: Friday evening discharge, 2 business days, due end of Wednesday", () => {
    // Labor Day 2026 is Monday September 7.
    expect(due("2026-09-04T19:30:00-04:00", businessDays(2), NEW_YORK)).toBe("2026-09-09T23:59:59.999-04:00");
  });

  it("skips Thanksgiving, and the Friday after it where the state closes", () => {
    expect(due("2026-11-25T14:00:00-06:00", businessDays(2), CHICAGO)).toBe("2026-11-30T23:59:59.999-06:00");
    const california = practice("America/Los_Angeles", { holidays: { country: "US", state: "CA" } });
    expect(due("2026-11-25T14:00:00-08:00", businessDays(2), california)).toBe(
      "2026-12-01T23:59:59.999-08:00",
    );
  });

  it("skips the observed Friday of a July 4 that falls on a Saturday", () => {
    expect(due("2026-07-02T10:00:00-04:00", businessDays(2), NEW_YORK)).toBe("2026-07-07T23:59:59.999-04:00");
    expect(due("2026-07-02T10:00:00-04:00", NEXT_BUSINESS_DAY, NEW_YORK)).toBe(
      "2026-07-06T23:59:59.999-04:00",
    );
  });

  it("crosses the new year, including a New Year's Day observed on December 31", () => {
    expect(due("2026-12-31T15:00:00-05:00", businessDays(2), NEW_YORK)).toBe("2027-01-05T23:59:59.999-05:00");
    // January 1 2028 is a Saturday: Friday December 31 2027 is the federal holiday.
    expect(due("2027-12-30T09:00:00-05:00", NEXT_BUSINESS_DAY, NEW_YORK)).toBe(
      "2028-01-03T23:59:59.999-05:00",
    );
  });

  it("skips the practice's own closure days", () => {
    const closed = practice("America/New_York", { closures: ["2026-03-09", "2026-03-10"] });
    expect(due("2026-03-06T18:00:00-05:00", businessDays(2), closed)).toBe("2026-03-12T23:59:59.999-04:00");
  });

  it("counts the event day as day 1 only when asked, and only if it is a business day", () => {
    const monday = "2026-03-02T10:00:00-05:00";
    expect(due(monday, businessDays(2, true), NEW_YORK)).toBe("2026-03-03T23:59:59.999-05:00");
    expect(due(monday, businessDays(2, false), NEW_YORK)).toBe("2026-03-04T23:59:59.999-05:00");
    expect(due(monday, businessDays(1, true), NEW_YORK)).toBe("2026-03-02T23:59:59.999-05:00");
    const saturday = "2026-03-07T10:00:00-05:00";
    expect(due(saturday, businessDays(2, true), NEW_YORK)).toBe("2026-03-10T23:59:59.999-04:00");
    expect(due(saturday, businessDays(2, false), NEW_YORK)).toBe("2026-03-10T23:59:59.999-04:00");
  });

  it("takes the practice's day for a late-evening event that is already tomorrow in UTC", () => {
    // Thursday 11:30 pm in Chicago is Friday 05:30 UTC. Counted on the UTC day, the next business day
    // would skip Martin Luther King Jr. Day (Monday January 19) and land on Tuesday.
    expect(due("2026-01-15T23:30:00-06:00", NEXT_BUSINESS_DAY, CHICAGO)).toBe(
      "2026-01-16T23:59:59.999-06:00",
    );
    expect(due("2026-01-15T23:30:00-06:00", businessDays(2), CHICAGO)).toBe("2026-01-20T23:59:59.999-06:00");
  });
});

describe("computeDueAt, calendar days", () => {
  it("counts from the day after the event, or from the event day", () => {
    expect(due("2026-03-02T10:00:00-05:00", calendarDays(7), NEW_YORK)).toBe("2026-03-09T23:59:59.999-04:00");
    expect(due("2026-03-02T10:00:00-05:00", calendarDays(7, true), NEW_YORK)).toBe(
      "2026-03-08T23:59:59.999-04:00",
    );
    expect(due("2026-03-02T10:00:00-05:00", calendarDays(1, true), NEW_YORK)).toBe(
      "2026-03-02T23:59:59.999-05:00",
    );
  });

  it("may fall on a weekend or holiday, as the measures count it, and crosses the year", () => {
    expect(due("2026-12-28T08:00:00-05:00", calendarDays(7), NEW_YORK)).toBe("2027-01-04T23:59:59.999-05:00");
    expect(due("2026-06-27T08:00:00-04:00", calendarDays(7), NEW_YORK)).toBe("2026-07-04T23:59:59.999-04:00");
  });
});

describe("computeDueAt, calendar months", () => {
  const sixMonths: DueRule = { type: "calendar-months", months: 6 };

  it("falls on the same day of the month, at the end of the day in the practice's zone, across DST", () => {
    expect(due("2026-06-05T00:00:00-04:00", sixMonths, NEW_YORK)).toBe("2026-12-05T23:59:59.999-05:00");
    // 11:30 pm in Chicago on May 31 is June 1 in UTC: counted from the practice's May 31.
    expect(due("2026-05-31T23:30:00-05:00", sixMonths, CHICAGO)).toBe("2026-11-30T23:59:59.999-06:00");
  });

  it("takes the month's last day when it is shorter, and may fall on a weekend or holiday", () => {
    expect(due("2026-08-31T10:00:00-04:00", sixMonths, NEW_YORK)).toBe("2027-02-28T23:59:59.999-05:00");
    expect(due("2027-08-31T10:00:00-04:00", sixMonths, NEW_YORK)).toBe("2028-02-29T23:59:59.999-05:00");
    // Christmas Day 2026 is a Friday holiday; a review is due on it all the same.
    expect(due("2026-06-25T10:00:00-04:00", sixMonths, NEW_YORK)).toBe("2026-12-25T23:59:59.999-05:00");
  });
});

describe("computeDueAt across DST changes", () => {
  // 2026: clocks go forward on Sunday March 8 and back on Sunday November 1 in the US zones.
  const zones = [
    ["America/New_York", "-05:00", "-04:00"],
    ["America/Chicago", "-06:00", "-05:00"],
    ["America/Los_Angeles", "-08:00", "-07:00"],
    ["America/Phoenix", "-07:00", "-07:00"], // no DST
  ] as const;

  it.each(zones)("%s: spring-forward weekend, due at 23:59:59.999 local", (zone, standard, summer) => {
    const calendar = practice(zone);
    const friday = DateTime.fromISO("2026-03-06T18:00:00", { zone }).toISO() ?? "";
    expect(friday.endsWith(standard)).toBe(true);
    expect(due(friday, businessDays(2), calendar)).toBe(`2026-03-10T23:59:59.999${summer}`);
    expect(due(friday, calendarDays(2), calendar)).toBe(`2026-03-08T23:59:59.999${summer}`);
    const saturday = DateTime.fromISO("2026-03-07T12:00:00", { zone }).toISO() ?? "";
    expect(due(saturday, NEXT_BUSINESS_DAY, calendar)).toBe(`2026-03-09T23:59:59.999${summer}`);
  });

  it.each(zones)("%s: fall-back weekend, due at 23:59:59.999 local", (zone, standard, summer) => {
    const calendar = practice(zone);
    const friday = DateTime.fromISO("2026-10-30T18:00:00", { zone }).toISO() ?? "";
    expect(friday.endsWith(summer)).toBe(true);
    expect(due(friday, businessDays(2), calendar)).toBe(`2026-11-03T23:59:59.999${standard}`);
    // Sunday November 1 has 25 hours where DST ends; its end is still 23:59:59.999 local.
    expect(due(friday, calendarDays(2), calendar)).toBe(`2026-11-01T23:59:59.999${standard}`);
  });

  it("keeps hour rules as elapsed time, whatever the wall clock does", () => {
    const at = new Date("2026-03-07T23:00:00-05:00");
    const dueAt = computeDueAt(at, { type: "hours", hours: 4 }, NEW_YORK);
    expect(dueAt.getTime() - at.getTime()).toBe(4 * 3_600_000);
    expect(DateTime.fromJSDate(dueAt, { zone: "America/New_York" }).toISO()).toBe(
      "2026-03-08T04:00:00.000-04:00",
    );
  });
});
