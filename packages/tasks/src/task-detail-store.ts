/**
 * What a care manager sees beside a task: the encounters of the patient this organization was told
 * of (the task's own first), the alerts sent about it, its history with who did each entry, the list
 * row a review is about, and the announcement that opened it. The api shapes these rows for its answer.
 */
import type { AdtEventKind, DeliveryChannel, DeliveryPurpose, DeliveryStatus } from "@homeward/contracts";
import type { Pool } from "@homeward/db";
import type { TaskRow } from "./task-query-store.ts";

/** How many of the patient's encounters the timeline goes back over. */
const TIMELINE_ENCOUNTERS = 20;

/** One event of an encounter, as the matcher keeps it (encounters.entries). */
export interface EncounterEntry {
  eventId: string;
  kind: AdtEventKind;
  occurredAt: string;
  announced: boolean;
  retracted?: boolean;
}

export interface TaskEncounterRow {
  facility: string;
  visit_number: string;
  setting: string;
  status: string;
  started_at: Date;
  discharged_at: Date | null;
  entries: EncounterEntry[];
  /** The encounter that opened the task. */
  this_encounter: boolean;
}

export interface TaskAlertRow {
  id: string;
  purpose: DeliveryPurpose;
  channel: DeliveryChannel;
  status: DeliveryStatus;
  recipient_id: string;
  display_name: string;
  attempts: number;
  created_at: Date;
  send_after: Date | null;
  sent_at: Date | null;
}

export interface TaskHistoryRow {
  id: string;
  at: Date;
  actor: string;
  /** The signed-in user's email when the actor is `user:<id>`. */
  email: string | null;
  action: string;
  from_status: string | null;
  to_status: string | null;
  detail: unknown;
}

export interface TaskEnrollmentRow {
  id: string;
  status: string;
  effective_from: string;
  effective_to: string | null;
}

export interface TaskRecord {
  encounters: TaskEncounterRow[];
  alerts: TaskAlertRow[];
  history: TaskHistoryRow[];
  /** The list row a review was opened for; undefined for event tasks (or a row gone). */
  enrollment: TaskEnrollmentRow | undefined;
  /** The announcement that opened the task, when Homeward kept it (its event page). */
  matchId: string | null;
}

/**
 * The patient's encounters that this organization was told of (never one it was not: a suppressed
 * sensitive-facility visit stays hidden), newest first, the alerts about the task or its
 * announcement, its history, its review's list row and its announcement.
 */
export async function loadTaskRecord(
  pool: Pool,
  task: Pick<
    TaskRow,
    | "id"
    | "patient_id"
    | "facility"
    | "visit_number"
    | "organization_id"
    | "trigger_match_id"
    | "enrollment_id"
  >,
): Promise<TaskRecord> {
  const [encounters, alerts, history, enrollment, announcement] = await Promise.all([
    pool.query<TaskEncounterRow>(
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
    pool.query<TaskAlertRow>(
      `SELECT d.id, d.purpose, d.channel, d.status, d.recipient_id::text, r.display_name, d.attempts,
              d.created_at, d.send_after, d.sent_at
         FROM deliveries d JOIN recipients r ON r.id = d.recipient_id
        WHERE d.organization_id = $1 AND (d.task_id = $2 OR d.match_id = $3)
        ORDER BY d.created_at, d.id`,
      [task.organization_id, task.id, task.trigger_match_id],
    ),
    pool.query<TaskHistoryRow>(
      `SELECT h.id::text, h.at, h.actor, u.email, h.action, h.from_status, h.to_status, h.detail
         FROM task_history h LEFT JOIN users u ON h.actor = 'user:' || u.id::text
        WHERE h.task_id = $1 ORDER BY h.at, h.id`,
      [task.id],
    ),
    task.enrollment_id === null
      ? undefined
      : pool.query<TaskEnrollmentRow>(
          `SELECT id::text, status, to_char(effective_from, 'YYYY-MM-DD') AS effective_from,
                  to_char(effective_to, 'YYYY-MM-DD') AS effective_to
             FROM care_management_enrollments WHERE id = $1`,
          [task.enrollment_id],
        ),
    pool.query<{ match_id: string }>(
      "SELECT match_id FROM matched_events WHERE match_id = $1 AND organization_id = $2",
      [task.trigger_match_id, task.organization_id],
    ),
  ]);
  return {
    encounters: encounters.rows,
    alerts: alerts.rows,
    history: history.rows,
    enrollment: enrollment?.rows[0],
    matchId: announcement.rows[0]?.match_id ?? null,
  };
}
