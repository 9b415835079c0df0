import type { Pool } from "@homeward/db";
import type { Candidate } from "@homeward/identity";
import type { Directory, Enrollment, NotificationRule, PatientContext, RecipientRole } from "./routing.ts";

/** Everything the matcher consults per event, held in memory and reloaded after roster imports. */
export interface ReferenceData {
  candidates: Candidate[];
  contexts: ReadonlyMap<string, PatientContext>;
  directory: Directory;
  practices: ReadonlyMap<string, { code: string; name: string; timeZone: string }>;
  /** Sensitive (42 CFR Part 2) places, as `sensitivePlaceKey`s: test them with `isSensitivePlace`. */
  sensitive: ReadonlySet<string>;
  loadedAt: Date;
}

type Row = Record<string, unknown>;

interface MutableContext {
  patientId: string;
  attributions: PatientContext["attributions"][number][];
  enrollments: Enrollment[];
  optOuts: { organizationId?: string; program?: string }[];
}
const str = (v: unknown): string | undefined => (v === null || v === undefined ? undefined : String(v));
const iso = (v: unknown): string => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v));

/**
 * Loads the open reference data as of `asOf` in a handful of set-based queries (one database round
 * trip per table, never one per event or field), ready for the in-process identity index.
 */
export async function loadReferenceData(pool: Pool, asOf: Date): Promise<ReferenceData> {
  const day = asOf.toISOString().slice(0, 10);
  const open = "effective_from <= $1 AND (effective_to IS NULL OR effective_to > $1)";
  const [patients, identifiers, attributions, enrollments, optOuts, orgs, recipients, rules, sensitive] =
    await Promise.all([
      pool.query<Row>(
        `SELECT id, family_name, given_name, middle_name, birth_date::text AS birth_date, sex, postal_code, phone
           FROM patients WHERE id IN (SELECT patient_id FROM attributions WHERE ${open}
                                      UNION SELECT patient_id FROM care_management_enrollments WHERE ${open})`,
        [day],
      ),
      pool.query<Row>("SELECT patient_id, assigning_authority, type_code, value FROM patient_identifiers"),
      pool.query<Row>(
        `SELECT a.patient_id, a.practice_org_id, a.source, a.effective_from, c.npi
           FROM attributions a LEFT JOIN clinicians c ON c.id = a.pcp_clinician_id WHERE ${open.replaceAll("effective", "a.effective")}`,
        [day],
      ),
      pool.query<Row>(
        `SELECT patient_id, program, listed_by_org_id, practice_org_id, risk_tier, care_manager_recipient_id,
                lead_organization, status
           FROM care_management_enrollments WHERE status <> 'ended' AND ${open}`,
        [day],
      ),
      pool.query<Row>(
        `SELECT patient_id, organization_id, program FROM consents WHERE decision = 'opt_out' AND ${open}`,
        [day],
      ),
      pool.query<Row>("SELECT id, kind, code, name, time_zone FROM organizations"),
      pool.query<Row>("SELECT id, organization_id, role FROM recipients WHERE active"),
      pool.query<Row>(
        `SELECT organization_id, recipient_id, recipient_role, event_kinds, programs, risk_tiers, facilities
           FROM notification_rules WHERE active`,
      ),
      pool.query<Row>(
        "SELECT sending_facility, sending_application, location FROM sensitive_facilities WHERE active",
      ),
    ]);

  const contexts = new Map<string, MutableContext>();
  const contextOf = (patientId: string): MutableContext => {
    let c = contexts.get(patientId);
    if (c === undefined) {
      c = { patientId, attributions: [], enrollments: [], optOuts: [] };
      contexts.set(patientId, c);
    }
    return c;
  };
  for (const r of attributions.rows) {
    const pcpNpi = str(r.npi);
    contextOf(String(r.patient_id)).attributions.push({
      practiceOrgId: String(r.practice_org_id),
      source: String(r.source),
      effectiveFrom: iso(r.effective_from),
      ...(pcpNpi === undefined ? {} : { pcpNpi }),
    });
  }
  for (const r of enrollments.rows) {
    const e: Enrollment = {
      program: String(r.program),
      listedByOrgId: String(r.listed_by_org_id),
      status: r.status as Enrollment["status"],
    };
    if (r.practice_org_id !== null) e.practiceOrgId = String(r.practice_org_id);
    if (r.risk_tier !== null) e.riskTier = r.risk_tier as Enrollment["riskTier"] & string;
    if (r.care_manager_recipient_id !== null) e.careManagerRecipientId = String(r.care_manager_recipient_id);
    if (r.lead_organization !== null)
      e.leadOrganization = r.lead_organization as Enrollment["leadOrganization"] & string;
    contextOf(String(r.patient_id)).enrollments.push(e);
  }
  for (const r of optOuts.rows) {
    const o: { organizationId?: string; program?: string } = {};
    if (r.organization_id !== null) o.organizationId = String(r.organization_id);
    if (r.program !== null) o.program = String(r.program);
    contextOf(String(r.patient_id)).optOuts.push(o);
  }

  const idsByPatient = new Map<string, Candidate["identifiers"][number][]>();
  for (const r of identifiers.rows) {
    const list = idsByPatient.get(String(r.patient_id)) ?? [];
    list.push({
      value: String(r.value),
      typeCode: String(r.type_code),
      assigningAuthority: String(r.assigning_authority),
    });
    idsByPatient.set(String(r.patient_id), list);
  }
  const candidates: Candidate[] = patients.rows.map((r) => {
    const ids = idsByPatient.get(String(r.id)) ?? [];
    return {
      patientId: String(r.id),
      identifiers: ids,
      family: str(r.family_name) ?? "",
      given: str(r.given_name) ?? "",
      middle: str(r.middle_name),
      birthDate: str(r.birth_date) ?? "",
      sex: str(r.sex) ?? "",
      postalCode: str(r.postal_code),
      phone: str(r.phone),
      memberIds: ids.filter((i) => i.typeCode === "MB").map((i) => i.value),
    };
  });

  const organizations = new Map(
    orgs.rows.map((r) => [String(r.id), { id: String(r.id), kind: r.kind as "practice" }]),
  );
  const people = new Map<string, { id: string; role: RecipientRole }[]>();
  for (const r of recipients.rows) {
    const list = people.get(String(r.organization_id)) ?? [];
    list.push({ id: String(r.id), role: r.role as RecipientRole });
    people.set(String(r.organization_id), list);
  }
  const rulesByOrg = new Map<string, NotificationRule[]>();
  for (const r of rules.rows) {
    const rule: NotificationRule = {};
    if (r.recipient_id !== null) rule.recipientId = String(r.recipient_id);
    if (r.recipient_role !== null) rule.recipientRole = r.recipient_role as RecipientRole;
    if (r.event_kinds !== null) rule.eventKinds = r.event_kinds as string[];
    if (r.programs !== null) rule.programs = r.programs as string[];
    if (r.risk_tiers !== null) rule.riskTiers = r.risk_tiers as string[];
    if (r.facilities !== null) rule.facilities = r.facilities as string[];
    const list = rulesByOrg.get(String(r.organization_id)) ?? [];
    list.push(rule);
    rulesByOrg.set(String(r.organization_id), list);
  }
  return {
    candidates,
    contexts,
    directory: { organizations, recipients: people, rules: rulesByOrg },
    practices: new Map(
      orgs.rows.map((r) => [
        String(r.id),
        { code: String(r.code), name: String(r.name), timeZone: String(r.time_zone) },
      ]),
    ),
    sensitive: new Set(
      sensitive.rows.map((r) =>
        sensitivePlaceKey(String(r.sending_facility), String(r.sending_application), String(r.location)),
      ),
    ),
    loadedAt: new Date(),
  };
}

/** A sensitive place: facility (MSH-4), application (MSH-3, "" for any) and location ("" for all of it). */
export function sensitivePlaceKey(facility: string, application: string, location: string): string {
  return JSON.stringify([facility, application, location]);
}

/**
 * Whether an event from this facility, application and location falls in a sensitive place: one
 * listed for the whole facility or for its location, for any application or for this one.
 */
export function isSensitivePlace(
  sensitive: ReadonlySet<string>,
  facility: string,
  application: string,
  location: string,
): boolean {
  for (const app of application === "" ? [""] : ["", application])
    for (const loc of location === "" ? [""] : ["", location])
      if (sensitive.has(sensitivePlaceKey(facility, app, loc))) return true;
  return false;
}
