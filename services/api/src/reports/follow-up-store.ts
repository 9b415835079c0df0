import type { TaskOutcome, TaskStatus } from "@homeward/contracts";
import type { Pool } from "@homeward/db";
import type { BusinessCalendar, ExclusionReason, HighRiskSettings } from "@homeward/protocols";
import { type FollowUpMeasure, MEASURE_STEPS } from "./follow-up-window.ts";
import { highRiskCondition, sqlParams } from "./high-risk-sql.ts";

export type RiskTier = "I" | "II" | "III";

/** Which tasks a follow-up report is about. */
export interface FollowUpFilter {
  measure: FollowUpMeasure;
  /** First and last trigger day (`YYYY-MM-DD`, inclusive), read in each practice's own zone. */
  from: string;
  to: string;
  /** Organization ids the caller may read; undefined = all (system admin only). */
  scope: readonly string[] | undefined;
  program?: string | undefined;
  tier?: RiskTier | undefined;
  /** The high-risk definition (protocols file) that sets each row's `highRisk`; absent: null. */
  highRisk?: HighRiskSettings | undefined;
}

/** One task of the denominator, with what grouping and the misses list show about it. */
export interface FollowUpTaskRow {
  taskId: string;
  organizationId: string;
  organizationName: string;
  /** The practice's IANA zone: its days decide the window, and the page shows times in it. */
  timeZone: string;
  careManagerId: string | null;
  careManagerName: string | null;
  program: string | null;
  tier: RiskTier | null;
  /** `YYYY-MM` of the trigger in the practice's zone. */
  triggerMonth: string;
  protocolId: string;
  stepId: string;
  triggeredAt: Date;
  dueAt: Date;
  status: TaskStatus;
  outcome: TaskOutcome | null;
  completedAt: Date | null;
  /**
   * When the patient was reached (`tasks.contacted_at`: entered at completion, or the earliest attempt
   * recorded as reached); null when nobody entered one. See `contactTimeOf` for the fallback.
   */
  contactedAt: Date | null;
  patientId: string;
  /** Only loaded for the misses list (`withPatient`); null otherwise. */
  patientName: string | null;
  facility: string;
  visitNumber: string;
  /**
   * Why the task is out of the measure (`tasks.excluded_reason`); a cancelled task without one (closed
   * before the column existed, or by another rule) is `not-applicable`. Null: in the measure.
   */
  excludedReason: ExclusionReason | null;
  /** The words the notifier wrote when it closed the task (`cancel_reason`). */
  cancelReason: string | null;
  /**
   * Whether the patient was high-risk on the event's day, by the protocols' definition: any open
   * enrollment row (the practice's own, a plan's naming the practice, or a plan's for a patient
   * attributed to it) that meets its program's definition. Null when no definition was given.
   */
  highRisk: boolean | null;
}

/**
 * The measure's tasks triggered in the period, excluded (cancelled) ones included with their reason:
 * the report shows them apart, outside the rate. The period is compared with
 * the trigger's date in the practice's zone, so a 10 pm event on the 31st belongs to that month. The
 * coarse UTC bounds only let PostgreSQL skip rows early; no zone is more than a day away from UTC.
 * Patient names are joined only when the caller lists misses (minimum necessary).
 */
