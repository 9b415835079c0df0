import type { MatchedEvent } from "@homeward/contracts";
import type { Pool, PoolClient } from "@homeward/db";

type Db = Pool | PoolClient;

/** A matched_events row with its organization, as the event page reads it. */
export interface MatchedEventRow {
  match_id: string;
  organization_id: string;
  org_code: string;
  org_name: string;
  org_time_zone: string;
  patient_id: string;
  event_id: string;
  facility: string;
  visit_number: string;
  occurred_at: Date;
  copy: "lead" | "monitor";
  record: MatchedEvent;
  no_task_reason: string | null;
  retracted_at: Date | null;
  retraction_reason: string | null;
}

/** One announcement by match id (any organization: the caller checks the principal may read it). */
export async function loadMatchedEvent(db: Db, matchId: string): Promise<MatchedEventRow | undefined> {
  const { rows } = await db.query<MatchedEventRow>(
    `SELECT m.match_id, m.organization_id::text, o.code AS org_code, o.name AS org_name, o.time_zone AS org_time_zone,
            m.patient_id::text, m.event_id, m.facility, m.visit_number, m.occurred_at, m.copy, m.record,
            m.no_task_reason, m.retracted_at, m.retraction_reason
       FROM matched_events m JOIN organizations o ON o.id = m.organization_id
      WHERE m.match_id = $1`,
    [matchId],
  );
  return rows[0];
}

export interface EventPatientRow {
  given_name: string | null;
  family_name: string | null;
  birth_date: string | null;
  sex: string | null;
  identifiers: { value: string; typeCode: string | null; assigningAuthority: string | null }[];
}

/**
 * The patient as the organization knows them: Homeward's record (as the task list names them) and
 * only the identifiers the organization issued (its code as authority) or supplied (its imports):
 * never another organization's MRN or member id for the same person.
 */
export async function loadEventPatient(
  db: Db,
  patientId: string,
  organizationId: string,
): Promise<EventPatientRow | undefined> {
  const { rows } = await db.query<EventPatientRow>(
    `SELECT p.given_name, p.family_name, to_char(p.birth_date, 'YYYY-MM-DD') AS birth_date, p.sex,
            coalesce((SELECT json_agg(json_build_object('value', pi.value, 'typeCode', pi.type_code,
                                                        'assigningAuthority', pi.assigning_authority)
                                      ORDER BY (pi.type_code = 'MR') DESC, pi.id)
                        FROM patient_identifiers pi JOIN organizations o ON o.id = $2
                       WHERE pi.patient_id = p.id
                         AND (pi.assigning_authority = o.code OR pi.source_org_id = o.id)), '[]') AS identifiers
       FROM patients p WHERE p.id = $1`,
    [patientId, organizationId],
  );
  return rows[0];
}

export interface Person {
  id: string;
  display_name: string;
}

/**
 * The organization's care manager of record for the patient now: the named care manager of an open
 * enrollment, when that person is an active recipient of the organization (its own list first).
 */
export async function careManagerOfRecord(
  db: Db,
  patientId: string,
  organizationId: string,
): Promise<Person | undefined> {
  const { rows } = await db.query<Person>(
    `SELECT r.id::text, r.display_name
       FROM care_management_enrollments e JOIN recipients r ON r.id = e.care_manager_recipient_id
      WHERE e.patient_id = $1 AND e.effective_to IS NULL AND e.status <> 'ended'
        AND r.organization_id = $2 AND r.active
      ORDER BY (e.listed_by_org_id = $2) DESC, e.effective_from DESC, e.id DESC LIMIT 1`,
    [patientId, organizationId],
  );
  return rows[0];
}

/** Recipients by id within one organization, active or not (a name in the history stays readable). */
export async function recipientsOf(
  db: Db,
  ids: readonly string[],
  organizationId: string,
): Promise<Person[]> {
  const numeric = ids.filter((id) => /^\d{1,18}$/.test(id));
  if (numeric.length === 0) return [];
  const { rows } = await db.query<Person & { active: boolean }>(
    `SELECT id::text, display_name, active FROM recipients WHERE id = ANY($1::bigint[]) AND organization_id = $2`,
    [numeric, organizationId],
  );
  return rows;
}

