import { TaskChangeRefused } from "./task-change-refused.ts";

/** How the patient was reached (migration 0013's `tasks.contact_method`). */
export const CONTACT_METHODS = ["phone", "video", "in_person", "message"] as const;
export type ContactMethod = (typeof CONTACT_METHODS)[number];

/** What a contact (or attempt) time is checked against. */
export interface ContactTimeLimits {
  /** The event that opened the task: nobody follows up on a visit before it happened. */
  triggeredAt: Date;
  /** The api's clock: a contact cannot be entered ahead of time. */
  now: Date;
  /** How many days back a time may be entered: older claims are not checkable and skew the measure. */
  maxAgeDays: number;
}

const DAY_MS = 86_400_000;

/**
 * Refuses (TaskChangeRefused `invalid_contact_time`, a 400 in the api) a time the care team could
 * not have reached the patient at: before the event that opened the task, after now, or more than
 * `maxAgeDays` ago. The follow-up
 * measures count this time instead of the click on Complete, so it is bounded where it is entered.
 * `what` names the field in the message ("contactedAt", "at"). The bounds go in `details` (the
 * message stays free of patient data: the event time is the patient's).
 */
export function checkContactTime(what: string, at: Date, limits: ContactTimeLimits): void {
  const oldest = new Date(limits.now.getTime() - limits.maxAgeDays * DAY_MS);
  const notBefore = oldest.getTime() > limits.triggeredAt.getTime() ? oldest : limits.triggeredAt;
  const details = { notBefore: notBefore.toISOString(), notAfter: limits.now.toISOString() };
  if (at.getTime() > limits.now.getTime())
    throw new TaskChangeRefused(
      "invalid",
      "invalid_contact_time",
      `${what} is in the future; enter when it happened`,
      details,
    );
  if (at.getTime() < limits.triggeredAt.getTime())
    throw new TaskChangeRefused(
      "invalid",
      "invalid_contact_time",
      `${what} is before the event that opened the task; check the date`,
      details,
    );
  if (at.getTime() < oldest.getTime())
    throw new TaskChangeRefused(
      "invalid",
      "invalid_contact_time",
      `${what} is more than ${limits.maxAgeDays} days ago; contact times older than that cannot be entered`,
      details,
    );
}
