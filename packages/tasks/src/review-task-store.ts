/**
 * The periodic reviews' SQL (the six-month tracking-list review): who is due one, opening it, and
 * cancelling those of patients who left the list. Each takes the review pass's transaction.
 */
import type { PoolClient } from "@homeward/db";
import type {
  EnrollmentStatus,
  PlannedReviewTask,
  ReviewCandidate,
  ReviewProtocol,
} from "@homeward/protocols";

type Tx = PoolClient;

/**
 * Takes the review pass for this schema until the transaction ends (a transaction-scoped advisory
 * lock): false when another notifier holds it, which then skips this round.
 */
export async function takeReviewPass(tx: Tx): Promise<boolean> {
  const { rows } = await tx.query<{ taken: boolean }>(
    "SELECT pg_try_advisory_xact_lock(hashtext('homeward.review-tasks.' || current_schema())) AS taken",
  );
  return rows[0]?.taken === true;
}

/** A candidate with its organization's zone (the day "today" is, and the review's deadline). */
export interface StoredReviewCandidate extends ReviewCandidate {
  timeZone: string;
}

/**
 * Everyone on a list the review protocol covers, today in the list organization's zone: the row in
 * force, the day the unbroken run of that status began (earlier rows of the same patient, program
 * and source that ended the day the next began), the last review of that run completed, whether one
 * is open, and who works it: the list's care manager when they are an active member of the
 * organization, else the PCP of record there, else nobody (the unassigned queue).
 */
export async function loadReviewCandidates(
  tx: Tx,
  protocol: ReviewProtocol,
  now: Date,
): Promise<StoredReviewCandidate[]> {
  const { rows } = await tx.query<{
    enrollment_id: string;
    organization_id: string;
    patient_id: string;
    program: string;
    status: EnrollmentStatus;
    risk_tier: "I" | "II" | "III" | null;
    time_zone: string;
    on_list_since: string;
    last_reviewed_at: Date | null;
    review_open: boolean;
    assignee: string | null;
  }>(
    `WITH RECURSIVE current_rows AS (
       SELECT e.id, e.patient_id, e.program, e.source, e.listed_by_org_id, e.status, e.risk_tier,
              e.care_manager_recipient_id, e.effective_from, o.time_zone,
              ($1::timestamptz AT TIME ZONE o.time_zone)::date AS today
         FROM care_management_enrollments e JOIN organizations o ON o.id = e.listed_by_org_id
        WHERE e.status = ANY($2::text[])
          AND ($3::text[] IS NULL OR e.program = ANY($3::text[]))
          AND e.effective_from <= ($1::timestamptz AT TIME ZONE o.time_zone)::date
          AND (e.effective_to IS NULL OR e.effective_to > ($1::timestamptz AT TIME ZONE o.time_zone)::date)
     ), run AS (
       SELECT c.id AS enrollment_id, c.id AS row_id, c.patient_id, c.program, c.source, c.status,
              c.effective_from AS since
         FROM current_rows c
       UNION
       SELECT r.enrollment_id, p.id, r.patient_id, r.program, r.source, r.status, p.effective_from
         FROM run r JOIN care_management_enrollments p
           ON p.patient_id = r.patient_id AND p.program = r.program AND p.source = r.source
          AND p.status = r.status AND p.effective_to = r.since AND p.id <> r.row_id
     ), candidate AS (
       SELECT c.*, (SELECT min(since) FROM run WHERE run.enrollment_id = c.id) AS on_list_since
         FROM current_rows c
     )
     SELECT c.id::text AS enrollment_id, c.listed_by_org_id::text AS organization_id,
            c.patient_id::text AS patient_id, c.program, c.status, c.risk_tier, c.time_zone,
            to_char(c.on_list_since, 'YYYY-MM-DD') AS on_list_since,
            (SELECT max(t.completed_at) FROM tasks t
              WHERE t.organization_id = c.listed_by_org_id AND t.patient_id = c.patient_id
                AND t.protocol_id = $4 AND t.step_id = $5 AND t.program = c.program AND t.facility IS NULL
                AND t.status = 'completed'
                AND t.completed_at >= c.on_list_since::timestamp AT TIME ZONE c.time_zone) AS last_reviewed_at,
            EXISTS (SELECT 1 FROM tasks t
              WHERE t.organization_id = c.listed_by_org_id AND t.patient_id = c.patient_id
                AND t.protocol_id = $4 AND t.step_id = $5 AND t.program = c.program AND t.facility IS NULL
                AND t.status IN ('open', 'in_progress')) AS review_open,
            coalesce(
              (SELECT r.id FROM recipients r
                WHERE r.id = c.care_manager_recipient_id AND r.organization_id = c.listed_by_org_id AND r.active),
              (SELECT r.id FROM attributions a
                 JOIN recipients r ON r.clinician_id = a.pcp_clinician_id AND r.organization_id = a.practice_org_id
                WHERE a.patient_id = c.patient_id AND a.practice_org_id = c.listed_by_org_id
                  AND r.role = 'pcp' AND r.active
                  AND a.effective_from <= c.today AND (a.effective_to IS NULL OR a.effective_to > c.today)
                ORDER BY a.effective_from DESC, r.id LIMIT 1)
            )::text AS assignee
       FROM candidate c
      ORDER BY c.listed_by_org_id, c.patient_id, c.program, c.id`,
    [
      now.toISOString(),
      protocol.enrollmentStatuses,
      protocol.programs === "all" ? null : protocol.programs,
      protocol.protocolId,
      protocol.step.stepId,
    ],
  );
  return rows.map((r) => ({
    enrollmentId: r.enrollment_id,
    organizationId: r.organization_id,
    patientId: r.patient_id,
    program: r.program,
    status: r.status,
    ...(r.risk_tier === null ? {} : { riskTier: r.risk_tier }),
    onListSince: r.on_list_since,
    ...(r.last_reviewed_at === null ? {} : { lastReviewedAt: r.last_reviewed_at }),
    reviewOpen: r.review_open,
    ...(r.assignee === null ? {} : { assigneeRecipientId: r.assignee }),
    timeZone: r.time_zone,
  }));
}

