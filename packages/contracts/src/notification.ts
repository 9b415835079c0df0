import { z } from "zod";
import { AdtEventKind } from "./adt-event.ts";
import { IsoDate, IsoDateTime, Text } from "./common.ts";

/** How an alert reaches a person. */
export const DeliveryChannel = z.enum(["email", "pager"]);
export type DeliveryChannel = z.infer<typeof DeliveryChannel>;

/**
 * Why a delivery is sent: the first alert of an event, the correction when its event was cancelled,
 * a reminder before a task is due, an escalation when it is overdue, or the daily digest email.
 */
export const DeliveryPurpose = z.enum(["alert", "retraction", "reminder", "escalation", "digest"]);
export type DeliveryPurpose = z.infer<typeof DeliveryPurpose>;

/** Every state a delivery goes through, as recorded in PostgreSQL. */
export const DeliveryStatus = z.enum(["held", "scheduled", "queued", "sent", "failed", "dead", "skipped"]);
export type DeliveryStatus = z.infer<typeof DeliveryStatus>;

/**
 * SQS `homeward-alerts`: one delivery to do. It carries ids, not content: the worker reads the
 * delivery row (the system of record) and renders it, so a job on the queue holds no PHI and a
 * stale job (task closed, event retracted) is recognized and dropped.
 */
export const DeliveryJob = z
  .object({
    schemaVersion: z.literal(1),
    /** The idempotency key: the deliveries row's primary key, derived from what is delivered to whom. */
    deliveryId: Text,
    channel: DeliveryChannel,
    purpose: DeliveryPurpose,
    recipientId: Text,
    /** After this instant the job is stale and is recorded as skipped rather than sent. */
    notAfter: IsoDateTime.optional(),
    enqueuedAt: IsoDateTime,
  })
  .meta({ title: "DeliveryJob v1", description: "One email or page to send, on the SQS alerts queue." });
export type DeliveryJob = z.infer<typeof DeliveryJob>;

/** How much about the patient an alert may say: set per organization (PHI minimum necessary). */
export const AlertDetailLevel = z.enum(["minimal", "limited", "full"]);
export type AlertDetailLevel = z.infer<typeof AlertDetailLevel>;

/**
 * What a delivery says, stored with the delivery row and rendered by the channel's template.
 * The patient block is filled only as far as the organization's detail level allows; the subject
 * line and pager text never carry the patient's name or birth date.
 */
export const AlertContent = z.object({
  purpose: DeliveryPurpose,
  eventKind: AdtEventKind,
  occurredAt: IsoDateTime,
  facility: z.object({ code: Text, name: Text.optional() }),
  practice: z.object({ code: Text, name: Text }),
  /** The recipient's copy: lead (the alert and the task) or monitor (for information). */
  copy: z.enum(["lead", "monitor"]),
  program: Text.optional(),
  riskTier: z.enum(["I", "II", "III"]).optional(),
  flags: z.array(z.enum(["frequent-ed", "readmission"])),
  patient: z
    .object({
      /** "limited" and "full": initials only for limited, the name for full. */
      displayName: Text.optional(),
      birthDate: IsoDate.optional(),
      /** The practice's own identifier for the patient, when it has one. */
      practiceIdentifier: Text.optional(),
    })
    .optional(),
  /** Tasks this alert opened (or reminds of), with links into Homeward. */
  tasks: z.array(
    z.object({ taskId: Text, title: Text, dueAt: IsoDateTime, url: z.url(), status: Text.optional() }),
  ),
  /** For retractions: what is taken back and why. */
  correction: z.object({ reason: Text }).optional(),
  /**
   * For an alert that opened no follow-up task: why, in the words the event page uses (protocols
   * `NO_TASK_REASON_TEXT`, e.g. "no protocol opens a task for this kind of event"). No patient data.
   */
  noTaskReason: Text.optional(),
  /** For digests: the alerts it gathers (each without patient detail beyond the level). */
  items: z
    .array(z.object({ eventKind: AdtEventKind, occurredAt: IsoDateTime, facility: Text, url: z.url() }))
    .optional(),
  /** A link to the event in Homeward (the care manager signs in to see the detail). */
  url: z.url(),
});
export type AlertContent = z.infer<typeof AlertContent>;

export const TaskStatus = z.enum(["open", "in_progress", "completed", "cancelled"]);
export type TaskStatus = z.infer<typeof TaskStatus>;

/** How a follow-up ended. */
export const TaskOutcome = z.enum([
  "reached_patient",
  "left_message",
  "unable_to_reach",
  "declined",
  "not_needed",
]);
export type TaskOutcome = z.infer<typeof TaskOutcome>;

/** A transition-protocol task, as the API shows it. One per (encounter, organization, protocol step). */
export const Task = z
  .object({
    taskId: Text,
    organizationId: Text,
    patientId: Text,
    encounter: z.object({ facility: Text, visitNumber: Text }),
    protocolId: Text,
    stepId: Text,
    taskType: Text,
    title: Text,
    status: TaskStatus,
    program: Text.optional(),
    riskTier: z.enum(["I", "II", "III"]).optional(),
    assigneeRecipientId: Text.optional(),
    triggerEventId: Text,
    triggeredAt: IsoDateTime,
    openedAt: IsoDateTime,
    dueAt: IsoDateTime,
    completedAt: IsoDateTime.optional(),
    outcome: TaskOutcome.optional(),
    completedBy: Text.optional(),
    cancelReason: Text.optional(),
  })
  .meta({ title: "Task v1", description: "A follow-up task opened by a transition protocol." });
export type Task = z.infer<typeof Task>;
