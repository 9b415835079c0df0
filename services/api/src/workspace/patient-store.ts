import type { AdtFacility, AdtPatient } from "@homeward/contracts";
import type { Pool } from "@homeward/db";
import type { AlertRow } from "./event-store.ts";

/**
 * The patient page's reads. Every query takes the organizations the viewer may see the patient for
 * (`orgIds`, from `entitledOrganizations`) and returns only what those organizations supplied, were
 * told or own: the SQL here is where "another organization's data never appears" is kept.
 */

export interface OrganizationRow {
  id: string;
  code: string;
  name: string;
  kind: string;
  time_zone: string;
}

/**
 * The organizations (among `scope`; all for a system admin) entitled to this patient: it is attributed
 * to them, on one of their lists (or a list naming them as its practice), or they were routed an event
 * or given a task for the patient. None: the viewer may not see the patient at all.
 */
export async function entitledOrganizations(
  pool: Pool,
  patientId: string,
  scope: readonly string[] | undefined,
): Promise<OrganizationRow[]> {
  const { rows } = await pool.query<OrganizationRow>(
    `SELECT o.id::text, o.code, o.name, o.kind, o.time_zone FROM organizations o
      WHERE ($2::bigint[] IS NULL OR o.id = ANY($2::bigint[]))
        AND (EXISTS (SELECT 1 FROM attributions a WHERE a.patient_id = $1 AND a.practice_org_id = o.id)
          OR EXISTS (SELECT 1 FROM care_management_enrollments e
                      WHERE e.patient_id = $1 AND (e.listed_by_org_id = o.id OR e.practice_org_id = o.id))
          OR EXISTS (SELECT 1 FROM matched_events m WHERE m.patient_id = $1 AND m.organization_id = o.id)
          OR EXISTS (SELECT 1 FROM tasks t WHERE t.patient_id = $1 AND t.organization_id = o.id))
      ORDER BY o.name, o.id`,
    [patientId, scope === undefined ? null : [...scope]],
  );
  return rows;
}

export interface PatientRow {
  given_name: string | null;
  family_name: string | null;
  middle_name: string | null;
  birth_date: string | null;
  sex: string | null;
  postal_code: string | null;
  phone: string | null;
  source_org_id: string | null;
  updated_at: Date;
}

export async function loadPatientRow(pool: Pool, patientId: string): Promise<PatientRow | undefined> {
  const { rows } = await pool.query<PatientRow>(
    `SELECT given_name, family_name, middle_name, to_char(birth_date, 'YYYY-MM-DD') AS birth_date, sex,
            postal_code, phone, source_org_id::text, updated_at
       FROM patients WHERE id = $1`,
    [patientId],
  );
  return rows[0];
}

export interface IdentifierRow {
  value: string;
  type_code: string | null;
  assigning_authority: string;
  source: string | null;
  source_org_id: string | null;
}

/** Identifiers the organizations supplied (their imports) or issued (their code as assigning authority). */
export async function organizationIdentifiers(
  pool: Pool,
  patientId: string,
  orgIds: readonly string[],
): Promise<IdentifierRow[]> {
  const { rows } = await pool.query<IdentifierRow>(
    `SELECT pi.value, pi.type_code, pi.assigning_authority, pi.source, pi.source_org_id::text
       FROM patient_identifiers pi
      WHERE pi.patient_id = $1
        AND (pi.source_org_id = ANY($2::bigint[])
          OR pi.assigning_authority IN (SELECT code FROM organizations WHERE id = ANY($2::bigint[])))
      ORDER BY pi.assigning_authority, (pi.type_code = 'MR') DESC, pi.id`,
    [patientId, [...orgIds]],
  );
  return rows;
}

export interface DemographicsRow {
  source: string;
  source_org_id: string;
  family_name: string | null;
  given_name: string | null;
  middle_name: string | null;
  birth_date: string | null;
  sex: string | null;
  postal_code: string | null;
  phone: string | null;
  updated_at: Date;
}

/** What the organizations' own files said about the patient, one row per file (source). */
export async function organizationDemographics(
  pool: Pool,
  patientId: string,
  orgIds: readonly string[],
): Promise<DemographicsRow[]> {
  const { rows } = await pool.query<DemographicsRow>(
    `SELECT source, source_org_id::text, family_name, given_name, middle_name,
            to_char(birth_date, 'YYYY-MM-DD') AS birth_date, sex, postal_code, phone, updated_at
       FROM patient_demographics
      WHERE patient_id = $1 AND source_org_id = ANY($2::bigint[])
      ORDER BY source_org_id, source`,
    [patientId, [...orgIds]],
  );
  return rows;
}

