import type { Pool } from "@homeward/db";
import type { EnrollmentStatus, LeadOrganization } from "./roster-row.ts";

/** One patient of the combined list: what each side's list says about them. */
export interface CombinedHighRiskEntry {
  /** 1 = discuss first. */
  rank: number;
  patientId: string;
  familyName: string | null;
  givenName: string | null;
  birthDate: string | null;
  onPlanList: boolean;
  onPracticeList: boolean;
  /** "both" lists name the patient, or only the "plan" or the "practice" list does. */
  listedBy: "both" | "plan" | "practice";
  /** The plan's predictive-model risk score (its highest across programmes), when on the plan's list. */
  planRiskScore: number | null;
  /** The practice designated the patient high risk. */
  practiceFlag: boolean;
  planRiskTier: string | null;
  practiceRiskTier: string | null;
  /** The lead organization and status each side currently records; the teams settle differences. */
  planLead: LeadOrganization | null;
  practiceLead: LeadOrganization | null;
  planStatus: EnrollmentStatus | null;
  practiceStatus: EnrollmentStatus | null;
  /** Both sides name the same lead. */
  leadAgreed: boolean;
}

/**
 * The combined high-risk list of a plan and a practice, one row per patient, from the open
 * enrollments each imported (enrollment rosters listed by the plan and by the practice). The plan's
 * side is limited to the practice's population: rows naming the practice, or patients with an
 * open attribution to it. Order follows the plan–practice care-management guideline: patients on
 * both lists first; then by the plan's risk score, highest first; then the practice's own flag.
 * Ended enrollments are left out.
 */
export async function combinedHighRiskList(
  pool: Pool,
  opts: { practiceOrgId: string; planOrgId: string },
): Promise<CombinedHighRiskEntry[]> {
  const { rows } = await pool.query<
    Omit<CombinedHighRiskEntry, "planRiskScore" | "rank"> & {
      planRiskScore: string | null;
      rank: string;
    }
  >(
    `WITH plan AS (
       SELECT DISTINCT ON (e.patient_id) e.patient_id, e.plan_risk_score, e.risk_tier, e.lead_organization, e.status
         FROM care_management_enrollments e
        WHERE e.listed_by_org_id = $2 AND e.effective_to IS NULL AND e.status <> 'ended'
          AND (e.practice_org_id = $1
               OR EXISTS (SELECT 1 FROM attributions a
                           WHERE a.patient_id = e.patient_id AND a.practice_org_id = $1 AND a.effective_to IS NULL))
        ORDER BY e.patient_id, e.plan_risk_score DESC NULLS LAST, e.id
     ), practice AS (
       SELECT DISTINCT ON (e.patient_id) e.patient_id, e.practice_flag, e.risk_tier, e.lead_organization, e.status
         FROM care_management_enrollments e
        WHERE e.listed_by_org_id = $1 AND e.effective_to IS NULL AND e.status <> 'ended'
        ORDER BY e.patient_id, e.practice_flag DESC NULLS LAST, e.id
     )
     SELECT row_number() OVER (ORDER BY (pl.patient_id IS NOT NULL AND pr.patient_id IS NOT NULL) DESC,
                                        pl.plan_risk_score DESC NULLS LAST,
                                        coalesce(pr.practice_flag, false) DESC,
                                        p.family_name, p.given_name, p.id) AS rank,
            p.id::text AS "patientId", p.family_name AS "familyName", p.given_name AS "givenName",
            to_char(p.birth_date, 'YYYY-MM-DD') AS "birthDate",
            pl.patient_id IS NOT NULL AS "onPlanList", pr.patient_id IS NOT NULL AS "onPracticeList",
            CASE WHEN pl.patient_id IS NOT NULL AND pr.patient_id IS NOT NULL THEN 'both'
                 WHEN pl.patient_id IS NOT NULL THEN 'plan' ELSE 'practice' END AS "listedBy",
            pl.plan_risk_score::text AS "planRiskScore", coalesce(pr.practice_flag, false) AS "practiceFlag",
            pl.risk_tier AS "planRiskTier", pr.risk_tier AS "practiceRiskTier",
            pl.lead_organization AS "planLead", pr.lead_organization AS "practiceLead",
            pl.status AS "planStatus", pr.status AS "practiceStatus",
            coalesce(pl.lead_organization = pr.lead_organization, false) AS "leadAgreed"
       FROM plan pl
       FULL JOIN practice pr ON pr.patient_id = pl.patient_id
       JOIN patients p ON p.id = coalesce(pl.patient_id, pr.patient_id)
      ORDER BY rank`,
    [opts.practiceOrgId, opts.planOrgId],
  );
  return rows.map((r) => ({
    ...r,
    rank: Number(r.rank),
    planRiskScore: r.planRiskScore === null ? null : Number(r.planRiskScore),
  }));
}
