/**
 * Reads by visit, for tools that replay a feed and then work its tasks as the care team would (the
 * demo's history): the tasks its visits opened, and what the care team already recorded on one.
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
