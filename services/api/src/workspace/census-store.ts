import type { Pool } from "@homeward/db";

/** One encounter as one organization was told of it, with what the census shows beside it. */
export interface CensusRow {
  organization_id: string;
  org_code: string;
  org_name: string;
  org_time_zone: string;
  patient_id: string;
  given_name: string | null;
  family_name: string | null;
  birth_date: string | null;
  practice_identifier: string | null;
  facility: string;
  facility_name: string | null;
  facility_time_zone: string | null;
  visit_number: string;
  setting: "ed" | "inpatient" | "observation";
  status: "active" | "on-leave" | "discharged";
  started_at: Date;
  discharged_at: Date | null;
  /** Calendar days since discharge in the practice's zone; null while in the hospital. */
  days_since_discharge: number | null;
  unit: string | null;
  room: string | null;
  bed: string | null;
  match_id: string;
  event_kind: string;
  occurred_at: Date;
  copy: "lead" | "monitor";
  risk_tier: "I" | "II" | "III" | null;
  program: string | null;
  enrollment_status: "active" | "monitor" | "tracking_list" | null;
  care_manager_id: string | null;
  care_manager_name: string | null;
  mine: boolean;
  open_tasks: number;
  overdue_tasks: number;
  next_due_at: Date | null;
  /** The patient was reached on a task of this encounter: an attempt that reached them, or a completion. */
  reached: boolean;
  attempts: number;
  last_attempt_at: Date | null;
}

/**
 * The encounters of the census: open now (active or on leave) or discharged since `dischargedSince`,
 * in the ED, an inpatient bed or observation, that were announced (not retracted) to one of
 * `organizationIds` (undefined: every organization). One row per (encounter, organization), from the
 * latest announcement. Tier, programme and care manager come from the enrollment in force now (the
 * organization's own list first), else from the announcement. `me` (a recipient id) decides `mine`.
 */
