import type { MatchedEvent } from "@homeward/contracts";
import { inTransaction, notifyWorkspaceChanged, type Pool } from "@homeward/db";
import type { Logger } from "@homeward/logger";
import {
  cancellationsFor,
  exclusionsFor,
  NO_TASK_REASON_TEXT,
  noTaskReason,
  type PlannedTask,
  type ProtocolsFile,
  planTasks,
} from "@homeward/protocols";
import { planSends } from "@homeward/routing";
import type { WorkQueue } from "@homeward/sqs";
import { cancelTasks, excludeTasks, openTasks } from "@homeward/tasks";
import { DateTime } from "luxon";
import { buildAlertContent } from "./alert-content.ts";
import { deliveryId } from "./delivery-ids.ts";
import { retractAlerts } from "./delivery-plan-store.ts";
import { admissionWithin, markRetracted, recordMatchedEvent } from "./matched-event-store.ts";
import {
  insertDeliveries,
  loadOrganizationContext,
  loadRecipients,
  type NewDelivery,
  pendingJobs,
  type Tx,
} from "./notifier-store.ts";
import { enqueueJobs } from "./outbox.ts";

export interface MatchedHandlerDeps {
  pool: Pool;
  queue: WorkQueue;
  protocols: ProtocolsFile;
  baseUrl: string;
  /**
   * An event Homeward hears of this long after it happened (a backfill, months of a feed resent)
   * opens its tasks and is kept, but alerts nobody: its alerts are recorded as skipped.
   */
  alertMaxEventAgeHours: number;
  now: () => Date;
  logger: Logger;
}

export type MatchedOutcome = { tasksOpened: number; tasksCancelled: number; deliveries: number };

/**
 * One adt.matched.v1 record: open the tasks its protocol asks for, plan one delivery per recipient
 * and channel, commit all of it, then put the deliveries on SQS. Everything is keyed by
 * deterministic ids, so the same record handled twice changes nothing the second time.
 */
export async function handleMatched(
  matched: MatchedEvent,
  deps: MatchedHandlerDeps,
): Promise<MatchedOutcome> {
  const result =
    matched.kind === "retraction"
      ? await inTransaction(deps.pool, (tx) => retract(tx, matched, deps))
      : await announce(matched, deps);
  const jobs = await pendingJobs(deps.pool, { ids: result.deliveryIds });
  await enqueueJobs(deps.queue, deps.pool, jobs, deps.logger);
  return { tasksOpened: result.tasksOpened, tasksCancelled: result.tasksCancelled, deliveries: jobs.length };
}

interface Written {
  tasksOpened: number;
  tasksCancelled: number;
  deliveryIds: string[];
}

async function announce(matched: MatchedEvent, deps: MatchedHandlerDeps): Promise<Written> {
  const orgId = matched.practice.organizationId;
  const org = await loadOrganizationContext(deps.pool, orgId);
  const calendar = { timeZone: matched.practice.timeZone, holidays: org.holidays, closures: org.closures };
  const planned = planTasks(matched, deps.protocols, calendar);
  const whyNoTask = planned.length > 0 ? undefined : noTaskReason(matched, deps.protocols);
  const recipients = await loadRecipients(deps.pool, { ids: matched.recipients.map((r) => r.recipientId) });
  const now = deps.now();
  const baseContent = buildAlertContent({
    matched,
    purpose: "alert",
    copy: matched.enrollment?.copy ?? "lead",
    tasks: [],
    detailLevel: org.detailLevel,
    baseUrl: deps.baseUrl,
  });
  return inTransaction(deps.pool, async (tx) => {
    let cancelled = 0;
    for (const c of cancellationsFor(matched, deps.protocols)) {
      const where = {
        organizationId: orgId,
        facility: matched.encounter.facility,
        visitNumber: matched.encounter.visitNumber,
        protocolId: c.protocolId,
        stepId: c.stepId,
      };
      cancelled += (await cancelTasks(tx, where, c.reason, "notifier", c.exclusion)).length;
    }
    // What no longer applies to the quality measures: an admission under any visit number, a transfer
    // or (where configured) AMA discharge, the patient's death. Before opening, which they never undo.
    const patient = {
      organizationId: orgId,
      patientId: matched.patientId,
      facility: matched.encounter.facility,
      visitNumber: matched.encounter.visitNumber,
      timeZone: matched.practice.timeZone,
    };
    for (const exclusion of exclusionsFor(matched, deps.protocols)) {
      cancelled += (await excludeTasks(tx, patient, exclusion, "notifier")).length;
    }
    const { tasks, opened } = await openTasks(tx, {
      tasks: planned,
      organizationId: orgId,
      patientId: matched.patientId,
      encounter: matched.encounter,
      eventId: matched.event.eventId,
      matchId: matched.matchId,
      alertContent: baseContent,
    });
    cancelled += await excludeIfAlreadyAdmitted(tx, matched, planned, deps.protocols);
    await recordMatchedEvent(tx, matched, whyNoTask);
    await notifyWorkspaceChanged(tx, { organizationId: orgId, kind: "event" });
    const deliveries: NewDelivery[] = [];
    for (const r of matched.recipients) {
      const profile = recipients.find((p) => p.recipientId === r.recipientId);
      if (profile === undefined) continue;
      const content = buildAlertContent({
        matched,
        purpose: "alert",
        copy: r.copy,
        tasks:
          r.copy === "lead"
            ? tasks.map((t) => ({ taskId: t.id, title: t.title, dueAt: t.dueAt, status: t.status }))
            : [],
        detailLevel: org.detailLevel,
        baseUrl: deps.baseUrl,
        // The email then says why, as the event page does.
        noTaskReason: whyNoTask === undefined ? undefined : NO_TASK_REASON_TEXT[whyNoTask],
      });
      const riskTier = matched.enrollment?.riskTier;
      const ageHours = (now.getTime() - Date.parse(matched.event.occurredAt)) / 3_600_000;
      const stale = ageHours > deps.alertMaxEventAgeHours;
      for (const send of planSends(profile, { eventKind: matched.event.kind, riskTier, copy: r.copy }, now)) {
        deliveries.push({
          id: deliveryId(matched.matchId, r.recipientId, send.channel, "alert"),
          purpose: "alert",
          channel: send.channel,
          recipientId: r.recipientId,
          organizationId: orgId,
          matchId: matched.matchId,
          eventId: matched.event.eventId,
          content,
          ...(stale
            ? {
                status: "skipped" as const,
                lastError: `stale: the event happened more than ${deps.alertMaxEventAgeHours} hours before it reached Homeward`,
              }
            : {
                status: send.status,
                ...(send.sendAfter === undefined ? {} : { sendAfter: send.sendAfter }),
              }),
        });
      }
    }
    await insertDeliveries(tx, deliveries);
    return {
      tasksOpened: opened,
      tasksCancelled: cancelled,
      deliveryIds: deliveries.map((d) => d.id),
    };
  });
}

