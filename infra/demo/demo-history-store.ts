/**
 * What the demo's history replay reads (demo-history-replay.ts, demo-history-work.ts): the care
 * managers who sign in, the tasks the history opened, what was already recorded on them, how far
 * the pipeline has got, and the monthly summary. Reads only: every write goes through the api's
 * task commands.
 */
import type { Pool } from "@homeward/db";
import type { Principal } from "../../services/api/src/auth/principal.ts";

/** A care manager who can sign in, as the api would see them. */
export interface CareManagerUser {
  email: string;
  principal: Principal;
}

/** The active care-manager users with their organizations and recipient, by email. */
export async function loadCareManagers(pool: Pool): Promise<CareManagerUser[]> {
  const { rows } = await pool.query<{
    id: string;
    email: string;
    recipient_id: string | null;
    orgs: string[];
  }>(
    `SELECT u.id::text, lower(u.email) AS email, u.recipient_id::text,
            coalesce(array_agg(uo.organization_id::text ORDER BY uo.organization_id)
                     FILTER (WHERE uo.organization_id IS NOT NULL), '{}') AS orgs
       FROM users u LEFT JOIN user_organizations uo ON uo.user_id = u.id
      WHERE u.role = 'care_manager' AND u.active
      GROUP BY u.id ORDER BY lower(u.email)`,
  );
  return rows.map((r) => ({
    email: r.email,
    principal: {
      subject: r.id,
      role: "care_manager",
      organizationIds: r.orgs,
      ...(r.recipient_id === null ? {} : { recipientId: r.recipient_id }),
    },
  }));
}

/** A task of the history, as the worker needs it to find its planned work and its worker. */
export interface HistoryTask {
  id: string;
  organizationId: string;
  facility: string;
  visitNumber: string;
  stepId: string;
  status: string;
  assigneeRecipientId: string | null;
}

/** The tasks opened on the history's visits, except `skip` (already handled this run). */
export async function historyTasks(
  pool: Pool,
  visitNumbers: readonly string[],
  skip: ReadonlySet<string>,
): Promise<HistoryTask[]> {
  const { rows } = await pool.query<HistoryTask>(
    `SELECT id, organization_id::text AS "organizationId", facility, visit_number AS "visitNumber",
            step_id AS "stepId", status, assignee_recipient_id::text AS "assigneeRecipientId"
       FROM tasks WHERE visit_number = ANY($1::text[]) AND NOT (id = ANY($2::text[]))
      ORDER BY triggered_at, id`,
    [[...visitNumbers], [...skip]],
  );
  return rows;
}

/** The care team's entries already on a task (`attempt`, `completed`) with their times: what a rerun skips. */
export async function recordedActions(pool: Pool, taskId: string): Promise<Set<string>> {
  const { rows } = await pool.query<{ action: string; at: Date }>(
    `SELECT action, at FROM task_history
      WHERE task_id = $1 AND actor LIKE 'user:%' AND action IN ('attempt', 'completed')`,
    [taskId],
  );
  return new Set(
    rows.map((r) => `${r.action === "completed" ? "complete" : r.action}|${r.at.toISOString()}`),
  );
}

/**
 * What the notifier has handled of each visit: its events (one announcement or more each) and
 * announcements (one per event and organization told). An event's tasks, cancellations and
 * exclusions commit with its announcement.
 */
export async function handledByVisit(
  pool: Pool,
  visitNumbers: readonly string[],
): Promise<Map<string, { events: number; announcements: number }>> {
  const { rows } = await pool.query<{ visit_number: string; events: number; announcements: number }>(
    `SELECT visit_number, count(DISTINCT event_id)::int AS events, count(*)::int AS announcements
       FROM matched_events WHERE visit_number = ANY($1::text[]) GROUP BY visit_number`,
    [[...visitNumbers]],
  );
  return new Map(rows.map((r) => [r.visit_number, { events: r.events, announcements: r.announcements }]));
}

/** One month of a follow-up step's tasks on the history's visits at one organization, as the measure would judge them. */
export interface MonthLine {
  organization: string;
  month: string;
  stepId: string;
  /** Tasks in the measure (not cancelled or excluded). */
  counted: number;
  inTime: number;
  late: number;
  /** Closed without reaching the patient, or still open past due. */
  missed: number;
  /** Cancelled: the event was cancelled, or the visit left the measure (admitted, transferred, died). */
  excluded: number;
}

/**
 * The ED calls and discharge contacts of the history by organization and month of the event (in
 * the organization's zone): reached by the due time, after it, or not reached; the contact time is
 * the one the care team entered, else a reached completion's.
 */
export async function monthlySummary(pool: Pool, visitNumbers: readonly string[]): Promise<MonthLine[]> {
  const { rows } = await pool.query<MonthLine>(
    `WITH t AS (
       SELECT o.code AS organization, to_char(t.triggered_at AT TIME ZONE o.time_zone, 'YYYY-MM') AS month,
              t.step_id, t.status, t.due_at,
              coalesce(t.contacted_at, CASE WHEN t.outcome = 'reached_patient' THEN t.completed_at END) AS contact
         FROM tasks t JOIN organizations o ON o.id = t.organization_id
        WHERE t.visit_number = ANY($1::text[]) AND t.step_id IN ('follow-up-call', 'interactive-contact'))
     SELECT organization, month, step_id AS "stepId",
            (count(*) FILTER (WHERE status <> 'cancelled'))::int AS counted,
            (count(*) FILTER (WHERE status <> 'cancelled' AND contact <= due_at))::int AS "inTime",
            (count(*) FILTER (WHERE status <> 'cancelled' AND contact > due_at))::int AS late,
            (count(*) FILTER (WHERE status <> 'cancelled' AND contact IS NULL))::int AS missed,
            (count(*) FILTER (WHERE status = 'cancelled'))::int AS excluded
       FROM t GROUP BY 1, 2, 3 ORDER BY 1 DESC, 2, 3`,
    [[...visitNumbers]],
  );
  return rows;
}
