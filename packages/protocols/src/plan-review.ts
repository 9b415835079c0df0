import { DateTime } from "luxon";
import { type BusinessCalendar, localDayOf } from "./business-calendar.ts";
import { computeDueAt } from "./due-date.ts";
import type { EnrollmentStatus, ReviewProtocol } from "./protocol.ts";
import type { TaskType } from "./protocol-step.ts";
import { reviewTaskIdFor } from "./task-id.ts";

/** One patient on a list a review protocol may cover, as the store finds them. */
export interface ReviewCandidate {
  /** The enrollment row in force (its status is the one reviewed). */
  enrollmentId: string;
  /** The organization whose list it is: it does the review. */
  organizationId: string;
  patientId: string;
  program: string;
  status: EnrollmentStatus;
  riskTier?: "I" | "II" | "III";
  /**
   * The day the patient went on the list (`YYYY-MM-DD`): the start of the unbroken run of the list's
   * rows with this status, so a tier or goal change that opened a new row does not restart the clock.
   */
  onListSince: string;
  /** When the last review of this run was completed, if one was. */
  lastReviewedAt?: Date;
  /** A review of this patient and program is open: there is never a second one. */
  reviewOpen: boolean;
  /** The list's care manager, else the PCP of record; absent = the organization's unassigned queue. */
  assigneeRecipientId?: string;
}

/** A review task to open, every instant computed; the store inserts it idempotently by `taskId`. */
export interface PlannedReviewTask {
  taskId: string;
  protocolId: string;
  stepId: string;
  taskType: TaskType;
  title: string;
  organizationId: string;
  patientId: string;
  enrollmentId: string;
  program: string;
  riskTier?: "I" | "II" | "III";
  /** What the deadline counts from: going on the list, or the last completed review. */
  countedFrom: Date;
  dueAt: Date;
  /** The start of the local day the task appears (`opensDaysBeforeDue` before the due day). */
  opensAt: Date;
  assigneeRecipientId?: string;
}

/** Whether a review protocol covers this candidate: enabled, for its status and program. */
export function reviewApplies(protocol: ReviewProtocol, candidate: ReviewCandidate): boolean {
  if (!protocol.enabled || !protocol.enrollmentStatuses.includes(candidate.status)) return false;
  return protocol.programs === "all" || protocol.programs.includes(candidate.program);
}

/**
 * When the candidate's next review falls due and when it opens, whether or not that is yet: due by
 * the step's rule from the last completed review, or from the day the patient went on the list (its
 * start in the practice's zone). Pure: the calendar and the candidate come in.
 */
export function nextReview(
  protocol: ReviewProtocol,
  candidate: ReviewCandidate,
  calendar: BusinessCalendar,
): Pick<PlannedReviewTask, "countedFrom" | "dueAt" | "opensAt"> & { dueDay: string } {
  const countedFrom =
    candidate.lastReviewedAt ??
    DateTime.fromISO(candidate.onListSince, { zone: calendar.timeZone }).startOf("day").toJSDate();
  const dueAt = computeDueAt(countedFrom, protocol.step.due, calendar);
  const dueDay = localDayOf(dueAt, calendar);
  const opensAt = dueDay.minus({ days: protocol.step.opensDaysBeforeDue }).startOf("day").toJSDate();
  return { countedFrom, dueAt, opensAt, dueDay: dueDay.toISODate() };
}

/**
 * The review task to open for the candidate now, or undefined: none when the protocol does not
 * cover them, a review is already open, or the next one does not open yet. Run again and again by
 * the sweeper, it gives the same task (same id) until the store has it, and after a completed review
 * the next period's.
 */
export function planReviewTask(
  protocol: ReviewProtocol,
  candidate: ReviewCandidate,
  calendar: BusinessCalendar,
  now: Date,
): PlannedReviewTask | undefined {
  if (!reviewApplies(protocol, candidate) || candidate.reviewOpen) return undefined;
  const next = nextReview(protocol, candidate, calendar);
  if (now.getTime() < next.opensAt.getTime()) return undefined;
  const { step } = protocol;
  const task: PlannedReviewTask = {
    taskId: reviewTaskIdFor({
      organizationId: candidate.organizationId,
      protocolId: protocol.protocolId,
      stepId: step.stepId,
      patientId: candidate.patientId,
      program: candidate.program,
      dueDay: next.dueDay,
    }),
    protocolId: protocol.protocolId,
    stepId: step.stepId,
    taskType: step.taskType,
    title: step.title,
    organizationId: candidate.organizationId,
    patientId: candidate.patientId,
    enrollmentId: candidate.enrollmentId,
    program: candidate.program,
    countedFrom: next.countedFrom,
    dueAt: next.dueAt,
    opensAt: next.opensAt,
  };
  if (candidate.riskTier !== undefined) task.riskTier = candidate.riskTier;
  if (candidate.assigneeRecipientId !== undefined) task.assigneeRecipientId = candidate.assigneeRecipientId;
  return task;
}