/**
 * Opens a planned review (no encounter, event or alert: see migration 0012) with its history row,
 * unless it exists; returns whether this call opened it. It has no reminder timers: it opened ahead.
 */
export async function insertReviewTask(tx: Tx, task: PlannedReviewTask): Promise<boolean> {
  const inserted = await tx.query(
    `INSERT INTO tasks (id, organization_id, patient_id, enrollment_id, protocol_id, step_id, task_type, title,
                        program, risk_tier, assignee_recipient_id, triggered_at, due_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
     ON CONFLICT DO NOTHING RETURNING id`,
    [
      task.taskId,
      task.organizationId,
      task.patientId,
      task.enrollmentId,
      task.protocolId,
      task.stepId,
      task.taskType,
      task.title,
      task.program,
      task.riskTier ?? null,
      task.assigneeRecipientId ?? null,
      task.countedFrom,
      task.dueAt,
    ],
  );
  if (inserted.rowCount === 0) return false;
  await tx.query(
    `INSERT INTO task_history (task_id, actor, action, to_status, detail) VALUES ($1, 'sweeper', 'opened', 'open', $2)`,
    [
      task.taskId,
      JSON.stringify({
        enrollmentId: task.enrollmentId,
        countedFrom: task.countedFrom.toISOString(),
        dueAt: task.dueAt.toISOString(),
      }),
    ],
  );
  return true;
}

/**
 * Cancels the protocol's open reviews of patients no longer on a list with its statuses (engaged, or
 * taken off the list), today in each organization's zone; returns the cancelled tasks' organizations.
 */
export async function cancelReviewsOffList(
  tx: Tx,
  protocol: ReviewProtocol,
  now: Date,
  reason: string,
): Promise<{ taskId: string; organizationId: string }[]> {
  const { rows } = await tx.query<{ id: string; organization_id: string; from_status: string }>(
    `WITH target AS (
       SELECT t.id, t.status FROM tasks t JOIN organizations o ON o.id = t.organization_id
        WHERE t.facility IS NULL AND t.protocol_id = $2 AND t.step_id = $3 AND t.status IN ('open', 'in_progress')
          AND NOT EXISTS (
            SELECT 1 FROM care_management_enrollments e
             WHERE e.patient_id = t.patient_id AND e.program = t.program AND e.listed_by_org_id = t.organization_id
               AND e.status = ANY($4::text[])
               AND e.effective_from <= ($1::timestamptz AT TIME ZONE o.time_zone)::date
               AND (e.effective_to IS NULL OR e.effective_to > ($1::timestamptz AT TIME ZONE o.time_zone)::date))
        FOR UPDATE OF t SKIP LOCKED)
     UPDATE tasks t SET status = 'cancelled', cancelled_at = $1, cancel_reason = $5, updated_at = $1
       FROM target WHERE t.id = target.id
     RETURNING t.id, t.organization_id::text AS organization_id, target.status AS from_status`,
    [now.toISOString(), protocol.protocolId, protocol.step.stepId, protocol.enrollmentStatuses, reason],
  );
  for (const r of rows) {
    await tx.query(
      `INSERT INTO task_history (task_id, actor, action, from_status, to_status, detail)
       VALUES ($1, 'sweeper', 'cancelled', $2, 'cancelled', $3)`,
      [r.id, r.from_status, JSON.stringify({ reason })],
    );
  }
  return rows.map((r) => ({ taskId: r.id, organizationId: r.organization_id }));
}
