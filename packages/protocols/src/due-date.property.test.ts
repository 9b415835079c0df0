import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type BusinessCalendar, isBusinessDay, localDayOf } from "./business-calendar.ts";
import { computeDueAt } from "./due-date.ts";

const ZONES = ["America/New_York", "America/Chicago", "America/Los_Angeles", "America/Phoenix"];

const instant = fc.date({
  min: new Date("2024-01-01T00:00:00Z"),
  max: new Date("2031-12-31T00:00:00Z"),
  noInvalidDate: true,
});

/** A practice calendar with a few random closures in the same years. */
const calendarArb: fc.Arbitrary<BusinessCalendar> = fc.record({
  timeZone: fc.constantFrom(...ZONES),
  holidays: fc.constantFrom(
    { country: "US" },
    { country: "US", state: "CA" },
    { country: "US", state: "TX" },
  ),
  closures: fc.uniqueArray(
    instant.map((d) => d.toISOString().slice(0, 10)),
    { maxLength: 30 },
  ),
});

const localTime = (at: Date, calendar: BusinessCalendar) => localDayOf(at, calendar);

describe("computeDueAt properties", () => {
  it("a business-day deadline is the end of a business day, after the trigger", () => {
    fc.assert(
      fc.property(
        instant,
        calendarArb,
        fc.integer({ min: 1, max: 20 }),
        fc.boolean(),
        (at, calendar, days, index) => {
          const dueAt = computeDueAt(at, { type: "business-days", days, indexDayCounts: index }, calendar);
          expect(dueAt.getTime()).toBeGreaterThan(at.getTime());
          const dueDay = localTime(dueAt, calendar);
          expect(isBusinessDay(dueDay, calendar)).toBe(true);
          expect(dueDay.endOf("day").toMillis()).toBe(dueAt.getTime());
        },
      ),
    );
  });

  it("the next business day is a business day after the event's local day", () => {
    fc.assert(
      fc.property(instant, calendarArb, (at, calendar) => {
        const dueAt = computeDueAt(at, { type: "next-business-day" }, calendar);
        const dueDay = localTime(dueAt, calendar);
        expect(isBusinessDay(dueDay, calendar)).toBe(true);
        expect(dueDay > localTime(at, calendar)).toBe(true);
      }),
    );
  });

  it("counts exactly n business days after the event day when the index day does not count", () => {
    fc.assert(
      fc.property(instant, calendarArb, fc.integer({ min: 1, max: 15 }), (at, calendar, days) => {
        const dueDay = localTime(
          computeDueAt(at, { type: "business-days", days, indexDayCounts: false }, calendar),
          calendar,
        );
        let counted = 0;
        for (let d = localTime(at, calendar).plus({ days: 1 }); d <= dueDay; d = d.plus({ days: 1 })) {
          if (isBusinessDay(d, calendar)) counted++;
        }
        expect(counted).toBe(days);
      }),
    );
  });

  it("is monotone in n, for business and calendar days alike, and always after the trigger", () => {
    fc.assert(
      fc.property(
        instant,
        calendarArb,
        fc.integer({ min: 1, max: 30 }),
        fc.boolean(),
        fc.constantFrom("business-days" as const, "calendar-days" as const),
        (at, calendar, days, index, type) => {
          const shorter = computeDueAt(at, { type, days, indexDayCounts: index }, calendar);
          const longer = computeDueAt(at, { type, days: days + 1, indexDayCounts: index }, calendar);
          expect(longer.getTime()).toBeGreaterThan(shorter.getTime());
          expect(shorter.getTime()).toBeGreaterThan(at.getTime());
        },
      ),
    );
  });

  it("a calendar-day deadline is exactly n days (or n-1 counting the event day) after the event's local day", () => {
    fc.assert(
      fc.property(
        instant,
        calendarArb,
        fc.integer({ min: 1, max: 366 }),
        fc.boolean(),
        (at, calendar, days, index) => {
          const dueAt = computeDueAt(at, { type: "calendar-days", days, indexDayCounts: index }, calendar);
          const span = localTime(dueAt, calendar).diff(localTime(at, calendar), "days").days;
          expect(Math.round(span)).toBe(index ? days - 1 : days);
        },
      ),
    );
  });
});