export async function loadCensusRows(
  pool: Pool,
  input: {
    organizationIds: readonly string[] | undefined;
    me: string | undefined;
    now: Date;
    dischargedSince: Date;
  },
): Promise<CensusRow[]> {
  const { rows } = await pool.query<CensusRow>(
    `WITH enc AS (
       SELECT e.facility, e.visit_number, e.setting, e.status, e.started_at, e.discharged_at
         FROM encounters e
        WHERE e.status IN ('active', 'on-leave') AND e.setting IN ('ed', 'inpatient', 'observation')
       UNION ALL
       SELECT e.facility, e.visit_number, e.setting, e.status, e.started_at, e.discharged_at
         FROM encounters e
        WHERE e.status = 'discharged' AND e.setting IN ('ed', 'inpatient', 'observation')
          AND e.discharged_at >= $3::timestamptz AND e.discharged_at <= $1::timestamptz
     ), ev AS (
       SELECT DISTINCT ON (me.organization_id, me.facility, me.visit_number)
              me.organization_id, me.patient_id, me.facility, me.visit_number, me.match_id, me.event_kind,
              me.occurred_at, me.copy, me.record, enc.setting, enc.status, enc.started_at, enc.discharged_at
         FROM enc
         JOIN matched_events me ON me.facility = enc.facility AND me.visit_number = enc.visit_number
        WHERE me.retracted_at IS NULL
          AND ($2::bigint[] IS NULL OR me.organization_id = ANY($2::bigint[]))
        ORDER BY me.organization_id, me.facility, me.visit_number, me.occurred_at DESC, me.received_at DESC
     )
     SELECT ev.organization_id::text, o.code AS org_code, o.name AS org_name, o.time_zone AS org_time_zone,
            ev.patient_id::text, p.given_name, p.family_name, to_char(p.birth_date, 'YYYY-MM-DD') AS birth_date,
            (SELECT pi.value FROM patient_identifiers pi
              WHERE pi.patient_id = ev.patient_id AND pi.assigning_authority = o.code
              ORDER BY (pi.type_code = 'MR') DESC, pi.id LIMIT 1) AS practice_identifier,
            ev.facility, ev.record #>> '{event,facility,displayName}' AS facility_name,
            ev.record #>> '{event,facility,timeZone}' AS facility_time_zone,
            ev.visit_number, ev.setting, ev.status, ev.started_at, ev.discharged_at,
            CASE WHEN ev.discharged_at IS NULL THEN NULL
                 ELSE (($1::timestamptz AT TIME ZONE o.time_zone)::date - (ev.discharged_at AT TIME ZONE o.time_zone)::date)
            END AS days_since_discharge,
            ev.record #>> '{event,visit,location,pointOfCare}' AS unit,
            ev.record #>> '{event,visit,location,room}' AS room,
            ev.record #>> '{event,visit,location,bed}' AS bed,
            ev.match_id, ev.event_kind, ev.occurred_at, ev.copy,
            coalesce(en.risk_tier, ev.record #>> '{enrollment,riskTier}') AS risk_tier,
            coalesce(en.program, ev.record #>> '{enrollment,program}') AS program,
            coalesce(en.status, ev.record #>> '{enrollment,status}') AS enrollment_status,
            en.care_manager_recipient_id::text AS care_manager_id, en.care_manager_name,
            ($4::bigint IS NOT NULL AND (
               EXISTS (SELECT 1 FROM care_management_enrollments c
                        WHERE c.patient_id = ev.patient_id AND c.care_manager_recipient_id = $4::bigint
                          AND c.status <> 'ended' AND c.effective_from <= ($1::timestamptz AT TIME ZONE o.time_zone)::date
                          AND (c.effective_to IS NULL OR c.effective_to > ($1::timestamptz AT TIME ZONE o.time_zone)::date)
                          AND (c.listed_by_org_id = ev.organization_id OR c.practice_org_id = ev.organization_id))
               OR EXISTS (SELECT 1 FROM tasks t
                           WHERE t.organization_id = ev.organization_id AND t.patient_id = ev.patient_id
                             AND t.assignee_recipient_id = $4::bigint
                             AND (t.status IN ('open', 'in_progress')
                                  OR (t.facility = ev.facility AND t.visit_number = ev.visit_number)))
               OR EXISTS (SELECT 1 FROM matched_events m
                           WHERE m.organization_id = ev.organization_id AND m.facility = ev.facility
                             AND m.visit_number = ev.visit_number AND m.retracted_at IS NULL
                             AND m.record -> 'recipients' @> jsonb_build_array(jsonb_build_object('recipientId', $4::text)))
            )) AS mine,
            pt.open_tasks, pt.overdue_tasks, pt.next_due_at,
            et.reached, et.attempts + et.closed_unreached AS attempts,
            greatest(et.last_attempt_at, et.last_closed_at) AS last_attempt_at
       FROM ev
       JOIN organizations o ON o.id = ev.organization_id
       JOIN patients p ON p.id = ev.patient_id
       LEFT JOIN LATERAL (
         SELECT c.risk_tier, c.program, c.status, c.care_manager_recipient_id, r.display_name AS care_manager_name
           FROM care_management_enrollments c
           LEFT JOIN recipients r ON r.id = c.care_manager_recipient_id
          WHERE c.patient_id = ev.patient_id AND c.status <> 'ended'
            AND c.effective_from <= ($1::timestamptz AT TIME ZONE o.time_zone)::date
            AND (c.effective_to IS NULL OR c.effective_to > ($1::timestamptz AT TIME ZONE o.time_zone)::date)
            AND (c.listed_by_org_id = ev.organization_id OR c.practice_org_id = ev.organization_id)
          ORDER BY (c.listed_by_org_id = ev.organization_id) DESC, c.risk_tier NULLS LAST, c.id
          LIMIT 1
       ) en ON true
       CROSS JOIN LATERAL (
         SELECT count(*)::int AS open_tasks,
                count(*) FILTER (WHERE t.due_at < $1::timestamptz)::int AS overdue_tasks,
                min(t.due_at) AS next_due_at
           FROM tasks t
          WHERE t.organization_id = ev.organization_id AND t.patient_id = ev.patient_id
            AND t.status IN ('open', 'in_progress')
       ) pt
       CROSS JOIN LATERAL (
         SELECT coalesce(bool_or(t.contacted_at IS NOT NULL OR (t.status = 'completed' AND t.outcome = 'reached_patient')), false) AS reached,
                count(*) FILTER (WHERE t.status = 'completed' AND t.outcome <> 'reached_patient')::int AS closed_unreached,
                max(t.completed_at) FILTER (WHERE t.status = 'completed' AND t.outcome <> 'reached_patient') AS last_closed_at,
                coalesce(sum(h.attempts), 0)::int AS attempts,
                max(h.last_at) AS last_attempt_at
           FROM tasks t
           LEFT JOIN LATERAL (
             SELECT count(*) AS attempts, max(th.at) AS last_at
               FROM task_history th WHERE th.task_id = t.id AND th.action = 'attempt'
           ) h ON true
          WHERE t.facility = ev.facility AND t.visit_number = ev.visit_number
            AND t.organization_id = ev.organization_id
       ) et`,
    [
      input.now.toISOString(),
      input.organizationIds ?? null,
      input.dischargedSince.toISOString(),
      input.me ?? null,
    ],
  );
  return rows;
}
