import type { TaskOutcome, TaskStatus } from "@homeward/contracts";
import type { Pool } from "@homeward/db";
import { type FollowUpMeasure, MEASURE_STEPS } from "./follow-up-window.ts";

/** Which tasks the contact-times measure is about: the follow-up measure's, with the same filters. */
export interface ContactTimesFilter {
  measure: FollowUpMeasure;
  /** First and last trigger day (`YYYY-MM-DD`, inclusive), read in each practice's own zone. */
  from: string;
  to: string;
  /** Organization ids the caller may read; undefined = all (system admin only). */
  scope: readonly string[] | undefined;
  program?: string | undefined;
  tier?: "I" | "II" | "III" | undefined;
}

/** One task with the moments the measure is timed between. No patient data: the report is aggregate. */
export interface ContactTimesTaskRow {
  taskId: string;
  organizationId: string;
  organizationName: string;
  careManagerId: string | null;
  careManagerName: string | null;
  program: string | null;
  tier: "I" | "II" | "III" | null;
  /** `YYYY-MM` of the trigger in the practice's zone. */
  triggerMonth: string;
  triggeredAt: Date;
  status: TaskStatus;
  outcome: TaskOutcome | null;
  completedAt: Date | null;
  contactedAt: Date | null;
  firstAttemptAt: Date | null;
  openedAt: Date;
  /** The first alert about the task's event that went out to the task's organization; null if none did. */
  alertSentAt: Date | null;
}

/**
 * The measure's tasks triggered in the period (cancelled ones left out), as loadFollowUpTasks picks
 * them, with the first alert sent for the task's event to its organization: the earliest `sent_at`
 * of a delivery with purpose `alert` and status `sent` for the announcement that opened the task
 * (`deliveries.match_id = tasks.trigger_match_id`), whoever in the organization it went to.
 */
export async function loadContactTimesTasks(
  pool: Pool,
  filter: ContactTimesFilter,
): Promise<ContactTimesTaskRow[]> {
  const steps = MEASURE_STEPS[filter.measure];
  const { rows } = await pool.query<ContactTimesTaskRow>(
    `SELECT t.id AS "taskId", t.organization_id::text AS "organizationId", o.name AS "organizationName",
            t.assignee_recipient_id::text AS "careManagerId", r.display_name AS "careManagerName",
            t.program, t.risk_tier AS tier,
            to_char(t.triggered_at AT TIME ZONE o.time_zone, 'YYYY-MM') AS "triggerMonth",
            t.triggered_at AS "triggeredAt", t.status, t.outcome, t.completed_at AS "completedAt",
            t.contacted_at AS "contactedAt", t.first_attempt_at AS "firstAttemptAt", t.opened_at AS "openedAt",
            (SELECT min(d.sent_at) FROM deliveries d
              WHERE d.match_id = t.trigger_match_id AND d.organization_id = t.organization_id
                AND d.purpose = 'alert' AND d.status = 'sent') AS "alertSentAt"
       FROM tasks t
       JOIN organizations o ON o.id = t.organization_id
       LEFT JOIN recipients r ON r.id = t.assignee_recipient_id
      WHERE (t.protocol_id, t.step_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))
        AND t.status <> 'cancelled'
        AND ($3::bigint[] IS NULL OR t.organization_id = ANY($3::bigint[]))
        AND t.triggered_at >= $4::date - interval '2 days'
        AND t.triggered_at < $5::date + interval '3 days'
        AND (t.triggered_at AT TIME ZONE o.time_zone)::date BETWEEN $4::date AND $5::date
        AND ($6::text IS NULL OR t.program = $6)
        AND ($7::text IS NULL OR t.risk_tier = $7)
      ORDER BY t.triggered_at, t.id`,
    [
      steps.map((s) => s.protocolId),
      steps.map((s) => s.stepId),
      filter.scope === undefined ? null : [...filter.scope],
      filter.from,
      filter.to,
      filter.program ?? null,
      filter.tier ?? null,
    ],
  );
  return rows;
}
