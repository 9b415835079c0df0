import type { TaskOutcome } from "@homeward/contracts";
import { inTransaction, notifyWorkspaceChanged, type Pool, type PoolClient } from "@homeward/db";
import type { PatientAccess } from "../audit.ts";
import { canReadOrganization, type Principal } from "../auth/principal.ts";
import { badRequest, conflict, notFound } from "../errors.ts";

/** What a care manager does to a task. */
export type TaskChange =
  | { kind: "attempt"; method: string; outcome?: string | undefined; note?: string | undefined }
  | { kind: "complete"; outcome: TaskOutcome; note?: string | undefined }
  | { kind: "reassign"; recipientId: string }
  | { kind: "note"; text: string };

interface LockedTask {
  organization_id: string;
  patient_id: string;
  status: "open" | "in_progress" | "completed" | "cancelled";
  assignee_recipient_id: string | null;
}

const isClosed = (status: LockedTask["status"]) => status === "completed" || status === "cancelled";

/**
 * Applies one change to a task in a transaction, with the task row locked so two care managers
 * completing at once give one completion and one 409. Every change writes a task_history row and
 * an access-audit row in the same transaction. A task the principal may not read is "not found".
 * - attempt: the first moves open → in_progress; refused (409) once the task is closed;
 * - complete: sets completed_at, outcome, completed_by; 409 if already completed or cancelled;
 * - reassign: to an active recipient of the task's own organization (400 otherwise); 409 when closed;
 * - note: allowed in any status.
 * Open inboxes and censuses of the task's organization hear of it at COMMIT (NOTIFY, no patient data).
 */
export async function changeTask(
  pool: Pool,
  input: {
    principal: Principal;
    actor: string;
    taskId: string;
    change: TaskChange;
    now: Date;
    audit: (db: PoolClient, access: PatientAccess) => Promise<void>;
  },
): Promise<void> {
  const { principal, actor, taskId, change, now } = input;
  return inTransaction(pool, async (client) => {
    const { rows } = await client.query<LockedTask>(
      `SELECT organization_id::text, patient_id::text, status, assignee_recipient_id::text
         FROM tasks WHERE id = $1 FOR UPDATE`,
      [taskId],
    );
    const task = rows[0];
    if (task === undefined || !canReadOrganization(principal, task.organization_id))
      throw notFound("no such task");
    const history = (action: string, toStatus: string, detail: object) =>
      client.query(
        `INSERT INTO task_history (task_id, at, actor, action, from_status, to_status, detail)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [taskId, now, actor, action, task.status, toStatus, JSON.stringify(detail)],
      );
    switch (change.kind) {
      case "attempt": {
        if (isClosed(task.status)) throw conflict(`the task is ${task.status}`, { status: task.status });
        const next = task.status === "open" ? "in_progress" : task.status;
        await client.query("UPDATE tasks SET status = $2, updated_at = $3 WHERE id = $1", [
          taskId,
          next,
          now,
        ]);
        const { kind: _, ...detail } = change;
        await history("attempt", next, detail);
        break;
      }
      case "complete": {
        if (isClosed(task.status))
          throw conflict(`the task is already ${task.status}`, { status: task.status });
        await client.query(
          `UPDATE tasks SET status = 'completed', completed_at = $2, outcome = $3, completed_by = $4, updated_at = $2
            WHERE id = $1`,
          [taskId, now, change.outcome, actor],
        );
        await history("completed", "completed", { outcome: change.outcome, note: change.note });
        break;
      }
      case "reassign": {
        if (isClosed(task.status)) throw conflict(`the task is ${task.status}`, { status: task.status });
        const recipient = await client.query(
          "SELECT 1 FROM recipients WHERE id = $1 AND organization_id = $2 AND active",
          [change.recipientId, task.organization_id],
        );
        if (recipient.rowCount === 0)
          throw badRequest(
            "invalid_recipient",
            "the recipient is not an active member of the task's organization",
          );
        await client.query("UPDATE tasks SET assignee_recipient_id = $2, updated_at = $3 WHERE id = $1", [
          taskId,
          change.recipientId,
          now,
        ]);
        await history("reassigned", task.status, {
          from: task.assignee_recipient_id,
          to: change.recipientId,
        });
        break;
      }
      case "note":
        await history("note", task.status, { text: change.text });
        break;
    }
    await input.audit(client, {
      action: `task.${change.kind}`,
      organizationId: task.organization_id,
      patientIds: [task.patient_id],
      detail: { taskId },
    });
    await notifyWorkspaceChanged(client, { organizationId: task.organization_id, kind: "task" });
  });
}
