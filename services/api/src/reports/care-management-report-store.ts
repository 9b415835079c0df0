import type { Pool } from "@homeward/db";
import { DEFAULT_PROTOCOLS, type HighRiskSettings } from "@homeward/protocols";
import { highRiskCondition, sqlParams } from "./high-risk-sql.ts";
import { rateOf } from "./percentiles.ts";

/** Which enrollments the care-management report reads. */
export interface CareManagementFilter {
  /** Organization ids the caller may read; undefined = all (system admin only). */
  scope: readonly string[] | undefined;
  /** `YYYY-MM-DD`; absent = today in each practice's zone. */
  asOf?: string | undefined;
  /**
   * A plan risk score at or above this makes a patient high-risk, instead of the definition's own
   * threshold; absent = the definition's (none by default: scores are not used).
   */
  riskScoreThreshold?: number | undefined;
  program?: string | undefined;
  /** Who is high-risk: the protocols file's one definition (the ED measure uses it too); default DEFAULT_PROTOCOLS'. */
  highRisk?: HighRiskSettings | undefined;
}

/** One practice's line. Counts are patients, not enrollment rows. */
export interface CareManagementRow {
  /** The practice's organization id; null for plan-list patients whose practice the list does not name. */
  groupKey: string | null;
  group: string;
  asOf: string;
  /** `YYYY-MM` of asOf: the month the snapshot describes. */
  month: string;
  highRiskPatients: number;
  highRiskActive: number;
  /** highRiskActive / highRiskPatients: "% of high-risk patients in active care management". */
  activeRate: number | null;
  activePatients: number;
  activeWithGoal: number;
  goalMet: number;
  /** goalMet / activeWithGoal: "% of enrolled patients meeting their patient-centered goal". */
  goalMetRate: number | null;
}

/**
 * A snapshot of the combined (plan + practice) high-risk list as of a day, by practice (the row's
 * practice_org_id, or the listing organization when a practice lists its own patients). Enrollment
 * rows are effective-dated, so the snapshot of a past day is exact: rows open on that day
 * (effective_from ≤ day < effective_to), status `ended` left out. A patient is counted once per
 * practice, whatever lists and programs name them:
 * - high-risk: any open row meeting its program's high-risk definition (protocols file; by default tier
 *   I or II or the practice's flag; a plan risk score ≥ the threshold when one is set); no tier is
 *   "unassigned", never Priority III;
 * - active: any open row with status `active` (monitor and tracking-list patients are not);
 * - with a goal / goal met: among active patients, an active row with a goal / with goal_met true.
 * Scope: rows about the caller's practices, or on lists the caller's organization (a plan) keeps.
 */
export async function careManagementReport(
  pool: Pool,
  filter: CareManagementFilter,
): Promise<CareManagementRow[]> {
  const { params, param } = sqlParams([
    filter.scope === undefined ? null : [...filter.scope],
    filter.asOf ?? null,
    filter.riskScoreThreshold ?? null,
    filter.program ?? null,
  ]);
  const highRisk = highRiskCondition("e", filter.highRisk ?? DEFAULT_PROTOCOLS, param, {
    scoreOverride: "$3::numeric",
  });
  const { rows } = await pool.query<{
    key: string | null;
    label: string | null;
    as_of: string;
    high_risk: number;
    high_risk_active: number;
    active: number;
    with_goal: number;
    goal_met: number;
  }>(
    `WITH open_rows AS (
       SELECT e.patient_id, pr.practice_id, e.status, e.goal_met,
              NULLIF(btrim(e.goal), '') IS NOT NULL AS has_goal,
              ${highRisk} AS high_risk,
              day.as_of
         FROM care_management_enrollments e
         JOIN organizations lo ON lo.id = e.listed_by_org_id
         CROSS JOIN LATERAL (SELECT COALESCE(e.practice_org_id,
                  CASE WHEN lo.kind = 'practice' THEN lo.id END) AS practice_id) pr
         LEFT JOIN organizations po ON po.id = pr.practice_id
         CROSS JOIN LATERAL (SELECT COALESCE($2::date,
                  (now() AT TIME ZONE COALESCE(po.time_zone, lo.time_zone))::date) AS as_of) day
        WHERE e.effective_from <= day.as_of AND (e.effective_to IS NULL OR e.effective_to > day.as_of)
          AND e.status <> 'ended'
          AND ($1::bigint[] IS NULL OR pr.practice_id = ANY($1::bigint[]) OR e.listed_by_org_id = ANY($1::bigint[]))
          AND ($4::text IS NULL OR e.program = $4)
     ), per_patient AS (
       SELECT practice_id, patient_id, max(as_of) AS as_of,
              bool_or(high_risk) AS high_risk,
              bool_or(status = 'active') AS active,
              bool_or(status = 'active' AND has_goal) AS with_goal,
              bool_or(status = 'active' AND has_goal AND goal_met IS TRUE) AS goal_met
         FROM open_rows GROUP BY practice_id, patient_id
     )
     SELECT p.practice_id::text AS key, o.name AS label, to_char(max(p.as_of), 'YYYY-MM-DD') AS as_of,
            (count(*) FILTER (WHERE p.high_risk))::int AS high_risk,
            (count(*) FILTER (WHERE p.high_risk AND p.active))::int AS high_risk_active,
            (count(*) FILTER (WHERE p.active))::int AS active,
            (count(*) FILTER (WHERE p.with_goal))::int AS with_goal,
            (count(*) FILTER (WHERE p.goal_met))::int AS goal_met
       FROM per_patient p LEFT JOIN organizations o ON o.id = p.practice_id
      GROUP BY p.practice_id, o.name
      ORDER BY o.name NULLS LAST, p.practice_id`,
    params,
  );
  return rows.map((r) => ({
    groupKey: r.key,
    group: r.label ?? "No practice named",
    asOf: r.as_of,
    month: r.as_of.slice(0, 7),
    highRiskPatients: r.high_risk,
    highRiskActive: r.high_risk_active,
    activeRate: rateOf(r.high_risk_active, r.high_risk),
    activePatients: r.active,
    activeWithGoal: r.with_goal,
    goalMet: r.goal_met,
    goalMetRate: rateOf(r.goal_met, r.with_goal),
  }));
}
