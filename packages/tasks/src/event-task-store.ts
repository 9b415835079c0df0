import type { AlertContent } from "@homeward/contracts";
/**
 * The tasks an ADT event opens, cancels or excludes (the notifier's writes to tasks, task_history
 * and task_timers). Every function takes the caller's transaction: the event's announcement, its
 * tasks and its deliveries commit together.
 */
import type { PoolClient } from "@homeward/db";
import type { ExclusionReason, PlannedExclusion, PlannedTask } from "@homeward/protocols";

type Tx = PoolClient;

/** A task as the opening event's alert lists it. */
export interface EventTask {
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
): Promise<{ tasks: EventTask[]; opened: number }> {
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
 * whose protocol step the new event cancels. The task is "not applicable": `reason` is the words the
 * task list shows, `exclusion` the category the quality measures report it under. Returns the ids.
 */
export async function cancelTasks(
  tx: Tx,
  where:
    | { triggerEventId: string; organizationId: string }
    | { organizationId: string; facility: string; visitNumber: string; protocolId: string; stepId: string },
  reason: string,
  actor: string,
  exclusion: ExclusionReason,
): Promise<string[]> {
  const byTrigger = "triggerEventId" in where;
  const target = byTrigger
    ? { sql: "trigger_event_id = $2", params: [where.triggerEventId] }
    : {
        sql: "facility = $2 AND visit_number = $3 AND protocol_id = $4 AND step_id = $5",
        params: [where.facility, where.visitNumber, where.protocolId, where.stepId],
      };
  return closeAsExcluded(tx, where.organizationId, target, {
    reason,
    exclusion,
    actor,
    includeCompleted: false,
  });
}

/**
 * Applies one planned exclusion (`exclusionsFor`) to the practice's tasks: open ones are cancelled as
 * not applicable; for an admission or a discharge's own encounter, tasks already completed are marked
 * excluded too (their status and outcome stay), since HEDIS leaves the visit out whatever was done on
 * it. A death closes only what is open. Returns the ids changed.
 */
export async function excludeTasks(
  tx: Tx,
  input: {
    organizationId: string;
    patientId: string;
    facility: string;
    visitNumber: string;
    timeZone: string;
  },
  planned: PlannedExclusion,
  actor: string,
): Promise<string[]> {
  const how = { reason: planned.text, exclusion: planned.reason, actor };
  switch (planned.scope) {
    case "encounter":
      return closeAsExcluded(
        tx,
        input.organizationId,
        {
          sql: "facility = $2 AND visit_number = $3 AND protocol_id = $4",
          params: [input.facility, input.visitNumber, planned.protocolId],
        },
        { ...how, includeCompleted: true },
      );
    case "admitted":
      // Event day in the practice's zone, from withinDays before the admission day through that day.
      return closeAsExcluded(
        tx,
        input.organizationId,
        {
          sql: `patient_id = $2 AND protocol_id = $3
                AND (triggered_at AT TIME ZONE $4)::date BETWEEN $5::date - $6::int AND $5::date
                AND triggered_at >= $5::date - $6::int - interval '2 days'`,
          params: [
            input.patientId,
            planned.protocolId,
            input.timeZone,
            planned.admittedOn,
            planned.withinDays,
          ],
        },
        { ...how, includeCompleted: true },
      );
    case "patient":
      return closeAsExcluded(
        tx,
        input.organizationId,
        { sql: "patient_id = $2", params: [input.patientId] },
        { ...how, includeCompleted: false },
      );
  }
}

/**
 * The one UPDATE behind cancelTasks and excludeTasks: open tasks matching `target` (its SQL uses $2
 * on, after the organization) become cancelled and excluded; with `includeCompleted`, completed
 * ones not yet excluded get the exclusion alone. Each change gets its history row.
 */
async function closeAsExcluded(
  tx: Tx,
  organizationId: string,
  target: { sql: string; params: unknown[] },
  how: { reason: string; exclusion: ExclusionReason; actor: string; includeCompleted: boolean },
): Promise<string[]> {
  const n = target.params.length;
  const reason = `$${n + 2}`;
  const exclusion = `$${n + 3}`;
  const { rows } = await tx.query<{ id: string; from_status: string; to_status: string }>(
    `WITH target AS (
       SELECT id, status FROM tasks
        WHERE organization_id = $1 AND (${target.sql})
          AND (status IN ('open', 'in_progress')
               OR ($${n + 4}::boolean AND status = 'completed' AND excluded_reason IS NULL))
        FOR UPDATE)
     UPDATE tasks t SET
            status = CASE WHEN t.status = 'completed' THEN t.status ELSE 'cancelled' END,
            cancelled_at = CASE WHEN t.status = 'completed' THEN t.cancelled_at ELSE now() END,
            cancel_reason = CASE WHEN t.status = 'completed' THEN t.cancel_reason ELSE ${reason} END,
            excluded_reason = ${exclusion}, excluded_at = now(), updated_at = now()
       FROM target WHERE t.id = target.id
     RETURNING t.id, target.status AS from_status, t.status AS to_status`,
    [organizationId, ...target.params, how.reason, how.exclusion, how.includeCompleted],
  );
  for (const r of rows) {
    const action = r.to_status === "cancelled" ? "cancelled" : "excluded";
    await tx.query(
      `INSERT INTO task_history (task_id, actor, action, from_status, to_status, detail)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [
        r.id,
        how.actor,
        action,
        r.from_status,
        r.to_status,
        JSON.stringify({ reason: how.reason, exclusion: how.exclusion }),
      ],
    );
  }
  return rows.map((r) => r.id);
}
