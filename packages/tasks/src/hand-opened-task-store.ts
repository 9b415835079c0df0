/**
 * Tasks a care manager opens by hand (the event page's "Create follow-up task"): the task and its
 * history row, idempotent by the id the api derives from encounter, organization and step.
 */
import type { PoolClient } from "@homeward/db";

/** A follow-up task opened by hand from an event page, and its "opened" history row. */
export interface HandOpenedTask {
  id: string;
  organizationId: string;
  patientId: string;
  facility: string;
  visitNumber: string;
  protocolId: string;
  stepId: string;
  title: string;
  program: string | null;
  riskTier: "I" | "II" | "III" | null;
  assigneeId: string | null;
  triggerEventId: string;
  triggerMatchId: string;
  triggeredAt: Date;
  openedAt: Date;
  dueAt: Date;
  /** What the task list reads for the event and facility (the notifier's AlertContent, without the link). */
  alertContent: object;
  /** `user:<id>` of who opened it. */
  actor: string;
  /** The history row's detail. */
  opened: object;
}

/**
 * Inserts the task unless its id (derived from encounter, organization and step) is there already,
 * with its history row; answers whether this call inserted it. Two callers at once: one inserts, the
 * other waits on the key and finds it taken.
 */
export async function insertHandOpenedTask(db: PoolClient, task: HandOpenedTask): Promise<boolean> {
  const inserted = await db.query(
    `INSERT INTO tasks (id, organization_id, patient_id, facility, visit_number, protocol_id, step_id, task_type,
                        title, program, risk_tier, assignee_recipient_id, trigger_event_id, trigger_match_id,
                        triggered_at, opened_at, due_at, alert_content, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, 'follow-up-call', $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $15)
     ON CONFLICT DO NOTHING RETURNING id`,
    [
      task.id,
      task.organizationId,
      task.patientId,
      task.facility,
      task.visitNumber,
      task.protocolId,
      task.stepId,
      task.title,
      task.program,
      task.riskTier,
      task.assigneeId,
      task.triggerEventId,
      task.triggerMatchId,
      task.triggeredAt,
      task.openedAt,
      task.dueAt,
      JSON.stringify(task.alertContent),
    ],
  );
  if ((inserted.rowCount ?? 0) === 0) return false;
  await db.query(
    `INSERT INTO task_history (task_id, at, actor, action, to_status, detail)
     VALUES ($1, $2, $3, 'opened', 'open', $4)`,
    [task.id, task.openedAt, task.actor, JSON.stringify(task.opened)],
  );
  return true;
}
