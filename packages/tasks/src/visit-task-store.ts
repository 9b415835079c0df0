/**
 * Reads by visit, for tools that replay a feed and then work its tasks as the care team would (the
 * demo's history): the tasks its visits opened, what the care team already recorded on one, and
 * how the follow-up steps on them fared, month by month.
 */
import type { Pool } from "@homeward/db";

/** A task with what finds its planned work and its worker. */
export interface VisitTask {
  id: string;
  organizationId: string;
  facility: string;
  visitNumber: string;
  stepId: string;
  status: string;
  assigneeRecipientId: string | null;
}

/** The tasks opened on these visits, except the ids in `skip`, in the order their events happened. */
export async function tasksOfVisits(
  pool: Pool,
  visitNumbers: readonly string[],
  skip: ReadonlySet<string>,
): Promise<VisitTask[]> {
  const { rows } = await pool.query<VisitTask>(
    `SELECT id, organization_id::text AS "organizationId", facility, visit_number AS "visitNumber",
            step_id AS "stepId", status, assignee_recipient_id::text AS "assigneeRecipientId"
       FROM tasks WHERE visit_number = ANY($1::text[]) AND NOT (id = ANY($2::text[]))
      ORDER BY triggered_at, id`,
    [[...visitNumbers], [...skip]],
  );
  return rows;
}

/** The attempts and completions a signed-in user recorded on a task, with the instant each is dated. */
export async function careTeamEntries(
  pool: Pool,
  taskId: string,
): Promise<{ action: "attempt" | "completed"; at: Date }[]> {
  const { rows } = await pool.query<{ action: "attempt" | "completed"; at: Date }>(
    `SELECT action, at FROM task_history
      WHERE task_id = $1 AND actor LIKE 'user:%' AND action IN ('attempt', 'completed')`,
    [taskId],
  );
  return rows;
}

/** One month of a follow-up step's tasks on some visits at one organization, as the measure would judge them. */
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
 * The ED calls and discharge contacts of these visits by organization and month of the event (in
 * the organization's zone): reached by the due time, after it, or not reached; the contact time is
 * the one the care team entered, else a reached completion's.
 */
export async function followUpByMonth(pool: Pool, visitNumbers: readonly string[]): Promise<MonthLine[]> {
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