/** Active recipients among `ids` of the organization (whom a new task may go to). */
export async function activeRecipientsOf(
  db: Db,
  ids: readonly string[],
  organizationId: string,
): Promise<Person[]> {
  const numeric = ids.filter((id) => /^\d{1,18}$/.test(id));
  if (numeric.length === 0) return [];
  const { rows } = await db.query<Person>(
    `SELECT id::text, display_name FROM recipients
      WHERE id = ANY($1::bigint[]) AND organization_id = $2 AND active ORDER BY array_position($1::bigint[], id)`,
    [numeric, organizationId],
  );
  return rows;
}

export interface PcpRow {
  npi: string | null;
  given_name: string | null;
  family_name: string | null;
  recipient_id: string | null;
  recipient_name: string | null;
}

/**
 * The PCP of record: the PCP of the organization's open attribution for the patient, else the NPI the
 * event was routed by; with the PCP's recipient in the organization when there is one.
 */
export async function pcpOfRecord(
  db: Db,
  patientId: string,
  organizationId: string,
  routedNpi: string | undefined,
): Promise<PcpRow | undefined> {
  const { rows } = await db.query<PcpRow>(
    `SELECT c.npi, c.given_name, c.family_name, r.id::text AS recipient_id, r.display_name AS recipient_name
       FROM clinicians c
       LEFT JOIN LATERAL (SELECT id, display_name FROM recipients
                           WHERE clinician_id = c.id AND organization_id = $2 AND active
                           ORDER BY (role = 'pcp') DESC, id LIMIT 1) r ON true
      WHERE c.id = coalesce(
              (SELECT a.pcp_clinician_id FROM attributions a
                WHERE a.patient_id = $1 AND a.practice_org_id = $2 AND a.effective_to IS NULL
                  AND a.pcp_clinician_id IS NOT NULL
                ORDER BY a.effective_from DESC, a.id DESC LIMIT 1),
              (SELECT id FROM clinicians WHERE npi = $3))`,
    [patientId, organizationId, routedNpi ?? null],
  );
  return rows[0];
}

/**
 * The tasks an event page lists: those the event opened, and the organization's other tasks on the
 * same encounter (an ED discharge after the arrival that opened the call), soonest due first.
 */
export async function eventTaskIds(db: Db, event: MatchedEventRow): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM tasks
      WHERE organization_id = $1 AND (trigger_match_id = $2 OR (facility = $3 AND visit_number = $4))
      ORDER BY due_at, id`,
    [event.organization_id, event.match_id, event.facility, event.visit_number],
  );
  return rows.map((r) => r.id);
}

export interface AlertRow {
  id: string;
  purpose: "alert" | "retraction" | "reminder" | "escalation" | "digest";
  channel: "email" | "pager";
  status: "held" | "scheduled" | "queued" | "sent" | "failed" | "dead" | "skipped";
  recipient_id: string;
  display_name: string;
  attempts: number;
  created_at: Date;
  send_after: Date | null;
  sent_at: Date | null;
}

/** The alerts sent to the event's organization for it (deliveries with its match id). */
export async function eventAlerts(db: Db, event: MatchedEventRow): Promise<AlertRow[]> {
  const { rows } = await db.query<AlertRow>(
    `SELECT d.id, d.purpose, d.channel, d.status, d.recipient_id::text, r.display_name, d.attempts,
            d.created_at, d.send_after, d.sent_at
       FROM deliveries d JOIN recipients r ON r.id = d.recipient_id
      WHERE d.match_id = $1 AND d.organization_id = $2
      ORDER BY d.created_at, d.id`,
    [event.match_id, event.organization_id],
  );
  return rows;
}