export interface PatientEventRow {
  match_id: string;
  organization_id: string;
  event_kind: string;
  facility: string;
  visit_number: string;
  occurred_at: Date;
  copy: "lead" | "monitor";
  no_task_reason: string | null;
  retracted_at: Date | null;
  /** The message's MSH facility block and PID as routed to the organization. */
  event_facility: AdtFacility;
  event_patient: AdtPatient;
}

/** The events routed to the organizations for this patient, oldest first. */
export async function patientEvents(
  pool: Pool,
  patientId: string,
  orgIds: readonly string[],
): Promise<PatientEventRow[]> {
  const { rows } = await pool.query<PatientEventRow>(
    `SELECT match_id, organization_id::text, event_kind, facility, visit_number, occurred_at, copy,
            no_task_reason, retracted_at, record #> '{event,facility}' AS event_facility,
            record #> '{event,patient}' AS event_patient
       FROM matched_events
      WHERE patient_id = $1 AND organization_id = ANY($2::bigint[])
      ORDER BY occurred_at, match_id`,
    [patientId, [...orgIds]],
  );
  return rows;
}

export interface EncounterRow {
  facility: string;
  visit_number: string;
  setting: string;
  status: string;
  started_at: Date;
  discharged_at: Date | null;
}

/** The encounters of these (facility, visit number) keys: only ones an organization was routed an event of. */
export async function encountersOf(
  pool: Pool,
  keys: readonly { facility: string; visitNumber: string }[],
): Promise<EncounterRow[]> {
  if (keys.length === 0) return [];
  const { rows } = await pool.query<EncounterRow>(
    `SELECT e.facility, e.visit_number, e.setting, e.status, e.started_at, e.discharged_at
       FROM encounters e
       JOIN unnest($1::text[], $2::text[]) AS k(facility, visit_number)
         ON k.facility = e.facility AND k.visit_number = e.visit_number`,
    [keys.map((k) => k.facility), keys.map((k) => k.visitNumber)],
  );
  return rows;
}

export interface AttributionRow {
  id: string;
  organization_id: string;
  kind: "attribution" | "panel";
  source: string;
  pcp_npi: string | null;
  pcp_given: string | null;
  pcp_family: string | null;
  effective_from: string;
  effective_to: string | null;
}

/** The patient's attributions to these organizations, every period, newest first. */
export async function patientAttributions(
  pool: Pool,
  patientId: string,
  orgIds: readonly string[],
): Promise<AttributionRow[]> {
  const { rows } = await pool.query<AttributionRow>(
    `SELECT a.id::text, a.practice_org_id::text AS organization_id, a.kind, a.source, c.npi AS pcp_npi,
            c.given_name AS pcp_given, c.family_name AS pcp_family,
            to_char(a.effective_from, 'YYYY-MM-DD') AS effective_from,
            to_char(a.effective_to, 'YYYY-MM-DD') AS effective_to
       FROM attributions a LEFT JOIN clinicians c ON c.id = a.pcp_clinician_id
      WHERE a.patient_id = $1 AND a.practice_org_id = ANY($2::bigint[])
      ORDER BY (a.effective_to IS NULL) DESC, a.effective_from DESC, a.id DESC`,
    [patientId, [...orgIds]],
  );
  return rows;
}

export interface EnrollmentRow {
  id: string;
  program: string;
  listed_by_org_id: string;
  listed_by_kind: string;
  source: string;
  risk_tier: "I" | "II" | "III" | null;
  status: "active" | "monitor" | "tracking_list" | "ended";
  lead_organization: "practice" | "plan" | "joint" | null;
  cm_id: string | null;
  cm_name: string | null;
  goal: string | null;
  goal_met: boolean | null;
  effective_from: string;
  effective_to: string | null;
}

/**
 * Every enrollment row (history included) on a list of these organizations or naming one of them as
 * the patient's practice: the two sides of a combined high-risk list. Newest first per list.
 */
