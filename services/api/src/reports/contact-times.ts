import type { ContactTimings } from "./contact-times-store.ts";
import { type FollowUpGroupBy, groupedRows } from "./follow-up-measure.ts";
import type { FollowUpTaskRow } from "./follow-up-store.ts";
import { contactTimeOf } from "./follow-up-window.ts";
import { percentile, roundTo } from "./percentiles.ts";

/** The dimensions quality staff slice the measure by (as the follow-up report). */
export type ContactTimesGroupBy = FollowUpGroupBy;

/** A task of the follow-up measure with the moments the contact-times measure is timed between. */
export type ContactTimesTaskRow = FollowUpTaskRow & ContactTimings;

/** A task put on the measure's clock: hours from the alert to the first attempt and to the contact. */
export interface TimedTask {
  task: ContactTimesTaskRow;
  /** False when no alert went out for the event: the clock starts at the task's opening (at the event for a backfill). */
  fromAlert: boolean;
  hoursToFirstAttempt: number | null;
  hoursToContact: number | null;
}

/** The numbers of one group (or of all tasks). */
export interface ContactTimesNumbers {
  /** The measure's tasks triggered in the period (cancelled ones left out). */
  tasks: number;
  /** Tasks timed from the task's opening because no alert was sent for the event. */
  timedFromTaskOpening: number;
  /** Tasks with at least one attempt (a contact is an attempt): the base of the first-attempt times. */
  attempted: number;
  medianHoursToFirstAttempt: number | null;
  p90HoursToFirstAttempt: number | null;
  /** Tasks where the patient was reached: the base of the contact times. */
  contacted: number;
  medianHoursToContact: number | null;
  p90HoursToContact: number | null;
}

export interface ContactTimesRow extends ContactTimesNumbers {
  /** Id of the practice or care manager, the program, tier or `YYYY-MM`; null for "none". */
  groupKey: string | null;
  group: string;
}

const HOUR_MS = 3_600_000;
/**
 * A task opened this long after its event came from a backfill (a feed resent, the demo's six
 * months of history): the notifier alerts nobody about such an event (ALERT_MAX_EVENT_AGE_HOURS,
 * default 168), and its opening is the replay, not when anyone could act. Its clock starts at the
 * event instead.
 */
const BACKFILL_HOURS = 168;
const hoursBetween = (from: Date, to: Date | null) =>
  to === null ? null : (to.getTime() - from.getTime()) / HOUR_MS;

/**
 * Starts each task's clock at its alert: the first alert about the event sent to the organization,
 * else (no alert went out: all held, failed, or the organization takes no alerts) the task's opening,
 * or the event itself for a task opened from a backfill (more than BACKFILL_HOURS after its event).
 * The contact is the time the patient was reached (`contactTimeOf`, as the follow-up measure counts
 * it). The first attempt is the earliest attempt recorded, or the contact when it came first (a
 * task completed as reached without an attempt on record was attempted when the patient was
 * reached). A contact or attempt before the alert (the care manager saw the patient in the ED) gives
 * a negative time: kept as data, not hidden.
 */
export function timeTask(task: ContactTimesTaskRow): TimedTask {
  const backfilled = (hoursBetween(task.triggeredAt, task.openedAt) ?? 0) > BACKFILL_HOURS;
  const start = task.alertSentAt ?? (backfilled ? task.triggeredAt : task.openedAt);
  const contact = contactTimeOf(task);
  const attempts = [task.firstAttemptAt, contact].filter((d): d is Date => d !== null);
  const firstAttempt = attempts.length === 0 ? null : new Date(Math.min(...attempts.map((d) => d.getTime())));
  return {
    task,
    fromAlert: task.alertSentAt !== null,
    hoursToFirstAttempt: hoursBetween(start, firstAttempt),
    hoursToContact: hoursBetween(start, contact),
  };
}

/** Count, median and p90 (percentile_cont, 2 decimals) of a set of timed tasks. */
export function contactTimesOf(tasks: readonly TimedTask[]): ContactTimesNumbers {
  const attempts = tasks.flatMap((t) => (t.hoursToFirstAttempt === null ? [] : [t.hoursToFirstAttempt]));
  const contacts = tasks.flatMap((t) => (t.hoursToContact === null ? [] : [t.hoursToContact]));
  return {
    tasks: tasks.length,
    timedFromTaskOpening: tasks.filter((t) => !t.fromAlert).length,
    attempted: attempts.length,
    medianHoursToFirstAttempt: roundTo(percentile(attempts, 0.5), 2),
    p90HoursToFirstAttempt: roundTo(percentile(attempts, 0.9), 2),
    contacted: contacts.length,
    medianHoursToContact: roundTo(percentile(contacts, 0.5), 2),
    p90HoursToContact: roundTo(percentile(contacts, 0.9), 2),
  };
}

/**
 * One row per group, sorted by label with "none" (unassigned, no program...) last, as the follow-up
 * report sorts, and the total over all tasks.
 */
export function summarizeContactTimes(
  tasks: readonly ContactTimesTaskRow[],
  groupBy: ContactTimesGroupBy,
): { rows: ContactTimesRow[]; total: ContactTimesNumbers } {
  const timed = tasks.map(timeTask);
  const rows = groupedRows(timed, (t) => t.task, groupBy, contactTimesOf);
  return { rows, total: contactTimesOf(timed) };
}
