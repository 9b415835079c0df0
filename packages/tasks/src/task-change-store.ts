/**
 * What a care team does to a task (attempt, complete, correct the contact time, reassign, note): the
 * one writer of a task's status, contact times and history after it opened. The api's routes and
 * the demo's history call it, each with its own access check and access-log row.
 */
import type { TaskOutcome } from "@homeward/contracts";
import { inTransaction, notifyWorkspaceChanged, type Pool, type PoolClient } from "@homeward/db";
import { type ContactMethod, checkContactTime } from "./contact-time.ts";
import { TaskChangeRefused } from "./task-change-refused.ts";

const iso = (d: Date | null | undefined): string | null => (d == null ? null : d.toISOString());
const notFound = () => new TaskChangeRefused("not_found", "not_found", "no such task");
const conflict = (message: string, details?: unknown) =>
  new TaskChangeRefused("conflict", "conflict", message, details);
const invalid = (code: string, message: string) => new TaskChangeRefused("invalid", code, message);

/** What a task change did to which patient, for the caller's access-log row (written in the change's transaction). */
export interface TaskAccess {
  /** `task.attempt`, `task.complete`, `task.contact`, `task.reassign`, `task.note`. */
  action: string;
  organizationId: string;
  patientIds: readonly string[];
  /** The task id, and the contact time's old and new values when it changed; never demographics. */
  detail: Record<string, unknown>;
}

/** What a care manager does to a task. */
export type TaskChange =
  | {
      kind: "attempt";
      method: ContactMethod;
      outcome?: string | undefined;
      note?: string | undefined;
      /** When the attempt was made, when not just now (a call entered later). */
      at?: Date | undefined;
    }
  | {
      kind: "complete";
      outcome: TaskOutcome;
      note?: string | undefined;
      /** When the patient was reached (outcome reached_patient only); default: a reached attempt's, else now. */
      contactedAt?: Date | undefined;
      contactMethod?: ContactMethod | undefined;
    }
  | { kind: "contact"; contactedAt: Date; contactMethod?: ContactMethod | undefined }
  | { kind: "reassign"; recipientId: string }
  | { kind: "note"; text: string };

export interface LockedTask {
  organization_id: string;
  patient_id: string;
  status: "open" | "in_progress" | "completed" | "cancelled";
  assignee_recipient_id: string | null;
  triggered_at: Date;
  outcome: TaskOutcome | null;
  completed_at: Date | null;
  contacted_at: Date | null;
  contact_method: ContactMethod | null;
}

const isClosed = (status: LockedTask["status"]) => status === "completed" || status === "cancelled";

/**
 * Applies one change to a task in a transaction, with the task row locked so two care managers
 * completing at once give one completion and one conflict. Every change writes a task_history row
 * and, through `audit`, the caller's access-log row in the same transaction. A task of an
 * organization `mayChange` refuses is "not found". Refusals are TaskChangeRefused (the api's
 * 404 / 409 / 400 below).
 * - attempt: the first moves open → in_progress; refused (409) once the task is closed; sets
 *   first_attempt_at (the earliest attempt's time) and, when it reached the patient, the contact
 *   time and method (the earliest reached attempt wins);
 * - complete: sets completed_at, outcome, completed_by; 409 if already completed or cancelled; with
 *   reached_patient also the contact time (the one given, else a reached attempt's, else now);
 * - contact: corrects when (and how) the patient was reached, also after completion; 409 when the
 *   task never reached the patient or was cancelled;
 * Times entered (attempt `at`, `contactedAt`) are checked by checkContactTime (400 otherwise).
 * - reassign: to an active recipient of the task's own organization (400 otherwise); 409 when closed;
 * - note: allowed in any status.
 * Open inboxes and censuses of the task's organization hear of it at COMMIT (NOTIFY, no patient data).
 */
