import type { TaskRow } from "@homeward/tasks";
import { iso } from "../schemas.ts";
import type { TaskSummary } from "./task-schemas.ts";

/** The task list's and task page's reads live in the tasks family (@homeward/tasks); callers here keep their names. */
export { listTasks, loadTask, type TaskFilter, type TaskRow } from "@homeward/tasks";

/** "Given Family" as the roster gave it; the signed-in organization may see it: it is their patient. */
export function displayName(given: string | null, family: string | null): string {
  return [given, family].filter((s) => s !== null && s !== "").join(" ") || "(no name on file)";
}

/** The row as the api shows it: ISO instants, nested organization, patient, facility and assignee. */
export function toTaskSummary(r: TaskRow): TaskSummary {
  return {
    id: r.id,
    title: r.title,
    taskType: r.task_type,
    protocolId: r.protocol_id,
    stepId: r.step_id,
    status: r.status,
    overdue: r.overdue,
    dueAt: r.due_at.toISOString(),
    openedAt: r.opened_at.toISOString(),
    triggeredAt: r.triggered_at.toISOString(),
    completedAt: iso(r.completed_at),
    outcome: r.outcome,
    completedBy: r.completed_by,
    contactedAt: iso(r.contacted_at),
    contactMethod: r.contact_method,
    firstAttemptAt: iso(r.first_attempt_at),
    cancelReason: r.cancel_reason,
    organization: { id: r.organization_id, code: r.org_code, name: r.org_name, timeZone: r.org_time_zone },
    patient: {
      id: r.patient_id,
      displayName: displayName(r.given_name, r.family_name),
      birthDate: r.birth_date,
      practiceIdentifier: r.practice_identifier,
    },
    facility:
      r.facility === null
        ? null
        : { code: r.facility, name: r.facility_name, timeZone: r.facility_time_zone ?? r.org_time_zone },
    visitNumber: r.visit_number,
    eventKind: r.event_kind,
    program: r.program,
    riskTier: r.risk_tier,
    assignee: r.assignee_id === null ? null : { id: r.assignee_id, displayName: r.assignee_name ?? "" },
  };
}
