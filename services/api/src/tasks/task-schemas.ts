import {
  AdtEventKind,
  DeliveryChannel,
  DeliveryPurpose,
  DeliveryStatus,
  TaskOutcome,
  TaskStatus,
} from "@homeward/contracts";
import { CONTACT_METHODS } from "@homeward/tasks";
import { z } from "zod";
import { DbId, IsoDateTimeString, OrganizationRef, Page, RiskTier } from "../schemas.ts";

/** How the patient was reached or the attempt made: a call, a video visit, in person, a message. */
const ContactMethodSchema = z.enum(CONTACT_METHODS);

/** A task as the care manager's list shows it: their patient, by name, with where and when. */
export const TaskSummary = z
  .object({
    id: z.string(),
    title: z.string(),
    taskType: z.string(),
    protocolId: z.string(),
    stepId: z.string(),
    status: TaskStatus,
    /** Open or in progress and past due. */
    overdue: z.boolean(),
    dueAt: IsoDateTimeString,
    openedAt: IsoDateTimeString,
    triggeredAt: IsoDateTimeString,
    completedAt: IsoDateTimeString.nullable(),
    outcome: TaskOutcome.nullable(),
    completedBy: z.string().nullable(),
    /**
     * When the patient was reached, as entered (at completion, by a reached attempt, or corrected
     * later): what the follow-up measures count. Null until reached, and on tasks closed as reached
     * before contact times were kept (the measures then count `completedAt`).
     */
    contactedAt: IsoDateTimeString.nullable(),
    contactMethod: ContactMethodSchema.nullable(),
    /** The earliest attempt recorded on the task (its own time, which may be before it was entered). */
    firstAttemptAt: IsoDateTimeString.nullable(),
    cancelReason: z.string().nullable(),
    /** With the practice's IANA zone: due dates are read on its calendar. */
    organization: OrganizationRef.extend({ timeZone: z.string() }),
    patient: z.object({
      id: DbId,
      /** Shown because the patient is the signed-in organization's own. */
      displayName: z.string(),
      birthDate: z.string().nullable(),
      /** The organization's own identifier for the patient (its MRN), when it has one. */
      practiceIdentifier: z.string().nullable(),
    }),
    /**
     * `timeZone`: the facility's IANA zone (event times are read there); the practice's when unknown.
     * Null, with the visit number and event kind, for a task no event opened: the six-month
     * tracking-list review (`triggeredAt` is then what its deadline counts from).
     */
    facility: z.object({ code: z.string(), name: z.string().nullable(), timeZone: z.string() }).nullable(),
    visitNumber: z.string().nullable(),
    eventKind: AdtEventKind.nullable(),
    program: z.string().nullable(),
    riskTier: RiskTier.nullable(),
    assignee: z.object({ id: DbId, displayName: z.string() }).nullable(),
  })
  .meta({ id: "TaskSummary" });
export type TaskSummary = z.infer<typeof TaskSummary>;

const statusList = z
  .string()
  .transform((v) => v.split(",").map((s) => s.trim()))
  .pipe(z.array(TaskStatus).min(1));

export const TaskListQuery = z.object({
  /** One status or several, comma-separated: `open,in_progress`. */
  status: statusList.optional(),
  /** In the organization's time zone: due later today, already overdue, or due after today (open tasks only). */
  due: z.enum(["today", "overdue", "upcoming"]).optional(),
  organizationId: DbId.optional(),
  program: z.string().min(1).max(100).optional(),
  tier: RiskTier.optional(),
  /** `me` (the signed-in care manager's recipient), `unassigned`, or a recipient id. */
  assignee: z.union([z.enum(["me", "unassigned"]), DbId]).optional(),
  ...Page,
});
export type TaskListQuery = z.infer<typeof TaskListQuery>;

export const TaskList = z.object({
  items: z.array(TaskSummary),
  total: z.number().int(),
  limit: z.number().int(),
  offset: z.number().int(),
});

