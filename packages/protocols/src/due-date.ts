import {
  type BusinessCalendar,
  isBusinessDay,
  type LocalDay,
  localDayOf,
  stepBusinessDays,
} from "./business-calendar.ts";
import type { DueRule } from "./due-rule.ts";

const HOUR_MS = 3_600_000;

/** The last instant of a local day (23:59:59.999 in the practice's zone), as the deadline. */
export function endOfLocalDay(day: LocalDay): Date {
  return day.endOf("day").toJSDate();
}

/**
 * The local day a day-based rule falls due on: the deadline's date, for lists and reminders that
 * speak in days. Counting starts from the event's day in the practice's zone, never the UTC day.
 */
export function dueDay(
  triggeredAt: Date,
  rule: Exclude<DueRule, { type: "hours" }>,
  calendar: BusinessCalendar,
): LocalDay {
  const indexDay = localDayOf(triggeredAt, calendar);
  switch (rule.type) {
    case "calendar-days":
      return indexDay.plus({ days: rule.indexDayCounts ? rule.days - 1 : rule.days }).startOf("day");
    case "calendar-months":
      return indexDay.plus({ months: rule.months }).startOf("day");
    case "next-business-day":
      return stepBusinessDays(indexDay, 1, 1, calendar);
    case "business-days": {
      const countsAsFirst = rule.indexDayCounts && isBusinessDay(indexDay, calendar);
      const remaining = countsAsFirst ? rule.days - 1 : rule.days;
      return remaining === 0 ? indexDay : stepBusinessDays(indexDay, remaining, 1, calendar);
    }
  }
}

/**
 * When a task opened by an event at `triggeredAt` is due. Day-based rules count days in the
 * practice's zone (a 10 pm discharge in Chicago is that Chicago day, even though it is already
 * tomorrow in UTC) and end at 23:59:59.999 local on the due day, whatever DST does in between;
 * hour rules are plain elapsed time. Pure: the clock is the caller's.
 */
export function computeDueAt(triggeredAt: Date, rule: DueRule, calendar: BusinessCalendar): Date {
  if (rule.type === "hours") return new Date(triggeredAt.getTime() + rule.hours * HOUR_MS);
  return endOfLocalDay(dueDay(triggeredAt, rule, calendar));
}
