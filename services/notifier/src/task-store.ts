import type { AlertContent } from "@homeward/contracts";
import type { PlannedTask } from "@homeward/protocols";
import type { Tx } from "./notifier-store.ts";

export interface TaskRow {
  id: string;
  title: string;
  dueAt: Date;
  status: string;
}

/**
 * Opens the planned tasks that do not exist yet (one per encounter, organization and protocol step,
 * whatever is redelivered), with their history row and their reminder/escalation timers, and returns
 * every planned task as stored — an ED discharge after its arrival finds the arrival's task — with
 * how many of them this call opened.
 */
export async function openTasks(
  tx: Tx,
  input: {
    tasks: readonly PlannedTask[];
    organizationId: string;
    patientId: string;
    encounter: { facility: string; visitNumber: string };
    eventId: string;
    matchId: string;
    alertContent: AlertContent;
  },
): Promise<{ tasks: TaskRow[]; opened: number }> {
  if (input.tasks.length === 0) return { tasks: [], opened: 0 };
  let opened = 0;
  for (const t of input.tasks) {
    const inserted = await tx.query(
      `INSERT INTO tasks (id, organization_id, patient_id, facility, visit_number, protocol_id, step_id, task_type,
                          title, program, risk_tier, assignee_recipient_id, trigger_event_id, trigger_match_id,
                          triggered_at, due_at, alert_content)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
       ON CONFLICT DO NOTHING RETURNING id`,
      [
        t.taskId,
        input.organizationId,
        input.patientId,
        input.encounter.facility,
        input.encounter.visitNumber,
        t.protocolId,
        t.stepId,
        t.taskType,
        t.title,
        t.program ?? null,
        t.riskTier ?? null,
        t.assigneeRecipientId ?? null,
        input.eventId,
        input.matchId,
        t.triggeredAt,
        t.dueAt,
        JSON.stringify(input.alertContent),
      ],
    );
    if (inserted.rowCount === 0) continue;
    opened++;
    await tx.query(
      `INSERT INTO task_history (task_id, actor, action, to_status, detail) VALUES ($1, 'notifier', 'opened', 'open', $2)`,
      [t.taskId, JSON.stringify({ eventId: input.eventId, dueAt: t.dueAt.toISOString() })],
    );
    const timers = [
      ...t.reminders.map((at, seq) => ({ kind: "reminder", seq, at, role: null, channel: "email" })),
      ...(t.escalation === undefined
        ? []
        : [
            {
              kind: "escalation",
              seq: 0,
              at: t.escalation.at,
              role: t.escalation.role,
              channel: t.escalation.channel,
            },
          ]),
    ];
    for (const timer of timers) {
      await tx.query(
        `INSERT INTO task_timers (task_id, kind, seq, fire_at, to_role, channel) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT DO NOTHING`,
        [t.taskId, timer.kind, timer.seq, timer.at, timer.role, timer.channel],
      );
    }
  }
  const { rows } = await tx.query<{ id: string; title: string; due_at: Date; status: string }>(
    "SELECT id, title, due_at, status FROM tasks WHERE id = ANY($1::text[]) ORDER BY due_at, id",
    [input.tasks.map((t) => t.taskId)],
  );
  return {
    tasks: rows.map((r) => ({ id: r.id, title: r.title, dueAt: r.due_at, status: r.status })),
    opened,
  };
}

/**
 * Cancels open tasks (nothing is deleted): those a retracted event opened, or those of the encounter
 * whose protocol step the new event cancels. Returns the ids cancelled.
 */
export async function cancelTasks(
  tx: Tx,
  where:
    | { triggerEventId: string; organizationId: string }
    | { organizationId: string; facility: string; visitNumber: string; protocolId: string; stepId: string },
  reason: string,
  actor: string,
): Promise<string[]> {
  const byTrigger = "triggerEventId" in where;
  const { rows } = await tx.query<{ id: string; from_status: string }>(
    `WITH target AS (
       SELECT id, status FROM tasks
        WHERE organization_id = $1 AND status IN ('open', 'in_progress') AND ${
          byTrigger
            ? "trigger_event_id = $2"
            : "facility = $2 AND visit_number = $3 AND protocol_id = $4 AND step_id = $5"
        }
        FOR UPDATE)
     UPDATE tasks t SET status = 'cancelled', cancelled_at = now(), cancel_reason = $${byTrigger ? 3 : 6},
            updated_at = now()
       FROM target WHERE t.id = target.id RETURNING t.id, target.status AS from_status`,
    byTrigger
      ? [where.organizationId, where.triggerEventId, reason]
      : [where.organizationId, where.facility, where.visitNumber, where.protocolId, where.stepId, reason],
  );
  for (const r of rows) {
    await tx.query(
      `INSERT INTO task_history (task_id, actor, action, from_status, to_status, detail)
       VALUES ($1, $2, 'cancelled', $3, 'cancelled', $4)`,
      [r.id, actor, r.from_status, JSON.stringify({ reason })],
    );
  }
  return rows.map((r) => r.id);
}