/**
 * The tasks this event opened for protocols that exclude admissions, when the admission that excludes
 * them was announced first: closed at once as `admitted`, as they would have been in the other order.
 */
async function excludeIfAlreadyAdmitted(
  tx: Tx,
  matched: MatchedEvent,
  planned: readonly PlannedTask[],
  protocols: ProtocolsFile,
): Promise<number> {
  let excluded = 0;
  const zone = matched.practice.timeZone;
  for (const protocolId of new Set(planned.map((t) => t.protocolId))) {
    const withinDays = protocols.protocols.find((p) => p.protocolId === protocolId)?.exclusions
      .admittedWithinDays;
    const task = planned.find((t) => t.protocolId === protocolId);
    if (withinDays === undefined || task === undefined) continue;
    const fromDay = DateTime.fromJSDate(task.triggeredAt, { zone }).toISODate();
    if (fromDay === null) continue;
    const admission = await admissionWithin(tx, {
      organizationId: matched.practice.organizationId,
      patientId: matched.patientId,
      timeZone: zone,
      fromDay,
      withinDays,
      notBefore: task.triggeredAt,
    });
    if (admission === undefined) continue;
    const text = `admitted as an inpatient on ${admission.day} (${admission.kind}, ${admission.trigger}), within ${withinDays} day(s) of the visit`;
    const target = {
      organizationId: matched.practice.organizationId,
      patientId: matched.patientId,
      facility: matched.encounter.facility,
      visitNumber: matched.encounter.visitNumber,
      timeZone: zone,
    };
    excluded += (
      await excludeTasks(tx, target, { scope: "encounter", protocolId, reason: "admitted", text }, "notifier")
    ).length;
  }
  return excluded;
}

const CANCEL_REASON: Partial<Record<MatchedEvent["event"]["kind"], string>> = {
  "cancel-admit": "the hospital cancelled the admission or visit (A11)",
  "cancel-discharge": "the hospital cancelled the discharge (A13)",
  "cancel-transfer": "the hospital cancelled the transfer (A12)",
  "cancel-pre-admit": "the hospital cancelled the pre-admission (A38)",
};

/**
 * A retraction: the tasks the retracted event opened are cancelled with the reason, alerts not yet
 * sent are skipped, and everyone already alerted gets a short correction on the same channel.
 */
async function retract(tx: Tx, matched: MatchedEvent, deps: MatchedHandlerDeps): Promise<Written> {
  const retracted = matched.retracts;
  if (retracted === undefined) return { tasksOpened: 0, tasksCancelled: 0, deliveryIds: [] };
  const orgId = matched.practice.organizationId;
  const reason =
    CANCEL_REASON[matched.event.kind] ?? `the hospital cancelled the event (${matched.event.kind})`;
  const cancelled = await cancelTasks(
    tx,
    { triggerEventId: retracted.eventId, organizationId: orgId },
    reason,
    "notifier",
    "event-cancelled",
  );
  await markRetracted(tx, retracted.matchId, reason);
  await notifyWorkspaceChanged(tx, { organizationId: orgId, kind: "event" });
  const alerted = await retractAlerts(tx, retracted.matchId);
  const org = await loadOrganizationContext(deps.pool, orgId);
  const deliveries: NewDelivery[] = alerted.map((r) => ({
    id: deliveryId(matched.matchId, r.recipientId, r.channel, "retraction"),
    purpose: "retraction",
    channel: r.channel,
    recipientId: r.recipientId,
    organizationId: orgId,
    matchId: matched.matchId,
    eventId: matched.event.eventId,
    content: buildAlertContent({
      matched,
      purpose: "retraction",
      copy: matched.enrollment?.copy ?? "lead",
      tasks: [],
      detailLevel: org.detailLevel,
      baseUrl: deps.baseUrl,
      correctionReason: reason,
    }),
    status: "queued",
  }));
  await insertDeliveries(tx, deliveries);
  return { tasksOpened: 0, tasksCancelled: cancelled.length, deliveryIds: deliveries.map((d) => d.id) };
}
