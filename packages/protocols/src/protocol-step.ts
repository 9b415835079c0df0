import { DeliveryChannel } from "@homeward/contracts";
import { z } from "zod";
import { DueRule } from "./due-rule.ts";
import { reportDuplicates } from "./unique.ts";

/** A protocol or step id: lower-case kebab-case, stable (it is part of every task id). */
export const ProtocolId = z
  .string()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, { message: "use lower-case kebab-case, e.g. ed-follow-up" })
  .max(64);

/** What the care team has to do. Quality reports group by it, so it is a closed list. */
export const TaskType = z.enum([
  "follow-up-call",
  "interactive-contact",
  "face-to-face-visit",
  "medication-reconciliation",
  "in-hospital-touch",
  /** A tracking-list patient admitted: the practice's one more face-to-face attempt, at the bedside. */
  "in-hospital-visit",
  /** The six-monthly look at a tracking-list patient: engage them, or take them off the list. */
  "tracking-list-review",
]);
export type TaskType = z.infer<typeof TaskType>;

/** An enrollment's risk tier, or `none` for a patient with no enrollment (attributed only). */
export const RiskTierCondition = z.enum(["I", "II", "III", "none"]);
export type RiskTierCondition = z.infer<typeof RiskTierCondition>;

/** Who an overdue task goes to, by the recipient role the practice set up. */
export const EscalationRole = z.enum(["supervisor", "care_manager", "pcp"]);
export type EscalationRole = z.infer<typeof EscalationRole>;

/** A wall-clock time in the practice's zone, `HH:MM` (24 h). */
export const LocalTime = z
  .string()
  .regex(/^(?:[01]\d|2[0-3]):[0-5]\d$/, { message: "expected HH:MM (24 h)" });

/**
 * When to remind the assignee of an open task. Day-based tasks are due at the end of the day, so
 * "4 hours before" would land at 8 pm; `business-day-at` reminds during the working day instead.
 */
export const Reminder = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("hours-before-due"),
    hours: z.number().positive().max(720),
  }),
  z.strictObject({
    type: z.literal("business-day-at"),
    /** Local time of the reminder. */
    at: LocalTime,
    /**
     * 0 = the last business day on or before the due day; 1 = the business day before that, and so on.
     */
    businessDaysBeforeDue: z.int().min(0).max(20),
  }),
]);
export type Reminder = z.infer<typeof Reminder>;

/** When an overdue task is escalated. */
export const EscalationTiming = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("hours-after-due"),
    /** 0 = as soon as it is overdue. */
    hours: z.number().min(0).max(720),
  }),
  z.strictObject({
    type: z.literal("business-day-at"),
    /** Local time of the escalation. */
    at: LocalTime,
    /** 1 = the first business day after the due day. */
    businessDaysAfterDue: z.int().min(1).max(20),
  }),
]);
export type EscalationTiming = z.infer<typeof EscalationTiming>;

/** What happens when a task is still open past its deadline. */
export const Escalation = z.strictObject({
  after: EscalationTiming,
  /** The role told (every recipient of the practice with that role). */
  role: EscalationRole,
  channel: DeliveryChannel,
});
export type Escalation = z.infer<typeof Escalation>;

/** One task a protocol opens. */
export const ProtocolStep = z
  .strictObject({
    /** Unique within its protocol; part of the task id, so never rename a step in use. */
    stepId: ProtocolId,
    taskType: TaskType,
    /** What the care manager sees in the task list and the alert, e.g. "Follow-up call". */
    title: z.string().min(1).max(120),
    due: DueRule,
    /** Only for these tiers (`none` = no enrollment); absent = every patient the protocol matched. */
    riskTiers: z.array(RiskTierCondition).min(1).optional(),
    /** Reminders to the assignee before the task is due. */
    reminders: z.array(Reminder).default([]),
    /** Absent = an overdue task is only shown as overdue. */
    escalation: Escalation.optional(),
  })
  .superRefine((step, ctx) => {
    reportDuplicates(ctx, step.riskTiers ?? [], String, ["riskTiers"], "risk tier");
    reportDuplicates(ctx, step.reminders, (r) => JSON.stringify(r), ["reminders"], "reminder");
  });
export type ProtocolStep = z.infer<typeof ProtocolStep>;
