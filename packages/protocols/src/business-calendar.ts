import { IanaTimeZone } from "@homeward/contracts";
import { DateTime } from "luxon";
import { z } from "zod";
import { isKnownHolidaySet, publicHolidayDates } from "./holiday-dates.ts";
import { reportDuplicates } from "./unique.ts";

/**
 * The practice's working days: its time zone, the public holidays it closes for, and its own
 * closures. Business-day deadlines are counted on it ("2 business days" skips what it skips).
 */
export const BusinessCalendar = z
  .strictObject({
    /** IANA zone of the practice: days begin and end there, whatever the hospital's zone. */
    timeZone: IanaTimeZone,
    /** The public holidays observed; absent = none (weekends and closures only). */
    holidays: z
      .strictObject({
        /** ISO 3166-1 alpha-2 country, e.g. `US` (federal holidays and their observed days). */
        country: z.string().regex(/^[A-Z]{2}$/),
        /** ISO 3166-2 subdivision, e.g. `CA`: that state's public holidays replace the country's. */
        state: z
          .string()
          .regex(/^[A-Z0-9]{1,3}$/)
          .optional(),
      })
      .refine(isKnownHolidaySet, { message: "unknown holiday country or state" })
      .optional(),
    /** Days the practice is closed on top of the holidays (`YYYY-MM-DD`, practice-local), e.g. a staff day. */
    closures: z.array(z.iso.date()).default([]),
  })
  .superRefine((calendar, ctx) => {
    reportDuplicates(ctx, calendar.closures, String, ["closures"], "closure date");
  });
export type BusinessCalendar = z.infer<typeof BusinessCalendar>;

/** A calendar day in the practice's zone, at its start. */
export type LocalDay = DateTime<true>;

const closureSets = new WeakMap<BusinessCalendar, ReadonlySet<string>>();

function closuresOf(calendar: BusinessCalendar): ReadonlySet<string> {
  let set = closureSets.get(calendar);
  if (set === undefined) {
    set = new Set(calendar.closures);
    closureSets.set(calendar, set);
  }
  return set;
}

/** Saturday and Sunday are never business days; luxon numbers them 6 and 7 (ISO weekdays). */
const isWeekend = (day: LocalDay): boolean => day.weekday >= 6;

/** Whether the practice works on this local day: not a weekend, public holiday or closure. */
export function isBusinessDay(day: LocalDay, calendar: BusinessCalendar): boolean {
  if (isWeekend(day)) return false;
  const iso = day.toISODate();
  if (closuresOf(calendar).has(iso)) return false;
  if (calendar.holidays === undefined) return true;
  return !publicHolidayDates(calendar.holidays, day.year).has(iso);
}

/** The local day (start of day, in the calendar's zone) that contains the instant. */
export function localDayOf(instant: Date, calendar: BusinessCalendar): LocalDay {
  const day = DateTime.fromJSDate(instant, { zone: calendar.timeZone }).startOf("day");
  if (!day.isValid) {
    throw new RangeError(`cannot place ${instant.toISOString()} in zone ${calendar.timeZone}`);
  }
  return day;
}

/** Enough to cross any real run of closed days; more means a calendar that never opens. */
const MAX_DAYS_SEARCHED = 3700;

/**
 * Steps `direction` days at a time from `from` (exclusive) until `count` business days were passed,
 * and returns the last one. Calendar arithmetic in the practice's zone, so DST never shifts a day.
 */
export function stepBusinessDays(
  from: LocalDay,
  count: number,
  direction: 1 | -1,
  calendar: BusinessCalendar,
): LocalDay {
  let day = from;
  let found = 0;
  for (let i = 0; found < count; i++) {
    if (i >= MAX_DAYS_SEARCHED)
      throw new RangeError("no business day found: does the calendar close every day?");
    day = day.plus({ days: direction }).startOf("day");
    if (isBusinessDay(day, calendar)) found++;
  }
  return day;
}
