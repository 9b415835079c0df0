/**
 * Reminders before due and escalations when overdue (task_timers): the sweeper takes the due ones,
 * marks each fired once, and writes what it did into the task's history, all in its transaction.
 */
import type { PoolClient } from "@homeward/db";

/** A due timer with what its reminder or escalation says about the task. */
export interface DueTimer {
  taskId: string;
  kind: "reminder" | "escalation";
  seq: number;
  /** The role an escalation goes to; null for a reminder (it goes to the assignee). */
  toRole: string | null;
  channel: "email" | "pager";
  status: string;
  title: string;
  dueAt: Date;
  organizationId: string;
  assigneeRecipientId: string | null;
  /** The opening alert's AlertContent, unparsed: the caller checks it where it is used. */
  alertContent: unknown;
}

/**
 * Up to `limit` timers due by now and not fired, soonest first, locked for this transaction with
 * SKIP LOCKED: two sweepers never take the same timer.
 */
export async function takeDueTimers(tx: PoolClient, limit: number): Promise<DueTimer[]> {
  const { rows } = await tx.query<{
    task_id: string;
    kind: "reminder" | "escalation";
    seq: number;
    to_role: string | null;
    channel: "email" | "pager";
    status: string;
    title: string;
    due_at: Date;
    organization_id: string;
    assignee_recipient_id: string | null;
    alert_content: unknown;
  }>(
    `SELECT tt.task_id, tt.kind, tt.seq, tt.to_role, tt.channel, t.status, t.title, t.due_at,
            t.organization_id::text AS organization_id, t.assignee_recipient_id::text AS assignee_recipient_id,
            t.alert_content
       FROM task_timers tt JOIN tasks t ON t.id = tt.task_id
      WHERE tt.fired_at IS NULL AND tt.fire_at <= now()
      ORDER BY tt.fire_at LIMIT $1 FOR UPDATE OF tt SKIP LOCKED`,
    [limit],
  );
  return rows.map((r) => ({
    taskId: r.task_id,
    kind: r.kind,
    seq: r.seq,
    toRole: r.to_role,
    channel: r.channel,
    status: r.status,
    title: r.title,
    dueAt: r.due_at,
    organizationId: r.organization_id,
    assigneeRecipientId: r.assignee_recipient_id,
    alertContent: r.alert_content,
  }));
}

/** Marks a timer fired: it never fires again, whether or not its task was still open. */
export async function markTimerFired(tx: PoolClient, timer: Pick<DueTimer, "taskId" | "kind" | "seq">) {
  await tx.query("UPDATE task_timers SET fired_at = now() WHERE task_id = $1 AND kind = $2 AND seq = $3", [
    timer.taskId,
    timer.kind,
    timer.seq,
  ]);
}

/** The task's history row of a reminder or escalation sent to `recipients` people. */
export async function recordTimerFired(
  tx: PoolClient,
  timer: Pick<DueTimer, "taskId" | "kind">,
  recipients: number,
): Promise<void> {
  await tx.query(`INSERT INTO task_history (task_id, actor, action, detail) VALUES ($1, 'sweeper', $2, $3)`, [
    timer.taskId,
    timer.kind === "reminder" ? "reminded" : "escalated",
    JSON.stringify({ recipients }),
  ]);
}
