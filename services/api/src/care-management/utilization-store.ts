import type { Pool } from "@homeward/db";
import type { AgendaEvent, AgendaTask, Utilization } from "./enrollment-schemas.ts";

/**
 * What the high-risk list and the call agenda show of each patient's hospital use, read only through
 * announcements routed to the caller's organizations (matched_events.organization_id): an encounter
 * or event that Homeward announced only to another organization is not counted and not shown.
 * Retracted announcements (A11, A13...) and cancelled encounters are left out.
 */

export const NO_UTILIZATION: Utilization = {
  lastEdVisitAt: null,
  lastEdVisitTimeZone: null,
  edVisits6mo: 0,
  lastAdmissionAt: null,
  lastAdmissionTimeZone: null,
  admissions6mo: 0,
};

/**
 * Per patient: the last ED visit and the last admission (encounter start) the organizations saw,
 * and how many of each began in the six months up to `now`. An ED visit that became an admission is
 * an admission (its encounter's setting is inpatient).
 */
export async function utilizationOf(
  pool: Pool,
  patientIds: readonly string[],
  organizationIds: readonly string[],
  now: Date,
): Promise<Map<string, Utilization>> {
  const result = new Map<string, Utilization>();
  if (patientIds.length === 0 || organizationIds.length === 0) return result;
  const { rows } = await pool.query<{
    patient_id: string;
    setting: "ed" | "inpatient";
    last_at: Date;
    time_zone: string | null;
    in_six_months: number;
  }>(
    `SELECT e.patient_id::text, e.setting, max(e.started_at) AS last_at,
            (array_agg(v.time_zone ORDER BY e.started_at DESC))[1] AS time_zone,
            (count(*) FILTER (WHERE e.started_at > $3::timestamptz - interval '6 months'
                                AND e.started_at <= $3::timestamptz))::int AS in_six_months
       FROM encounters e
       CROSS JOIN LATERAL (
         SELECT m.record->'event'->'facility'->>'timeZone' AS time_zone
           FROM matched_events m
          WHERE m.facility = e.facility AND m.visit_number = e.visit_number AND m.patient_id = e.patient_id
            AND m.organization_id = ANY($2::bigint[]) AND m.retracted_at IS NULL
          ORDER BY m.occurred_at DESC LIMIT 1) v
      WHERE e.patient_id = ANY($1::bigint[]) AND e.setting IN ('ed', 'inpatient') AND e.status <> 'cancelled'
        AND e.started_at <= $3::timestamptz
      GROUP BY e.patient_id, e.setting`,
    [patientIds, organizationIds, now.toISOString()],
  );
  for (const r of rows) {
    const u = result.get(r.patient_id) ?? { ...NO_UTILIZATION };
    if (r.setting === "ed") {
      u.lastEdVisitAt = r.last_at.toISOString();
      u.lastEdVisitTimeZone = r.time_zone;
      u.edVisits6mo = r.in_six_months;
    } else {
      u.lastAdmissionAt = r.last_at.toISOString();
      u.lastAdmissionTimeZone = r.time_zone;
      u.admissions6mo = r.in_six_months;
    }
    result.set(r.patient_id, u);
  }
  return result;
}

/**
 * Per patient, newest first: the events since `since` announced to the organizations, once per
 * event (an event routed to both the practice and the plan is one event).
 */
export async function recentEvents(
  pool: Pool,
  patientIds: readonly string[],
  organizationIds: readonly string[],
  since: Date,
): Promise<Map<string, AgendaEvent[]>> {
  const result = new Map<string, AgendaEvent[]>();
  if (patientIds.length === 0 || organizationIds.length === 0) return result;
  const { rows } = await pool.query<{
    patient_id: string;
    match_id: string;
    event_kind: string;
    occurred_at: Date;
    facility: string;
    facility_name: string | null;
    time_zone: string | null;
  }>(
    `SELECT * FROM (
       SELECT DISTINCT ON (m.event_id) m.patient_id::text, m.match_id, m.event_kind, m.occurred_at, m.facility,
              m.record->'event'->'facility'->>'displayName' AS facility_name,
              m.record->'event'->'facility'->>'timeZone' AS time_zone
         FROM matched_events m
        WHERE m.patient_id = ANY($1::bigint[]) AND m.organization_id = ANY($2::bigint[])
          AND m.retracted_at IS NULL AND m.occurred_at >= $3::timestamptz
        ORDER BY m.event_id, m.organization_id, m.match_id) x
      ORDER BY x.occurred_at DESC, x.match_id`,
    [patientIds, organizationIds, since.toISOString()],
  );
  for (const r of rows) {
    const list = result.get(r.patient_id) ?? [];
    list.push({
      matchId: r.match_id,
      kind: r.event_kind,
      occurredAt: r.occurred_at.toISOString(),
      facility: { code: r.facility, name: r.facility_name ?? r.facility, timeZone: r.time_zone ?? "UTC" },
    });
    result.set(r.patient_id, list);
  }
  return result;
}

/** Per patient, soonest due first: the open and in-progress tasks of the organizations. */
export async function openTasksOf(
  pool: Pool,
  patientIds: readonly string[],
  organizationIds: readonly string[],
): Promise<Map<string, AgendaTask[]>> {
  const result = new Map<string, AgendaTask[]>();
  if (patientIds.length === 0 || organizationIds.length === 0) return result;
  const { rows } = await pool.query<{
    patient_id: string;
    id: string;
    title: string;
    status: string;
    due_at: Date;
    time_zone: string;
    assignee: string | null;
  }>(
    `SELECT t.patient_id::text, t.id, t.title, t.status, t.due_at, o.time_zone, r.display_name AS assignee
       FROM tasks t
       JOIN organizations o ON o.id = t.organization_id
       LEFT JOIN recipients r ON r.id = t.assignee_recipient_id
      WHERE t.patient_id = ANY($1::bigint[]) AND t.organization_id = ANY($2::bigint[])
        AND t.status IN ('open', 'in_progress')
      ORDER BY t.due_at, t.id`,
    [patientIds, organizationIds],
  );
  for (const r of rows) {
    const list = result.get(r.patient_id) ?? [];
    list.push({
      id: r.id,
      title: r.title,
      status: r.status,
      dueAt: r.due_at.toISOString(),
      timeZone: r.time_zone,
      assignee: r.assignee,
    });
    result.set(r.patient_id, list);
  }
  return result;
}
