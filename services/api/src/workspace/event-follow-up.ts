import { type AlertContent, EVENT_KIND_LABELS } from "@homeward/contracts";
import { inTransaction, notifyWorkspaceChanged, type Pool, type PoolClient } from "@homeward/db";
import { type BusinessCalendar, computeDueAt, type DueRule, taskIdFor } from "@homeward/protocols";
import { insertHandOpenedTask } from "@homeward/tasks";
import type { Principal } from "../auth/principal.ts";
import { activeRecipientsOf, careManagerOfRecord, type MatchedEventRow } from "./event-store.ts";

/** A follow-up call opened by hand is due 2 business days after the day it is opened (as the ED follow-up protocol counts). */
export const HAND_OPENED_DUE_RULE: DueRule = { type: "business-days", days: 2, indexDayCounts: false };
export const HAND_OPENED_DUE_WORDS =
  "2 business days after the day it was opened, on the practice's calendar (weekends, holidays and closures skipped)";

/** Tasks opened from an event page: their own protocol, so no quality measure counts them as a protocol's. */
export const HAND_OPENED_PROTOCOL = "manual";
const HAND_OPENED_STEP = "follow-up-call";

export type AssignedBecause = "care-manager-of-record" | "caller" | "unassigned";

export interface OpenedFollowUp {
  taskId: string;
  created: boolean;
  assignedBecause: AssignedBecause | null;
}

/**
 * Opens the one follow-up call a care team may add by hand to an event's encounter, or finds it when
 * it is there already (a second click, or the same encounter's other event): the task id is derived
 * from (encounter, organization, "manual", step) as the notifier derives its own, so two clicks at once
 * still make one task. Due per the practice's calendar from the day it is opened; assigned to the care
 * manager of record (the open enrollment's, else the one the event was routed to), else the caller's
 * own recipient, else left unassigned. History says who opened it; the audit row commits with it;
 * the organization's workspace is told. No reminders or escalations are scheduled for it.
 */
export async function openFollowUpTask(
  pool: Pool,
  input: {
    event: MatchedEventRow;
    principal: Principal;
    /** `user:<id>`: the history names the user who opened it (the task page shows their e-mail). */
    actor: string;
    now: Date;
    calendar: BusinessCalendar;
    audit: (db: PoolClient, detail: { taskId: string; created: boolean }) => Promise<void>;
  },
): Promise<OpenedFollowUp> {
  const { event, now } = input;
  const record = event.record;
  const taskId = taskIdFor({
    facility: event.facility,
    visitNumber: event.visit_number,
    organizationId: event.organization_id,
    protocolId: HAND_OPENED_PROTOCOL,
    stepId: HAND_OPENED_STEP,
  });
  return inTransaction(pool, async (client) => {
    const assignee = await chooseAssignee(client, event, input.principal);
    const dueAt = computeDueAt(now, HAND_OPENED_DUE_RULE, input.calendar);
    const created = await insertHandOpenedTask(client, {
      id: taskId,
      organizationId: event.organization_id,
      patientId: event.patient_id,
      facility: event.facility,
      visitNumber: event.visit_number,
      protocolId: HAND_OPENED_PROTOCOL,
      stepId: HAND_OPENED_STEP,
      title: `Follow-up call after ${lowerFirst(EVENT_KIND_LABELS[record.event.kind])}`,
      program: record.enrollment?.program ?? null,
      riskTier: record.enrollment?.riskTier ?? null,
      assigneeId: assignee.id,
      triggerEventId: event.event_id,
      triggerMatchId: event.match_id,
      triggeredAt: event.occurred_at,
      openedAt: now,
      dueAt,
      alertContent: alertContentOf(event),
      actor: input.actor,
      opened: {
        note: "Opened by hand from the event page",
        matchId: event.match_id,
        dueAt: dueAt.toISOString(),
        due: HAND_OPENED_DUE_WORDS,
        assignedBecause: assignee.because,
      },
    });
    if (created) {
      await notifyWorkspaceChanged(client, { organizationId: event.organization_id, kind: "task" });
    }
    await input.audit(client, { taskId, created });
    return { taskId, created, assignedBecause: created ? assignee.because : null };
  });
}

async function chooseAssignee(
  db: PoolClient,
  event: MatchedEventRow,
  principal: Principal,
): Promise<{ id: string | null; because: AssignedBecause }> {
  const ofRecord = await careManagerOfRecord(db, event.patient_id, event.organization_id);
  if (ofRecord !== undefined) return { id: ofRecord.id, because: "care-manager-of-record" };
  const routed = event.record.recipients
    .filter((r) => r.basis === "care-manager-of-record")
    .map((r) => r.recipientId);
  const [routedTo] = await activeRecipientsOf(db, routed, event.organization_id);
  if (routedTo !== undefined) return { id: routedTo.id, because: "care-manager-of-record" };
  const own = principal.recipientId;
  if (own !== undefined && (await activeRecipientsOf(db, [own], event.organization_id)).length > 0)
    return { id: own, because: "caller" };
  return { id: null, because: "unassigned" };
}

/** A label inside a sentence: "ED arrival" stays, "Inpatient admission" becomes "inpatient admission". */
const lowerFirst = (label: string) =>
  /^[A-Z][a-z]/.test(label) ? label.charAt(0).toLowerCase() + label.slice(1) : label;

/**
 * What the notifier keeps with each task (its opening alert's content, which the task list reads for
 * the event and facility): no patient block at all (minimum necessary). Without the alert's link:
 * the api does not know the address alerts use, and only tasks with reminder timers (none here) are
 * rendered from it.
 */
function alertContentOf(event: MatchedEventRow): Omit<AlertContent, "url"> {
  const record = event.record;
  const flags: AlertContent["flags"] = [];
  if (record.flags.frequentEd !== undefined) flags.push("frequent-ed");
  if (record.flags.readmission !== undefined) flags.push("readmission");
  const facility = record.event.facility;
  return {
    purpose: "alert",
    eventKind: record.event.kind,
    occurredAt: record.event.occurredAt,
    facility: {
      code: facility.sendingFacility,
      ...(facility.displayName === undefined ? {} : { name: facility.displayName }),
    },
    practice: { code: event.org_code, name: event.org_name },
    copy: event.copy,
    ...(record.enrollment === undefined
      ? {}
      : { program: record.enrollment.program, riskTier: record.enrollment.riskTier }),
    flags,
    tasks: [],
  };
}
