import {
  type BusinessCalendar,
  isBusinessDay,
  type LocalDay,
  localDayOf,
  stepBusinessDays,
} from "./business-calendar.ts";
import type { ProtocolStep, Reminder } from "./protocol-step.ts";

const HOUR_MS = 3_600_000;

/** `HH:MM` on a local day; in a DST gap luxon moves the time forward, never to another day. */
function atLocalTime(day: LocalDay, at: string): Date {
  const [hour, minute] = at.split(":").map(Number);
  return day.set({ hour: hour ?? 0, minute: minute ?? 0, second: 0, millisecond: 0 }).toJSDate();
}

/** The last business day on or before the local day. */
function businessDayOnOrBefore(day: LocalDay, calendar: BusinessCalendar): LocalDay {
  return isBusinessDay(day, calendar) ? day : stepBusinessDays(day, 1, -1, calendar);
}

function reminderAt(reminder: Reminder, dueAt: Date, calendar: BusinessCalendar): Date {
  switch (reminder.type) {
    case "hours-before-due":
      return new Date(dueAt.getTime() - reminder.hours * HOUR_MS);
    case "business-day-at": {
      const last = businessDayOnOrBefore(localDayOf(dueAt, calendar), calendar);
      const day =
        reminder.businessDaysBeforeDue === 0
          ? last
          : stepBusinessDays(last, reminder.businessDaysBeforeDue, -1, calendar);
      return atLocalTime(day, reminder.at);
    }
  }
}

/**
 * The instants to remind the assignee of a task due at `dueAt`, earliest first. Reminders that would
 * come at or after the deadline, or at or before `notBefore` (when the task opened: a late-reported
 * event can be almost due already), are left out rather than sent pointlessly.
 */
export function reminderTimes(
  step: Pick<ProtocolStep, "reminders">,
  dueAt: Date,
  calendar: BusinessCalendar,
  notBefore?: Date,
): Date[] {
  const times = step.reminders.map((reminder) => reminderAt(reminder, dueAt, calendar));
  const kept = times.filter(
    (t) => t.getTime() < dueAt.getTime() && (notBefore === undefined || t.getTime() > notBefore.getTime()),
  );
  const unique = [...new Set(kept.map((t) => t.getTime()))].sort((a, b) => a - b);
  return unique.map((ms) => new Date(ms));
}

/**
 * When a task due at `dueAt` and still open is escalated, or undefined when the step has no
 * escalation. `business-day-at` waits for a working morning so a supervisor is not paged at midnight.
 */
export function escalationAt(
  step: Pick<ProtocolStep, "escalation">,
  dueAt: Date,
  calendar: BusinessCalendar,
): Date | undefined {
  const escalation = step.escalation;
  if (escalation === undefined) return undefined;
  const after = escalation.after;
  switch (after.type) {
    case "hours-after-due":
      return new Date(dueAt.getTime() + after.hours * HOUR_MS);
    case "business-day-at":
      return atLocalTime(
        stepBusinessDays(localDayOf(dueAt, calendar), after.businessDaysAfterDue, 1, calendar),
        after.at,
      );
  }
}
