import type { DeliveryChannel, MatchedEvent } from "@homeward/contracts";
import type { BusinessCalendar } from "./business-calendar.ts";
import { computeDueAt } from "./due-date.ts";
import { encounterExclusionOf, patientDied } from "./exclusions.ts";
import type { ProtocolsFile } from "./protocol.ts";
import { protocolApplies, stepApplies } from "./protocol-match.ts";
import type { EscalationRole, TaskType } from "./protocol-step.ts";
import { taskIdFor } from "./task-id.ts";
import { escalationAt, reminderTimes } from "./task-timing.ts";

/** A task to open, with every instant computed; the notifier stores it (idempotently, by `taskId`). */
export interface PlannedTask {
  taskId: string;
  protocolId: string;
  stepId: string;
  taskType: TaskType;
  title: string;
  organizationId: string;
  patientId: string;
  encounter: { facility: string; visitNumber: string };
  /** The event that opened it: a retraction of that event cancels the task. */
  triggerEventId: string;
  /** The event's `occurredAt`. */
  triggeredAt: Date;
  dueAt: Date;
  /** When to remind the assignee, earliest first (none at or before `triggeredAt`, none after due). */
  reminders: Date[];
  escalation?: { at: Date; role: EscalationRole; channel: DeliveryChannel };
  /** The lead care manager, else the lead PCP; absent = the practice's unassigned queue. */
  assigneeRecipientId?: string;
  program?: string;
  riskTier?: "I" | "II" | "III";
}

/** Whether this practice's copy carries the tasks: the lead does, a monitor copy only informs. */
function isLeadCopy(matched: MatchedEvent): boolean {
  return matched.enrollment?.copy !== "monitor";
}

/**
 * Who works the tasks: the enrollment's named care manager, else the PCP of record. Never someone
 * told only because of their role in the organization: with several care managers in a practice,
 * "the first care manager" is somebody else's patient's care manager. Unassigned otherwise.
 */
function assigneeOf(matched: MatchedEvent): string | undefined {
  const lead = matched.recipients.filter((r) => r.copy === "lead");
  return (
    lead.find((r) => r.basis === "care-manager-of-record") ?? lead.find((r) => r.basis === "pcp-of-record")
  )?.recipientId;
}

/**
 * The follow-up tasks a matched event opens for its practice, by the protocols that apply, due on
 * the practice's calendar. Only announcements of the lead copy open tasks (a monitor copy would
 * double the work; a retraction cancels, which the caller does by trigger event id), never for a
 * patient the hospital reports as deceased (PID-30 or an "expired" PV1-36), and never for a protocol
 * whose exclusions this very event meets. Pure and deterministic: the same inputs give the same
 * tasks, ids included.
 */
export function planTasks(
  matched: MatchedEvent,
  protocols: ProtocolsFile,
  calendar: BusinessCalendar,
): PlannedTask[] {
  if (matched.kind !== "announcement" || !isLeadCopy(matched)) return [];
  if (patientDied(matched)) return [];
  const triggeredAt = new Date(matched.event.occurredAt);
  const assignee = assigneeOf(matched);
  const tasks: PlannedTask[] = [];
  for (const protocol of protocols.protocols) {
    if (!protocolApplies(protocol, matched)) continue;
    // A discharge that excludes the visit (transfer, or AMA where configured) opens nothing for it.
    if (encounterExclusionOf(protocol, matched) !== undefined) continue;
    for (const step of protocol.steps) {
      if (!stepApplies(step, matched)) continue;
      const dueAt = computeDueAt(triggeredAt, step.due, calendar);
      const task: PlannedTask = {
        taskId: taskIdFor({
          facility: matched.encounter.facility,
          visitNumber: matched.encounter.visitNumber,
          organizationId: matched.practice.organizationId,
          protocolId: protocol.protocolId,
          stepId: step.stepId,
        }),
        protocolId: protocol.protocolId,
        stepId: step.stepId,
        taskType: step.taskType,
        title: step.title,
        organizationId: matched.practice.organizationId,
        patientId: matched.patientId,
        encounter: { facility: matched.encounter.facility, visitNumber: matched.encounter.visitNumber },
        triggerEventId: matched.event.eventId,
        triggeredAt,
        dueAt,
        reminders: reminderTimes(step, dueAt, calendar, triggeredAt),
      };
      const escalateAt = escalationAt(step, dueAt, calendar);
      if (escalateAt !== undefined && step.escalation !== undefined) {
        task.escalation = { at: escalateAt, role: step.escalation.role, channel: step.escalation.channel };
      }
      if (assignee !== undefined) task.assigneeRecipientId = assignee;
      if (matched.enrollment !== undefined) {
        task.program = matched.enrollment.program;
        if (matched.enrollment.riskTier !== undefined) task.riskTier = matched.enrollment.riskTier;
      }
      tasks.push(task);
    }
  }
  return tasks;
}
