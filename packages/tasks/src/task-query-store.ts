/**
 * The tasks as the care team's screens list and open them: one SELECT with the organization, the
 * patient, the facility's zone and the assignee, filtered and paged for the task list.
 */
import type { AdtEventKind, TaskOutcome, TaskStatus } from "@homeward/contracts";
import type { Pool, PoolClient } from "@homeward/db";
import type { ContactMethod } from "./contact-time.ts";

/** The SELECT behind every task the api shows; `$1` is the clock (for `overdue`). */
const TASK_SELECT = `
  SELECT t.id, t.title, t.task_type, t.protocol_id, t.step_id, t.status, t.due_at, t.opened_at, t.triggered_at,
         t.completed_at, t.outcome, t.completed_by, t.contacted_at, t.contact_method, t.first_attempt_at, t.cancel_reason, t.facility, t.visit_number, t.program, t.trigger_match_id,
         t.risk_tier, t.organization_id::text, o.code AS org_code, o.name AS org_name, o.time_zone AS org_time_zone, t.patient_id::text,
         p.given_name, p.family_name, to_char(p.birth_date, 'YYYY-MM-DD') AS birth_date,
         (SELECT pi.value FROM patient_identifiers pi
           WHERE pi.patient_id = t.patient_id AND pi.assigning_authority = o.code
           ORDER BY (pi.type_code = 'MR') DESC, pi.id LIMIT 1) AS practice_identifier,
         t.alert_content #>> '{facility,name}' AS facility_name, t.alert_content ->> 'eventKind' AS event_kind,
         (SELECT me.record #>> '{event,facility,timeZone}' FROM matched_events me
           WHERE me.match_id = t.trigger_match_id) AS facility_time_zone,
         t.assignee_recipient_id::text AS assignee_id, r.display_name AS assignee_name, t.enrollment_id::text,
         (t.status IN ('open', 'in_progress') AND t.due_at < $1::timestamptz) AS overdue
    FROM tasks t
    JOIN organizations o ON o.id = t.organization_id
    JOIN patients p ON p.id = t.patient_id
    LEFT JOIN recipients r ON r.id = t.assignee_recipient_id`;

/** A row of TASK_SELECT, as pg returns it (bigints as strings, timestamps as Dates). */
export interface TaskRow {
  id: string;
  title: string;
  task_type: string;
  protocol_id: string;
  step_id: string;
  status: TaskStatus;
  due_at: Date;
  opened_at: Date;
  triggered_at: Date;
  completed_at: Date | null;
  outcome: TaskOutcome | null;
  completed_by: string | null;
  contacted_at: Date | null;
  contact_method: ContactMethod | null;
  first_attempt_at: Date | null;
  cancel_reason: string | null;
  /** Null, with the visit and the trigger, for a task the calendar opened (a tracking-list review). */
  facility: string | null;
  visit_number: string | null;
  program: string | null;
  trigger_match_id: string | null;
  risk_tier: "I" | "II" | "III" | null;
  organization_id: string;
  org_code: string;
  org_name: string;
  org_time_zone: string;
  patient_id: string;
  given_name: string | null;
  family_name: string | null;
  birth_date: string | null;
  practice_identifier: string | null;
  facility_name: string | null;
  facility_time_zone: string | null;
  event_kind: AdtEventKind | null;
  assignee_id: string | null;
  assignee_name: string | null;
  /** The list row a review was opened for; null for event tasks. */
  enrollment_id: string | null;
  overdue: boolean;
}

export interface TaskFilter {
  /** undefined: every organization (system admin). */
  organizationIds: readonly string[] | undefined;
  statuses?: readonly string[];
  due?: "today" | "overdue" | "upcoming";
  program?: string;
  tier?: string;
  /** A recipient id, or null for unassigned tasks. */
  assignee?: string | null;
  limit: number;
  offset: number;
}

/**
 * One page of tasks, soonest due first, with the count of all that match. "Today" is the
 * organization's calendar day (its time zone), as deadlines are.
 */
export async function listTasks(
  pool: Pool,
  filter: TaskFilter,
  now: Date,
): Promise<{ rows: TaskRow[]; total: number }> {
  const params: unknown[] = [now.toISOString()];
  const where: string[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  if (filter.organizationIds !== undefined)
    where.push(`t.organization_id = ANY(${param(filter.organizationIds)}::bigint[])`);
  if (filter.statuses !== undefined) where.push(`t.status = ANY(${param(filter.statuses)}::text[])`);
  if (filter.program !== undefined) where.push(`t.program = ${param(filter.program)}`);
  if (filter.tier !== undefined) where.push(`t.risk_tier = ${param(filter.tier)}`);
  if (filter.assignee === null) where.push("t.assignee_recipient_id IS NULL");
  else if (filter.assignee !== undefined)
    where.push(`t.assignee_recipient_id = ${param(filter.assignee)}::bigint`);
  if (filter.due !== undefined) {
    where.push("t.status IN ('open', 'in_progress')");
    const localDue = "(t.due_at AT TIME ZONE o.time_zone)::date";
    const localToday = "($1::timestamptz AT TIME ZONE o.time_zone)::date";
    if (filter.due === "overdue") where.push("t.due_at < $1::timestamptz");
    if (filter.due === "today") where.push(`t.due_at >= $1::timestamptz AND ${localDue} = ${localToday}`);
    if (filter.due === "upcoming") where.push(`${localDue} > ${localToday}`);
  }
  const clause = where.length === 0 ? "" : `WHERE ${where.join(" AND ")}`;
  const counted = await pool.query<{ n: string }>(
    `SELECT count(*)::text AS n, min($1::timestamptz) AS at FROM tasks t JOIN organizations o ON o.id = t.organization_id ${clause}`,
    params,
  );
  const page = await pool.query<TaskRow>(
    `${TASK_SELECT} ${clause} ORDER BY t.due_at, t.id LIMIT ${param(filter.limit)} OFFSET ${param(filter.offset)}`,
    params,
  );
  return { rows: page.rows, total: Number(counted.rows[0]?.n ?? 0) };
}

/** One task by id (any organization: the caller checks the principal may read it). */
export async function loadTask(
  db: Pool | PoolClient,
  taskId: string,
  now: Date,
): Promise<TaskRow | undefined> {
  const { rows } = await db.query<TaskRow>(`${TASK_SELECT} WHERE t.id = $2`, [now.toISOString(), taskId]);
  return rows[0];
}
