import type { Pool } from "@homeward/db";

/** Whose months the utilization report counts. */
export interface ProgramFilter {
  /** Organization ids the caller may read; undefined = all (system admin only). */
  scope: readonly string[] | undefined;
  /** First and last day (`YYYY-MM-DD`, inclusive), in each organization's zone. */
  from: string;
  to: string;
  program?: string | undefined;
  /** Days after today (in the organization's zone) are not counted: nobody was enrolled in them yet. */
  now: Date;
}

/** One organization's month, as counted: the rates are made from these in program-rates.ts. */
export interface MonthCounts {
  organizationId: string;
  organizationName: string;
  month: string;
  firstDay: string;
  lastDay: string;
  daysCovered: number;
  daysInMonth: number;
  patientDays: number;
  enrolledAtEnd: number;
  edVisits: number;
  admissions: number;
  indexDischarges: number;
  readmissions: number;
  pendingDischarges: number;
}

/**
 * UB-04 discharge dispositions (PV1-36, table 0112) that end an index stay's chance of a readmission
 * or make it part of a longer one: expired (20, 40, 41, 42) and a transfer to another acute hospital
 * (02 short-term hospital, 66 critical access hospital, 82 and 94 the same with a planned readmission).
 */
export const NOT_INDEX_DISPOSITIONS = ["20", "40", "41", "42", "02", "66", "82", "94"] as const;

/** Event kinds that put the encounter in the ED, and kinds that admit it as inpatient. */
const ED_KINDS = ["ed-arrival", "ed-discharge", "ed-to-inpatient"];
const ADMIT_KINDS = ["inpatient-admit", "ed-to-inpatient", "outpatient-to-inpatient"];

/**
 * Per organization and month of the period: enrolled patient-days, ED visits, admissions, index
 * discharges and their 30-day readmissions, all from what was routed to the organization
 * (matched_events, not taken back) and its care-management enrollments (active or monitor rows that
 * are its own list's or name it as the practice). Encounters are (facility, visit number) per
 * organization; an ED visit is dated by its first ED event, an admission by its first admit event
 * (else PV1-44 of its discharge, else the discharge), an index discharge by its last inpatient
 * discharge event. ED visits, admissions and index discharges count only while the patient is
 * enrolled that day; readmissions are any admission the organization was told of. See
 * docs/program-reports.md for each rule.
 */
