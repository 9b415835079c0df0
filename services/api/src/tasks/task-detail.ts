import type { Pool } from "@homeward/db";
import { loadTaskRecord, type TaskEnrollmentRow, type TaskRow } from "@homeward/tasks";
import { iso } from "../schemas.ts";
import { toTaskSummary } from "./task-queries.ts";
import type { TaskDetail } from "./task-schemas.ts";

/** What a task the calendar opened is called where an event would be named. */
const REVIEW_LABELS: Readonly<Record<string, string>> = {
  "tracking-list-review": "Six-month tracking-list review",
};

/**
 * A task with what the care manager needs to act on it: the encounter that opened it and the
 * patient's other encounters this organization was told of (never one it was not: a suppressed
 * sensitive-facility visit stays hidden), the alerts sent about it, and its history. A review
 * (no encounter) comes with the list row it is about instead, and the patient's encounters.
 */
export async function loadTaskDetail(pool: Pool, task: TaskRow): Promise<TaskDetail> {
  const { encounters, alerts, history, enrollment, matchId } = await loadTaskRecord(pool, task);
  const own = encounters.find((e) => e.this_encounter);
  const timeline = encounters
    .flatMap((e) =>
      e.entries.map((entry) => ({
        eventId: entry.eventId,
        kind: entry.kind,
        occurredAt: entry.occurredAt,
        facility: e.facility,
        visitNumber: e.visit_number,
        thisEncounter: e.this_encounter,
        announced: entry.announced,
        retracted: entry.retracted === true,
      })),
    )
    .sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt));
  return {
    task: toTaskSummary(task),
    encounter:
      own === undefined
        ? null
        : {
            setting: own.setting,
            status: own.status,
            startedAt: own.started_at.toISOString(),
            dischargedAt: iso(own.discharged_at),
          },
    timeline,
    alerts: alerts.map((d) => ({
      id: d.id,
      purpose: d.purpose,
      channel: d.channel,
      status: d.status,
      recipient: { id: d.recipient_id, displayName: d.display_name },
      attempts: d.attempts,
      createdAt: d.created_at.toISOString(),
      sendAfter: iso(d.send_after),
      sentAt: iso(d.sent_at),
    })),
    history: history.map((h) => ({
      id: h.id,
      at: h.at.toISOString(),
      actor: h.actor,
      actorName: h.email,
      action: h.action,
      fromStatus: h.from_status,
      toStatus: h.to_status,
      detail: h.detail,
    })),
    review: reviewOf(task, enrollment),
    matchId,
  };
}

function reviewOf(task: TaskRow, row: TaskEnrollmentRow | undefined): TaskDetail["review"] {
  if (task.enrollment_id === null) return null;
  return {
    label: REVIEW_LABELS[task.task_type] ?? task.title,
    program: task.program,
    enrollment:
      row === undefined
        ? null
        : {
            id: row.id,
            status: row.status,
            effectiveFrom: row.effective_from,
            effectiveTo: row.effective_to,
          },
    countedFrom: task.triggered_at.toISOString(),
  };
}