export async function loadFollowUpTasks(
  pool: Pool,
  filter: FollowUpFilter,
  options: { withPatient: boolean },
): Promise<FollowUpTaskRow[]> {
  const steps = MEASURE_STEPS[filter.measure];
  const patientName = options.withPatient
    ? "NULLIF(concat_ws(', ', p.family_name, p.given_name), '')"
    : "NULL::text";
  const { params, param } = sqlParams([
    steps.map((s) => s.protocolId),
    steps.map((s) => s.stepId),
    filter.scope === undefined ? null : [...filter.scope],
    filter.from,
    filter.to,
    filter.program ?? null,
    filter.tier ?? null,
  ]);
  const day = "(t.triggered_at AT TIME ZONE o.time_zone)::date";
  // The matcher's contract needs a tier, so an enrollment without one reaches the task as III. A task
  // is Priority III only when a list said so on the event day; otherwise its tier is unassigned (null).
  const tier = `CASE WHEN t.risk_tier = 'III' AND NOT EXISTS (SELECT 1 FROM care_management_enrollments e3
                  WHERE e3.patient_id = t.patient_id AND e3.program IS NOT DISTINCT FROM t.program
                    AND e3.risk_tier = 'III' AND e3.effective_from <= ${day}
                    AND (e3.effective_to IS NULL OR e3.effective_to > ${day}))
                THEN NULL ELSE t.risk_tier END`;
  const highRisk =
    filter.highRisk === undefined
      ? "NULL::boolean"
      : `EXISTS (SELECT 1 FROM care_management_enrollments e
                 WHERE e.patient_id = t.patient_id AND e.status <> 'ended'
                   AND e.effective_from <= ${day} AND (e.effective_to IS NULL OR e.effective_to > ${day})
                   AND (e.practice_org_id = t.organization_id OR e.listed_by_org_id = t.organization_id
                        OR (e.practice_org_id IS NULL AND EXISTS (SELECT 1 FROM attributions a
                              WHERE a.patient_id = t.patient_id AND a.practice_org_id = t.organization_id
                                AND a.effective_from <= ${day}
                                AND (a.effective_to IS NULL OR a.effective_to > ${day}))))
                   AND ${highRiskCondition("e", filter.highRisk, param)})`;
  const { rows } = await pool.query<FollowUpTaskRow>(
    `SELECT t.id AS "taskId", t.organization_id::text AS "organizationId", o.name AS "organizationName", o.time_zone AS "timeZone",
            t.assignee_recipient_id::text AS "careManagerId", r.display_name AS "careManagerName",
            t.program, ${tier} AS tier,
            to_char(t.triggered_at AT TIME ZONE o.time_zone, 'YYYY-MM') AS "triggerMonth",
            t.protocol_id AS "protocolId", t.step_id AS "stepId",
            t.triggered_at AS "triggeredAt", t.due_at AS "dueAt", t.status, t.outcome,
            t.completed_at AS "completedAt", t.contacted_at AS "contactedAt",
            t.patient_id::text AS "patientId",
            ${patientName} AS "patientName", t.facility, t.visit_number AS "visitNumber",
            CASE WHEN t.status = 'cancelled' THEN COALESCE(t.excluded_reason, 'not-applicable')
                 ELSE t.excluded_reason END AS "excludedReason",
            t.cancel_reason AS "cancelReason", ${highRisk} AS "highRisk"
       FROM tasks t
       JOIN organizations o ON o.id = t.organization_id
       JOIN patients p ON p.id = t.patient_id
       LEFT JOIN recipients r ON r.id = t.assignee_recipient_id
      WHERE (t.protocol_id, t.step_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))
        AND ($3::bigint[] IS NULL OR t.organization_id = ANY($3::bigint[]))
        AND t.triggered_at >= $4::date - interval '2 days'
        AND t.triggered_at < $5::date + interval '3 days'
        AND (t.triggered_at AT TIME ZONE o.time_zone)::date BETWEEN $4::date AND $5::date
        AND ($6::text IS NULL OR t.program = $6)
        AND ($7::text IS NULL OR ${tier} = $7)
      ORDER BY t.triggered_at, t.id`,
    params,
  );
  return rows;
}

/**
 * Each organization's business calendar, as the notifier builds it for the tasks' own deadlines:
 * its zone, its holiday set (US federal when it has no settings row) and its closures.
 */
export async function loadCalendars(
  pool: Pool,
  organizationIds: readonly string[],
): Promise<Map<string, BusinessCalendar>> {
  const { rows } = await pool.query<{
    id: string;
    time_zone: string;
    holiday_country: string | null;
    holiday_state: string | null;
    closures: string[];
  }>(
    `SELECT o.id::text AS id, o.time_zone, s.holiday_country, s.holiday_state,
            ARRAY(SELECT to_char(c.day, 'YYYY-MM-DD') FROM organization_closures c
                   WHERE c.organization_id = o.id ORDER BY c.day) AS closures
       FROM organizations o LEFT JOIN organization_settings s ON s.organization_id = o.id
      WHERE o.id = ANY($1::bigint[])`,
    [[...organizationIds]],
  );
  return new Map(
    rows.map((row) => [
      row.id,
      {
        timeZone: row.time_zone,
        holidays: {
          country: row.holiday_country ?? "US",
          ...(row.holiday_state === null ? {} : { state: row.holiday_state }),
        },
        closures: row.closures,
      },
    ]),
  );
}