export async function changeTask(
  pool: Pool,
  input: {
    /** Whether the caller may read and change tasks of this organization (the api's canReadOrganization). */
    mayChange: (organizationId: string) => boolean;
    /** Who the history row names: `user:<id>`. */
    actor: string;
    taskId: string;
    change: TaskChange;
    now: Date;
    /** How many days back a contact or attempt time may be entered (CONTACT_TIME_MAX_AGE_DAYS). */
    contactTimeMaxAgeDays: number;
    audit: (db: PoolClient, access: TaskAccess) => Promise<void>;
  },
): Promise<void> {
  const { actor, taskId, change, now } = input;
  return inTransaction(pool, async (client) => {
    const { rows } = await client.query<LockedTask>(
      `SELECT organization_id::text, patient_id::text, status, assignee_recipient_id::text, triggered_at,
              outcome, completed_at, contacted_at, contact_method
         FROM tasks WHERE id = $1 FOR UPDATE`,
      [taskId],
    );
    const task = rows[0];
    if (task === undefined || !input.mayChange(task.organization_id)) throw notFound();
    const history = (action: string, toStatus: string, detail: object) =>
      client.query(
        `INSERT INTO task_history (task_id, at, actor, action, from_status, to_status, detail)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [taskId, now, actor, action, task.status, toStatus, JSON.stringify(detail)],
      );
    const limits = { triggeredAt: task.triggered_at, now, maxAgeDays: input.contactTimeMaxAgeDays };
    /** What the access-log row says beyond the task id: contact times set or changed, old and new. */
    let auditDetail: Record<string, unknown> = {};
    switch (change.kind) {
      case "attempt": {
        if (isClosed(task.status)) throw conflict(`the task is ${task.status}`, { status: task.status });
        if (change.at !== undefined) checkContactTime("at", change.at, limits);
        const next = task.status === "open" ? "in_progress" : task.status;
        const at = change.at ?? now;
        // A reached attempt is the contact, unless an earlier one already is (earliest reached wins).
        const wins =
          change.outcome === "reached_patient" &&
          (task.contacted_at === null || at.getTime() < task.contacted_at.getTime());
        const contactedAt = wins ? at : task.contacted_at;
        const contactMethod = wins ? change.method : task.contact_method;
        // LEAST skips a null: first_attempt_at keeps the earliest attempt, entered late or not.
        await client.query(
          `UPDATE tasks SET status = $2, updated_at = $3, first_attempt_at = LEAST(first_attempt_at, $4),
                  contacted_at = $5, contact_method = $6
            WHERE id = $1`,
          [taskId, next, now, at, contactedAt, contactMethod],
        );
        const { kind: _, at: given, ...rest } = change;
        const detail = {
          ...rest,
          ...(given === undefined ? {} : { at: given.toISOString() }),
          ...(wins ? { contactedAt: at.toISOString() } : {}),
        };
        await history("attempt", next, detail);
        if (wins) auditDetail = contactChange(task, contactedAt, contactMethod);
        break;
      }
      case "complete": {
        if (isClosed(task.status))
          throw conflict(`the task is already ${task.status}`, { status: task.status });
        const reached = change.outcome === "reached_patient";
        if (!reached && (change.contactedAt !== undefined || change.contactMethod !== undefined))
          throw invalid(
            "invalid_contact_time",
            "contactedAt and contactMethod are recorded only with outcome reached_patient",
          );
        if (change.contactedAt !== undefined) checkContactTime("contactedAt", change.contactedAt, limits);
        const contactedAt = reached ? (change.contactedAt ?? task.contacted_at ?? now) : task.contacted_at;
        const contactMethod = reached ? (change.contactMethod ?? task.contact_method) : task.contact_method;
        await client.query(
          `UPDATE tasks SET status = 'completed', completed_at = $2, outcome = $3, completed_by = $4, updated_at = $2,
                  contacted_at = $5, contact_method = $6
            WHERE id = $1`,
          [taskId, now, change.outcome, actor, contactedAt, contactMethod],
        );
        const contact = reached
          ? {
              contactedAt: iso(contactedAt),
              contactMethod,
              ...(task.contacted_at !== null && task.contacted_at.getTime() !== contactedAt?.getTime()
                ? { previousContactedAt: iso(task.contacted_at) }
                : {}),
            }
          : {};
        await history("completed", "completed", { outcome: change.outcome, note: change.note, ...contact });
        if (reached) auditDetail = contactChange(task, contactedAt, contactMethod);
        break;
      }
      case "contact": {
        const reached =
          task.contacted_at !== null || (task.status === "completed" && task.outcome === "reached_patient");
        if (task.status === "cancelled" || !reached)
          throw conflict(
            task.status === "cancelled"
              ? "the task is cancelled"
              : "the patient has not been reached on this task: record a reached attempt or complete it as reached",
            { status: task.status },
          );
        checkContactTime("contactedAt", change.contactedAt, limits);
        const contactMethod = change.contactMethod ?? task.contact_method;
        await client.query(
          "UPDATE tasks SET contacted_at = $2, contact_method = $3, updated_at = $4 WHERE id = $1",
          [taskId, change.contactedAt, contactMethod, now],
        );
        auditDetail = contactChange(task, change.contactedAt, contactMethod);
        await history("contact_corrected", task.status, {
          contactedAt: change.contactedAt.toISOString(),
          contactMethod,
          previousContactedAt: (auditDetail.contactedAt as { from: string | null }).from,
          previousContactMethod: task.contact_method,
        });
        break;
      }
      case "reassign": {
        if (isClosed(task.status)) throw conflict(`the task is ${task.status}`, { status: task.status });
        const recipient = await client.query(
          "SELECT 1 FROM recipients WHERE id = $1 AND organization_id = $2 AND active",
          [change.recipientId, task.organization_id],
        );
        if (recipient.rowCount === 0)
          throw invalid(
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
      detail: { taskId, ...auditDetail },
    });
    await notifyWorkspaceChanged(client, { organizationId: task.organization_id, kind: "task" });
  });
}

/**
 * The contact time before and after a change, for the access log and task history: who changed it
 * is the row's actor. `from` is what the measure counted before: the stored contact time, else the
 * completion of a task closed as reached before contact times existed; null when not yet reached.
 */
function contactChange(
  task: LockedTask,
  contactedAt: Date | null,
  contactMethod: ContactMethod | null,
): Record<string, unknown> {
  const before =
    task.contacted_at ??
    (task.status === "completed" && task.outcome === "reached_patient" ? task.completed_at : null);
  return {
    contactedAt: { from: iso(before), to: iso(contactedAt) },
    contactMethod: { from: task.contact_method, to: contactMethod },
  };
}