export async function patientEnrollments(
  pool: Pool,
  patientId: string,
  orgIds: readonly string[],
): Promise<EnrollmentRow[]> {
  const { rows } = await pool.query<EnrollmentRow>(
    `SELECT e.id::text, e.program, e.listed_by_org_id::text, o.kind AS listed_by_kind, e.source, e.risk_tier,
            e.status, e.lead_organization, e.care_manager_recipient_id::text AS cm_id, r.display_name AS cm_name,
            e.goal, e.goal_met, to_char(e.effective_from, 'YYYY-MM-DD') AS effective_from,
            to_char(e.effective_to, 'YYYY-MM-DD') AS effective_to
       FROM care_management_enrollments e
       JOIN organizations o ON o.id = e.listed_by_org_id
       LEFT JOIN recipients r ON r.id = e.care_manager_recipient_id
      WHERE e.patient_id = $1
        AND (e.listed_by_org_id = ANY($2::bigint[]) OR e.practice_org_id = ANY($2::bigint[]))
      ORDER BY e.listed_by_org_id, e.program, e.source, (e.effective_to IS NULL) DESC, e.effective_from DESC, e.id DESC`,
    [patientId, [...orgIds]],
  );
  return rows;
}

/** Organizations by id (an enrollment's listing plan, an attribution's practice), for naming them. */
export async function organizationsById(pool: Pool, ids: readonly string[]): Promise<OrganizationRow[]> {
  if (ids.length === 0) return [];
  const { rows } = await pool.query<OrganizationRow>(
    "SELECT id::text, code, name, kind, time_zone FROM organizations WHERE id = ANY($1::bigint[])",
    [[...ids]],
  );
  return rows;
}

/** The patient's tasks in these organizations, soonest due first. */
export async function patientTaskIds(
  pool: Pool,
  patientId: string,
  orgIds: readonly string[],
): Promise<string[]> {
  const { rows } = await pool.query<{ id: string }>(
    `SELECT id FROM tasks WHERE patient_id = $1 AND organization_id = ANY($2::bigint[])
      ORDER BY (status IN ('open', 'in_progress')) DESC, due_at DESC, id`,
    [patientId, [...orgIds]],
  );
  return rows.map((r) => r.id);
}

export interface HistoryRow {
  id: string;
  task_id: string;
  at: Date;
  actor: string;
  email: string | null;
  action: string;
  from_status: string | null;
  to_status: string | null;
  detail: unknown;
}

/** The history of these tasks, oldest first, with the e-mail of each user who acted. */
export async function taskHistories(pool: Pool, taskIds: readonly string[]): Promise<HistoryRow[]> {
  if (taskIds.length === 0) return [];
  const { rows } = await pool.query<HistoryRow>(
    `SELECT h.id::text, h.task_id, h.at, h.actor, u.email, h.action, h.from_status, h.to_status, h.detail
       FROM task_history h LEFT JOIN users u ON h.actor = 'user:' || u.id::text
      WHERE h.task_id = ANY($1::text[]) ORDER BY h.at, h.id`,
    [[...taskIds]],
  );
  return rows;
}

/**
 * Every delivery to these organizations about the patient: those for an event routed to them (by
 * match id) and those about one of their tasks (reminders, escalations), newest first.
 */
export async function patientAlerts(
  pool: Pool,
  patientId: string,
  orgIds: readonly string[],
): Promise<(AlertRow & { organization_id: string; match_id: string | null; task_id: string | null })[]> {
  const { rows } = await pool.query<
    AlertRow & { organization_id: string; match_id: string | null; task_id: string | null }
  >(
    `SELECT d.id, d.purpose, d.channel, d.status, d.recipient_id::text, r.display_name, d.attempts,
            d.created_at, d.send_after, d.sent_at, d.organization_id::text, d.match_id, d.task_id
       FROM deliveries d JOIN recipients r ON r.id = d.recipient_id
      WHERE d.organization_id = ANY($2::bigint[])
        AND (d.match_id IN (SELECT m.match_id FROM matched_events m
                             WHERE m.patient_id = $1 AND m.organization_id = d.organization_id)
          OR d.task_id IN (SELECT t.id FROM tasks t
                            WHERE t.patient_id = $1 AND t.organization_id = d.organization_id))
      ORDER BY coalesce(d.sent_at, d.send_after, d.created_at) DESC, d.id`,
    [patientId, [...orgIds]],
  );
  return rows;
}