export async function loadMonthCounts(pool: Pool, filter: ProgramFilter): Promise<MonthCounts[]> {
  const { rows } = await pool.query<MonthCounts>(
    `WITH orgs AS (
       SELECT o.id, o.name, o.time_zone,
              least($3::date, ($5::timestamptz AT TIME ZONE o.time_zone)::date) AS end_day,
              ($5::timestamptz AT TIME ZONE o.time_zone)::date AS today
         FROM organizations o
        WHERE ($1::bigint[] IS NULL OR o.id = ANY($1::bigint[]))
     ), months AS (
       SELECT orgs.id AS org_id, m::date AS month, greatest(m::date, $2::date) AS first_day,
              least((m + interval '1 month')::date - 1, orgs.end_day) AS last_day,
              (m + interval '1 month')::date - m::date AS days_in_month
         FROM orgs
         CROSS JOIN generate_series(date_trunc('month', $2::date::timestamp), orgs.end_day::timestamp,
                                    interval '1 month') m
     ), spans AS (
       SELECT x.org_id, e.patient_id, range_agg(daterange(e.effective_from, e.effective_to)) AS days
         FROM care_management_enrollments e
         CROSS JOIN LATERAL (SELECT DISTINCT v.org_id
                               FROM unnest(ARRAY[e.listed_by_org_id, e.practice_org_id]) AS v(org_id)
                              WHERE v.org_id IS NOT NULL) x
        WHERE x.org_id IN (SELECT id FROM orgs)
          AND e.status IN ('active', 'monitor')
          AND ($4::text IS NULL OR e.program = $4)
          AND e.effective_from <= $3::date AND (e.effective_to IS NULL OR e.effective_to > $2::date)
        GROUP BY x.org_id, e.patient_id
     ), enrolled AS (
       SELECT mo.org_id, mo.month,
              coalesce(sum(upper(r.span) - lower(r.span)), 0)::int AS patient_days,
              count(DISTINCT s.patient_id) FILTER (WHERE s.days @> mo.last_day)::int AS at_end
         FROM months mo
         LEFT JOIN spans s ON s.org_id = mo.org_id
         LEFT JOIN LATERAL unnest(s.days * datemultirange(daterange(mo.first_day, mo.last_day + 1))) AS r(span)
           ON true
        GROUP BY mo.org_id, mo.month
     ), stays AS (
       SELECT m.organization_id AS org_id, m.facility, m.visit_number, min(m.patient_id) AS patient_id,
              min(m.occurred_at) FILTER (WHERE m.event_kind = ANY($6::text[])) AS ed_at,
              coalesce(
                min(m.occurred_at) FILTER (WHERE m.event_kind = ANY($7::text[])),
                min((m.record #>> '{event,visit,admittedAt}')::timestamptz) FILTER (WHERE d.inpatient_discharge),
                min(m.occurred_at) FILTER (WHERE d.inpatient_discharge)) AS admitted_at,
              max(m.occurred_at) FILTER (WHERE d.inpatient_discharge) AS discharged_at,
              (array_agg(m.record #>> '{event,visit,dischargeDisposition}' ORDER BY m.occurred_at DESC)
                 FILTER (WHERE d.inpatient_discharge))[1] AS disposition
         FROM matched_events m
         CROSS JOIN LATERAL (SELECT m.event_kind = 'discharge'
                                    AND m.record #>> '{encounter,setting}' = 'inpatient' AS inpatient_discharge) d
        WHERE m.retracted_at IS NULL AND m.organization_id IN (SELECT id FROM orgs)
          AND m.occurred_at >= $2::date - interval '400 days' AND m.occurred_at < $3::date + interval '33 days'
        GROUP BY m.organization_id, m.facility, m.visit_number
     ), dated AS (
       SELECT s.*, (s.ed_at AT TIME ZONE o.time_zone)::date AS ed_day,
              (s.admitted_at AT TIME ZONE o.time_zone)::date AS admit_day,
              (s.discharged_at AT TIME ZONE o.time_zone)::date AS discharge_day,
              o.end_day, o.today
         FROM stays s JOIN orgs o ON o.id = s.org_id
     ), enrolled_on AS (
       SELECT d.*,
              sp.days @> d.ed_day AS enrolled_at_ed,
              sp.days @> d.admit_day AS enrolled_at_admit,
              sp.days @> d.discharge_day AS enrolled_at_discharge
         FROM dated d JOIN spans sp ON sp.org_id = d.org_id AND sp.patient_id = d.patient_id
     ), counted AS (
       SELECT e.org_id, 'ed' AS what, date_trunc('month', e.ed_day)::date AS month, false AS pending,
              false AS readmitted
         FROM enrolled_on e
        WHERE e.enrolled_at_ed AND e.ed_day BETWEEN $2::date AND e.end_day
       UNION ALL
       SELECT e.org_id, 'admission', date_trunc('month', e.admit_day)::date, false, false
         FROM enrolled_on e
        WHERE e.enrolled_at_admit AND e.admit_day BETWEEN $2::date AND e.end_day
       UNION ALL
       SELECT e.org_id, 'discharge', date_trunc('month', e.discharge_day)::date,
              e.discharge_day + 30 >= e.today,
              EXISTS (SELECT 1 FROM dated r
                       WHERE r.org_id = e.org_id AND r.patient_id = e.patient_id
                         AND (r.facility, r.visit_number) <> (e.facility, e.visit_number)
                         AND r.admitted_at > e.discharged_at AND r.admit_day <= e.discharge_day + 30)
         FROM enrolled_on e
        WHERE e.enrolled_at_discharge AND e.discharge_day BETWEEN $2::date AND e.end_day
          AND coalesce(e.disposition, '') <> ALL($8::text[])
     ), tallies AS (
       SELECT org_id, month,
              count(*) FILTER (WHERE what = 'ed')::int AS ed_visits,
              count(*) FILTER (WHERE what = 'admission')::int AS admissions,
              count(*) FILTER (WHERE what = 'discharge' AND NOT pending)::int AS index_discharges,
              count(*) FILTER (WHERE what = 'discharge' AND NOT pending AND readmitted)::int AS readmissions,
              count(*) FILTER (WHERE what = 'discharge' AND pending)::int AS pending_discharges
         FROM counted GROUP BY org_id, month
     )
     SELECT mo.org_id::text AS "organizationId", o.name AS "organizationName",
            to_char(mo.month, 'YYYY-MM') AS month, to_char(mo.first_day, 'YYYY-MM-DD') AS "firstDay",
            to_char(mo.last_day, 'YYYY-MM-DD') AS "lastDay", (mo.last_day - mo.first_day + 1) AS "daysCovered",
            mo.days_in_month AS "daysInMonth", en.patient_days AS "patientDays", en.at_end AS "enrolledAtEnd",
            coalesce(t.ed_visits, 0) AS "edVisits", coalesce(t.admissions, 0) AS admissions,
            coalesce(t.index_discharges, 0) AS "indexDischarges", coalesce(t.readmissions, 0) AS readmissions,
            coalesce(t.pending_discharges, 0) AS "pendingDischarges"
       FROM months mo
       JOIN orgs o ON o.id = mo.org_id
       JOIN enrolled en ON en.org_id = mo.org_id AND en.month = mo.month
       LEFT JOIN tallies t ON t.org_id = mo.org_id AND t.month = mo.month
      WHERE mo.last_day >= mo.first_day
        AND (en.patient_days > 0 OR t.org_id IS NOT NULL OR $1::bigint[] IS NOT NULL)
      ORDER BY o.name, mo.org_id, mo.month`,
    [
      filter.scope === undefined ? null : [...filter.scope],
      filter.from,
      filter.to,
      filter.program ?? null,
      filter.now.toISOString(),
      ED_KINDS,
      ADMIT_KINDS,
      [...NOT_INDEX_DISPOSITIONS],
    ],
  );
  return rows;
}

/** The programs of the enrollments that name the organizations in scope, for the page's picker. */
export async function loadPrograms(pool: Pool, scope: readonly string[] | undefined): Promise<string[]> {
  const { rows } = await pool.query<{ program: string }>(
    `SELECT DISTINCT e.program FROM care_management_enrollments e
      WHERE $1::bigint[] IS NULL OR e.listed_by_org_id = ANY($1::bigint[]) OR e.practice_org_id = ANY($1::bigint[])
      ORDER BY 1`,
    [scope === undefined ? null : [...scope]],
  );
  return rows.map((r) => r.program);
}
