import type { Pool } from "@homeward/db";
import type { FrequentEdPatient } from "./program-schemas.ts";

/** Which frequent ED patients to list. */
export interface FrequentEdFilter {
  /** Organization ids the caller may read; undefined = all (system admin only). */
  scope: readonly string[] | undefined;
  /** The window's last day (`YYYY-MM-DD`); the window is the 12 months ending then. */
  windowTo: string;
  minEdVisits: number;
  /** Only patients enrolled in this program (active or monitor) on some day of the window. */
  program?: string | undefined;
}

/** The 12 months ending on `windowTo`: its first day (the day after the same date a year before). */
export function windowFromOf(windowTo: string): string {
  const [y, m, d] = windowTo.split("-").map(Number) as [number, number, number];
  const end = new Date(Date.UTC(y - 1, m - 1, d));
  // 29 February a year back does not exist: the window starts on 1 March.
  if (end.getUTCMonth() !== m - 1) end.setUTCDate(0);
  end.setUTCDate(end.getUTCDate() + 1);
  return end.toISOString().slice(0, 10);
}

/**
 * Patients with at least `minEdVisits` ED visits in the window, per organization, from the ED
 * announcements routed to it (not taken back): a visit is one encounter (facility + visit number),
 * dated by its first ED event in the organization's zone, an ED visit that led to an admission
 * included. Most visits first. Names are read here because this list exists to name patients; the
 * route audits each one.
 */
export async function loadFrequentEdPatients(
  pool: Pool,
  filter: FrequentEdFilter,
): Promise<FrequentEdPatient[]> {
  const { rows } = await pool.query<FrequentEdPatient & { lastEdVisitAt: Date }>(
    `WITH orgs AS (
       SELECT o.id, o.name, o.time_zone FROM organizations o
        WHERE ($1::bigint[] IS NULL OR o.id = ANY($1::bigint[]))
     ), visits AS (
       SELECT m.organization_id AS org_id, m.patient_id, m.facility, m.visit_number,
              min(m.occurred_at) AS ed_at,
              bool_or(m.record -> 'flags' ? 'frequentEd') AS flagged,
              (array_agg(coalesce(m.record #>> '{event,facility,displayName}', m.facility)
                 ORDER BY m.occurred_at DESC))[1] AS facility_name,
              (array_agg(m.record #>> '{event,facility,timeZone}' ORDER BY m.occurred_at DESC))[1] AS facility_zone
         FROM matched_events m
        WHERE m.retracted_at IS NULL AND m.organization_id IN (SELECT id FROM orgs)
          AND m.event_kind IN ('ed-arrival', 'ed-discharge', 'ed-to-inpatient')
          AND m.occurred_at >= $2::date - interval '2 days' AND m.occurred_at < $3::date + interval '2 days'
        GROUP BY m.organization_id, m.patient_id, m.facility, m.visit_number
     ), in_window AS (
       SELECT v.* FROM visits v JOIN orgs o ON o.id = v.org_id
        WHERE (v.ed_at AT TIME ZONE o.time_zone)::date BETWEEN $2::date AND $3::date
     ), frequent AS (
       SELECT org_id, patient_id, count(*)::int AS ed_visits, count(DISTINCT facility)::int AS facilities,
              max(ed_at) AS last_at, bool_or(flagged) AS flagged,
              (array_agg(facility_name ORDER BY ed_at DESC))[1] AS last_facility,
              (array_agg(facility_zone ORDER BY ed_at DESC))[1] AS last_zone
         FROM in_window GROUP BY org_id, patient_id
       HAVING count(*) >= $4::int
     )
     SELECT f.org_id::text AS "organizationId", o.name AS "organizationName", f.patient_id::text AS "patientId",
            NULLIF(concat_ws(', ', p.family_name, p.given_name), '') AS "patientName",
            f.ed_visits AS "edVisits", f.facilities, f.last_at AS "lastEdVisitAt",
            f.last_facility AS "lastFacility", f.last_zone AS "lastFacilityTimeZone",
            f.flagged AS "flaggedByMatcher", en.program, en.risk_tier AS tier
       FROM frequent f
       JOIN orgs o ON o.id = f.org_id
       JOIN patients p ON p.id = f.patient_id
       LEFT JOIN LATERAL (
         SELECT e.program, e.risk_tier FROM care_management_enrollments e
          WHERE e.patient_id = f.patient_id AND e.status IN ('active', 'monitor')
            AND (e.listed_by_org_id = f.org_id OR e.practice_org_id = f.org_id)
            AND ($5::text IS NULL OR e.program = $5)
            AND e.effective_from <= $3::date AND (e.effective_to IS NULL OR e.effective_to > $3::date)
          ORDER BY (e.listed_by_org_id = f.org_id) DESC, e.risk_tier NULLS LAST, e.id
          LIMIT 1) en ON true
      WHERE $5::text IS NULL OR EXISTS (
              SELECT 1 FROM care_management_enrollments e
               WHERE e.patient_id = f.patient_id AND e.status IN ('active', 'monitor') AND e.program = $5
                 AND (e.listed_by_org_id = f.org_id OR e.practice_org_id = f.org_id)
                 AND e.effective_from <= $3::date AND (e.effective_to IS NULL OR e.effective_to > $2::date))
      ORDER BY f.ed_visits DESC, f.last_at DESC, o.name, f.patient_id`,
    [
      filter.scope === undefined ? null : [...filter.scope],
      windowFromOf(filter.windowTo),
      filter.windowTo,
      filter.minEdVisits,
      filter.program ?? null,
    ],
  );
  return rows.map((r) => ({ ...r, lastEdVisitAt: r.lastEdVisitAt.toISOString() }));
}