export const TimelineEntry = z.object({
  eventId: z.string(),
  kind: AdtEventKind,
  occurredAt: z.string(),
  facility: z.string(),
  visitNumber: z.string(),
  /** The encounter that opened this task. */
  thisEncounter: z.boolean(),
  announced: z.boolean(),
  retracted: z.boolean(),
});

export const AlertSent = z.object({
  id: z.string(),
  purpose: DeliveryPurpose,
  channel: DeliveryChannel,
  status: DeliveryStatus,
  recipient: z.object({ id: DbId, displayName: z.string() }),
  attempts: z.number().int(),
  createdAt: IsoDateTimeString,
  sendAfter: IsoDateTimeString.nullable(),
  sentAt: IsoDateTimeString.nullable(),
});

export const HistoryEntry = z.object({
  id: DbId,
  at: IsoDateTimeString,
  actor: z.string(),
  /** The signed-in user's e-mail when the actor is a user. */
  actorName: z.string().nullable(),
  action: z.string(),
  fromStatus: z.string().nullable(),
  toStatus: z.string().nullable(),
  detail: z.unknown(),
});

export const TaskDetail = z
  .object({
    task: TaskSummary,
    encounter: z
      .object({
        setting: z.string(),
        status: z.string(),
        startedAt: IsoDateTimeString,
        dischargedAt: IsoDateTimeString.nullable(),
      })
      .nullable(),
    /** Events of this encounter and of the patient's other encounters this organization was told of. */
    timeline: z.array(TimelineEntry),
    /** Alerts, reminders and escalations about this task (or the event that opened it) to this organization. */
    alerts: z.array(AlertSent),
    history: z.array(HistoryEntry),
    /** For a periodic review (no encounter): what it is and the list row it is about; null otherwise. */
    review: z
      .object({
        /** "Six-month tracking-list review". */
        label: z.string(),
        program: z.string().nullable(),
        /** The list row's status now (`ended` once the patient left the list) and its dates. */
        enrollment: z
          .object({
            id: DbId,
            status: z.string(),
            effectiveFrom: z.string(),
            effectiveTo: z.string().nullable(),
          })
          .nullable(),
        /** Going on the list, or the last completed review: what the deadline counts from. */
        countedFrom: IsoDateTimeString,
      })
      .nullable(),
    /**
     * The event page of the announcement that opened the task (`/events/<matchId>`); null for a
     * review, or when Homeward did not keep the announcement. The patient page is `task.patient.id`'s.
     */
    matchId: z.string().nullable(),
  })
  .meta({ id: "TaskDetail" });
export type TaskDetail = z.infer<typeof TaskDetail>;

export const AttemptBody = z.object({
  method: ContactMethodSchema,
  outcome: z.enum(["reached_patient", "left_message", "unable_to_reach", "declined"]).optional(),
  note: z.string().trim().min(1).max(4000).optional(),
  /**
   * When the attempt was made, with its offset; default now. Not before the event, not in the
   * future, not more than CONTACT_TIME_MAX_AGE_DAYS (30) ago. With outcome reached_patient it is the
   * contact time, unless an earlier attempt already reached the patient.
   */
  at: IsoDateTimeString.optional(),
});
export const CompleteBody = z.object({
  outcome: TaskOutcome,
  note: z.string().trim().min(1).max(4000).optional(),
  /**
   * When the patient was reached (outcome reached_patient only), with its offset; default: the time
   * of an attempt that already reached the patient, else now. Same limits as an attempt's `at`.
   */
  contactedAt: IsoDateTimeString.optional(),
  /** How the patient was reached (outcome reached_patient only); default: the reached attempt's. */
  contactMethod: ContactMethodSchema.optional(),
});
/** A correction of when (and how) the patient was reached; audited with the old and new values. */
export const ContactBody = z.object({
  contactedAt: IsoDateTimeString,
  contactMethod: ContactMethodSchema.optional(),
});
export const ReassignBody = z.object({ recipientId: DbId });
export const NoteBody = z.object({ text: z.string().trim().min(1).max(4000) });
