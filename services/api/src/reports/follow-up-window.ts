import type { TaskOutcome } from "@homeward/contracts";
import { type BusinessCalendar, computeDueAt } from "@homeward/protocols";

/** The follow-up measures quality staff ask about (issue 6), each over the tasks of given protocol steps. */
export type FollowUpMeasure =
  | "ed-follow-up"
  | "discharge-contact"
  | "discharge-visit"
  | "medication-reconciliation";

/** How "within x days" is counted: business days of the practice, or calendar days. */
export type DayUnit = "business-days" | "calendar-days";

/** "Within x days of the event", as a request states it. */
export interface FollowUpWindow {
  x: number;
  unit: DayUnit;
}

/**
 * The (protocol, step) pairs behind each measure, from DEFAULT_PROTOCOLS. The ED measure takes both
 * the 2-business-day call and the HEDIS FMC 7-day step (a program runs one or the other), and the
 * visit measure both face-to-face steps (7 days for tier I, 14 for the others): the report's own x
 * decides the window, not the step's due date.
 */
export const MEASURE_STEPS: Readonly<
  Record<FollowUpMeasure, readonly { protocolId: string; stepId: string }[]>
> = {
  "ed-follow-up": [
    { protocolId: "ed-follow-up", stepId: "follow-up-call" },
    { protocolId: "ed-follow-up-fmc", stepId: "follow-up-7-days" },
  ],
  "discharge-contact": [{ protocolId: "inpatient-discharge", stepId: "interactive-contact" }],
  "discharge-visit": [
    { protocolId: "inpatient-discharge", stepId: "face-to-face-7-days" },
    { protocolId: "inpatient-discharge", stepId: "face-to-face-14-days" },
  ],
  "medication-reconciliation": [{ protocolId: "inpatient-discharge", stepId: "medication-reconciliation" }],
};

/**
 * The outcomes that count as follow-up done. Only `reached_patient`: HEDIS follow-up and CMS TCM's
 * "interactive contact" need a two-way exchange with the patient (or caregiver), so a voicemail
 * (`left_message`), a failed attempt, a refusal or "not needed" is not a contact, even when the task
 * was closed in time. Those tasks stay in the denominator and show up in the misses list with their
 * outcome, where quality staff can see why.
 */
export const CONTACT_OUTCOMES: ReadonlySet<TaskOutcome> = new Set<TaskOutcome>(["reached_patient"]);

/**
 * The last instant that still counts as "within x days" of an event: the end of the x-th day after
 * the event's day in the practice's zone (the event day is day 0, so x = 2 after a Friday discharge
 * is Tuesday, or Wednesday when Monday is a holiday or a closure). The same rule, and the same
 * function, as the tasks' own deadlines (computeDueAt with indexDayCounts false), so the report
 * never disagrees with the task list about what "late" means. x = 0 means the event's own day.
 */
export function followUpWindowEnd(
  triggeredAt: Date,
  window: FollowUpWindow,
  calendar: BusinessCalendar,
): Date {
  return computeDueAt(triggeredAt, { type: window.unit, days: window.x, indexDayCounts: false }, calendar);
}

/** How one task fares against the window: whether it counts, and how long contact took. */
export interface TaskEvaluation {
  windowEndsAt: Date;
  /** In the numerator: the patient was reached (`contactTimeOf`) at or before the window's end. */
  met: boolean;
  /** Hours from the event to the contact, whether in time or late; null without contact. */
  hoursToContact: number | null;
}

const HOUR_MS = 3_600_000;

/** What the window needs to know about a task's contact. */
export interface ContactFacts {
  triggeredAt: Date;
  completedAt: Date | null;
  outcome: TaskOutcome | null;
  /** `tasks.contacted_at`; absent or null when none was entered. */
  contactedAt?: Date | null;
}

/**
 * When the patient was reached, as the measure counts it: the contact time the care team entered
 * (at completion, or the earliest attempt recorded as reached), not the moment somebody clicked
 * Complete: a call on day 1 entered on day 3 is a call on day 1. A task completed `reached_patient`
 * without a contact time (rows written before contact times existed, migration 0013) falls back to
 * its completion time, which is what those rows always meant. Null: the patient was not reached.
 */
export function contactTimeOf(task: ContactFacts): Date | null {
  if (task.contactedAt != null) return task.contactedAt;
  if (task.completedAt !== null && task.outcome !== null && CONTACT_OUTCOMES.has(task.outcome))
    return task.completedAt;
  return null;
}

/** Judges one task of the denominator by its contact time (`contactTimeOf`). */
export function evaluateTask(
  task: ContactFacts,
  window: FollowUpWindow,
  calendar: BusinessCalendar,
): TaskEvaluation {
  const windowEndsAt = followUpWindowEnd(task.triggeredAt, window, calendar);
  const contactedAt = contactTimeOf(task);
  if (contactedAt === null) return { windowEndsAt, met: false, hoursToContact: null };
  return {
    windowEndsAt,
    met: contactedAt.getTime() <= windowEndsAt.getTime(),
    hoursToContact: (contactedAt.getTime() - task.triggeredAt.getTime()) / HOUR_MS,
  };
}
