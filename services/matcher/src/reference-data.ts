import type { Pool } from "@homeward/db";
import type { Candidate } from "@homeward/identity";
import type {
  Attribution,
  Directory,
  DirectoryPerson,
  EffectivePeriod,
  Enrollment,
  NotificationRule,
  OptOut,
  PatientContext,
  RecipientRole,
} from "./routing.ts";

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
  attributions: Attribution[];
  enrollments: Enrollment[];
  optOuts: OptOut[];
}
const str = (v: unknown): string | undefined => (v === null || v === undefined ? undefined : String(v));
const iso = (v: unknown): string => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v));
/** A row's period, dates as `YYYY-MM-DD` (the queries cast them to text). */
const period = (r: Row): EffectivePeriod => {
  const to = str(r.effective_to);
  return { effectiveFrom: iso(r.effective_from), ...(to === undefined ? {} : { effectiveTo: to }) };
};

/** How far back the matcher keeps ended reference rows, so late events and replays route as then. */
export const DEFAULT_HISTORY_DAYS = 400;

/**
 * Loads the reference data in a handful of set-based queries (one database round trip per table,
 * never one per event or field), ready for the in-process identity index: every attribution,
 * enrollment, consent and rule in force at some time in the `historyDays` before `asOf` (or after
 * it), so routing can take the ones in force on each event's own day. Candidates carry every
 * source's demographics for a patient, one record each.
 */
export async function loadReferenceData(
  pool: Pool,
  asOf: Date,
  historyDays: number = DEFAULT_HISTORY_DAYS,
): Promise<ReferenceData> {
  const since = new Date(asOf.getTime() - historyDays * 86_400_000).toISOString().slice(0, 10);
  const recent = "(effective_to IS NULL OR effective_to > $1)";
  const dates = "effective_from::text AS effective_from, effective_to::text AS effective_to";
  const [
    patients,
    demographics,
    identifiers,
    attributions,
    enrollments,
    optOuts,
    orgs,
    recipients,
    rules,
    sensitive,
  ] = await Promise.all([
    pool.query<Row>(
      `SELECT id, family_name, given_name, middle_name, birth_date::text AS birth_date, sex, postal_code, phone
           FROM patients WHERE id IN (SELECT patient_id FROM attributions WHERE ${recent}
                                      UNION SELECT patient_id FROM care_management_enrollments WHERE ${recent})`,
      [since],
    ),
    pool.query<Row>(
      `SELECT patient_id, family_name, given_name, middle_name, birth_date::text AS birth_date, sex, postal_code, phone
           FROM patient_demographics
          WHERE patient_id IN (SELECT patient_id FROM attributions WHERE ${recent}
                               UNION SELECT patient_id FROM care_management_enrollments WHERE ${recent})`,
      [since],
    ),
    pool.query<Row>("SELECT patient_id, assigning_authority, type_code, value FROM patient_identifiers"),
    pool.query<Row>(
      `SELECT a.patient_id, a.practice_org_id, a.source, a.effective_from::text AS effective_from,
                a.effective_to::text AS effective_to, c.npi
           FROM attributions a LEFT JOIN clinicians c ON c.id = a.pcp_clinician_id
          WHERE a.effective_to IS NULL OR a.effective_to > $1`,
      [since],
    ),
    pool.query<Row>(
      `SELECT patient_id, program, listed_by_org_id, practice_org_id, risk_tier, care_manager_recipient_id,
                lead_organization, status, ${dates}
           FROM care_management_enrollments WHERE status <> 'ended' AND ${recent}`,
      [since],
    ),
    pool.query<Row>(
      `SELECT patient_id, organization_id, program, ${dates}
           FROM consents WHERE decision = 'opt_out' AND ${recent}`,
      [since],
    ),
    pool.query<Row>("SELECT id, kind, code, name, time_zone FROM organizations"),
    pool.query<Row>(
      `SELECT r.id, r.organization_id, r.role, c.npi
           FROM recipients r LEFT JOIN clinicians c ON c.id = r.clinician_id WHERE r.active`,
    ),
    pool.query<Row>(
      `SELECT organization_id, recipient_id, recipient_role, audience, event_kinds, programs, risk_tiers,
                facilities, active_from, active_to
           FROM notification_rules WHERE active_to IS NULL OR active_to > $1::date`,
      [since],
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
      ...period(r),
      ...(pcpNpi === undefined ? {} : { pcpNpi }),
    });
  }
  for (const r of enrollments.rows) {
    const e: Enrollment = {
      program: String(r.program),
      listedByOrgId: String(r.listed_by_org_id),
      status: r.status as Enrollment["status"],
      ...period(r),
    };
    if (r.practice_org_id !== null) e.practiceOrgId = String(r.practice_org_id);
    if (r.risk_tier !== null) e.riskTier = r.risk_tier as Enrollment["riskTier"] & string;
    if (r.care_manager_recipient_id !== null) e.careManagerRecipientId = String(r.care_manager_recipient_id);
    if (r.lead_organization !== null)
      e.leadOrganization = r.lead_organization as Enrollment["leadOrganization"] & string;
    contextOf(String(r.patient_id)).enrollments.push(e);
  }
  for (const r of optOuts.rows) {
    const o: OptOut = period(r);
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
  // One candidate per record: the patient row and each source's own demographics. The identity
  // resolution compares the event with every one (a source that disagrees sends it to review).
  const candidateOf = (r: Row): Candidate => {
    const ids = idsByPatient.get(String(r.patient_id)) ?? [];
    return {
      patientId: String(r.patient_id),
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
  };
  const candidates: Candidate[] = [];
  const seen = new Set<string>();
  for (const r of [...patients.rows.map((p) => ({ ...p, patient_id: p.id })), ...demographics.rows]) {
    const candidate = candidateOf(r);
    const key = JSON.stringify([
      candidate.patientId,
      candidate.family,
      candidate.given,
      candidate.middle,
      candidate.birthDate,
      candidate.sex,
      candidate.postalCode,
      candidate.phone,
    ]);
    if (seen.has(key)) continue;
    seen.add(key);
    candidates.push(candidate);
  }

  const organizations = new Map(
    orgs.rows.map((r) => [String(r.id), { id: String(r.id), kind: r.kind as "practice" }]),
  );
  const people = new Map<string, DirectoryPerson[]>();
  for (const r of recipients.rows) {
    const list = people.get(String(r.organization_id)) ?? [];
    const npi = str(r.npi);
    list.push({ id: String(r.id), role: r.role as RecipientRole, ...(npi === undefined ? {} : { npi }) });
    people.set(String(r.organization_id), list);
  }
  const rulesByOrg = new Map<string, NotificationRule[]>();
  for (const r of rules.rows) {
    const rule: NotificationRule = {};
    if (r.recipient_id !== null) rule.recipientId = String(r.recipient_id);
    if (r.recipient_role !== null) rule.recipientRole = r.recipient_role as RecipientRole;
    rule.audience = r.audience === "everyone_in_role" ? "everyone_in_role" : "care_team";
    rule.activeFrom = new Date(r.active_from as Date | string).getTime();
    if (r.active_to !== null) rule.activeTo = new Date(r.active_to as Date | string).getTime();
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
