import type { Pool } from "@homeward/db";
import { iso } from "../schemas.ts";
import { type TaskRow, toTaskSummary } from "./task-queries.ts";
import type { TaskDetail } from "./task-schemas.ts";

interface StoredEntry {
  eventId: string;
  kind: TaskDetail["timeline"][number]["kind"];
  occurredAt: string;
  announced: boolean;
  retracted?: boolean;
}

/** How many of the patient's encounters the timeline goes back over. */
const TIMELINE_ENCOUNTERS = 20;

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
  const [encounters, alerts, history, enrollment, announcement] = await Promise.all([
    pool.query<{
      facility: string;
      visit_number: string;
      setting: string;
      status: string;
      started_at: Date;
      discharged_at: Date | null;
      entries: StoredEntry[];
      this_encounter: boolean;
    }>(
      `SELECT e.facility, e.visit_number, e.setting, e.status, e.started_at, e.discharged_at, e.entries,
              coalesce(e.facility = $2 AND e.visit_number = $3, false) AS this_encounter
         FROM encounters e
        WHERE (e.facility = $2 AND e.visit_number = $3)
           OR (e.patient_id = $1 AND EXISTS (
                SELECT 1 FROM tasks o WHERE o.organization_id = $4 AND o.patient_id = $1
                   AND o.facility = e.facility AND o.visit_number = e.visit_number))
        ORDER BY e.started_at DESC LIMIT ${TIMELINE_ENCOUNTERS}`,
      [task.patient_id, task.facility, task.visit_number, task.organization_id],
    ),
    pool.query<{
      id: string;
      purpose: TaskDetail["alerts"][number]["purpose"];
      channel: TaskDetail["alerts"][number]["channel"];
      status: TaskDetail["alerts"][number]["status"];
      recipient_id: string;
      display_name: string;
      attempts: number;
      created_at: Date;
      send_after: Date | null;
      sent_at: Date | null;
    }>(
      `SELECT d.id, d.purpose, d.channel, d.status, d.recipient_id::text, r.display_name, d.attempts,
              d.created_at, d.send_after, d.sent_at
         FROM deliveries d JOIN recipients r ON r.id = d.recipient_id
        WHERE d.organization_id = $1 AND (d.task_id = $2 OR d.match_id = $3)
        ORDER BY d.created_at, d.id`,
      [task.organization_id, task.id, task.trigger_match_id],
    ),
    pool.query<{
      id: string;
      at: Date;
      actor: string;
      email: string | null;
      action: string;
      from_status: string | null;
      to_status: string | null;
      detail: unknown;
    }>(
      `SELECT h.id::text, h.at, h.actor, u.email, h.action, h.from_status, h.to_status, h.detail
         FROM task_history h LEFT JOIN users u ON h.actor = 'user:' || u.id::text
        WHERE h.task_id = $1 ORDER BY h.at, h.id`,
      [task.id],
    ),
    task.enrollment_id === null
      ? undefined
      : pool.query<{ id: string; status: string; effective_from: string; effective_to: string | null }>(
          `SELECT id::text, status, to_char(effective_from, 'YYYY-MM-DD') AS effective_from,
                  to_char(effective_to, 'YYYY-MM-DD') AS effective_to
             FROM care_management_enrollments WHERE id = $1`,
          [task.enrollment_id],
        ),
    // The announcement that opened the task, when Homeward kept it: the task links to its event page.
    pool.query<{ match_id: string }>(
      "SELECT match_id FROM matched_events WHERE match_id = $1 AND organization_id = $2",
      [task.trigger_match_id, task.organization_id],
    ),
  ]);
  const own = encounters.rows.find((e) => e.this_encounter);
  const timeline = encounters.rows
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
    alerts: alerts.rows.map((d) => ({
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
    history: history.rows.map((h) => ({
      id: h.id,
      at: h.at.toISOString(),
      actor: h.actor,
      actorName: h.email,
      action: h.action,
      fromStatus: h.from_status,
      toStatus: h.to_status,
      detail: h.detail,
    })),
    review: reviewOf(task, enrollment?.rows[0]),
    matchId: announcement.rows[0]?.match_id ?? null,
  };
}

function reviewOf(
  task: TaskRow,
  row: { id: string; status: string; effective_from: string; effective_to: string | null } | undefined,
): TaskDetail["review"] {
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
