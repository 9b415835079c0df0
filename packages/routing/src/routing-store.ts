import type { Pool } from "@homeward/db";
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

/**
 * Loads what `routeEvent` consults: the patients' contexts (attributions, enrollments, opt-outs) and
 * the directory (organizations, active recipients, notification rules), every row in force at some
 * time since `since` (ended ones included, so an event routes by what was in force on its own day).
 * The matcher loads it for every patient, in memory; the api's "who would be alerted" preview for
 * one patient (`patientIds`). One database round trip per table.
 */

type Row = Record<string, unknown>;

interface MutableContext {
  patientId: string;
  attributions: Attribution[];
  enrollments: Enrollment[];
  optOuts: OptOut[];
}

/** An organization as routing and the matcher's announcements name it. */
export interface RoutingOrganization {
  id: string;
  kind: "practice" | "health_plan" | "aco";
  code: string;
  name: string;
  timeZone: string;
}

export interface RoutingData {
  contexts: ReadonlyMap<string, PatientContext>;
  directory: Directory;
  organizations: readonly RoutingOrganization[];
}

const str = (v: unknown): string | undefined => (v === null || v === undefined ? undefined : String(v));
const iso = (v: unknown): string => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v));
/** A row's period, dates as `YYYY-MM-DD` (the queries cast them to text). */
const period = (r: Row): EffectivePeriod => {
  const to = str(r.effective_to);
  return { effectiveFrom: iso(r.effective_from), ...(to === undefined ? {} : { effectiveTo: to }) };
};

/**
 * The routing data in force since `since` (`YYYY-MM-DD`); the patients' part only for `patientIds`
 * when given (null: every patient).
 */
export async function loadRoutingData(
  pool: Pool,
  since: string,
  patientIds: readonly string[] | null = null,
): Promise<RoutingData> {
  const recent = "(effective_to IS NULL OR effective_to > $1)";
  const dates = "effective_from::text AS effective_from, effective_to::text AS effective_to";
  const forPatients = "($2::bigint[] IS NULL OR patient_id = ANY($2::bigint[]))";
  const [attributions, enrollments, optOuts, orgs, recipients, rules] = await Promise.all([
    pool.query<Row>(
      `SELECT a.patient_id, a.practice_org_id, a.source, a.effective_from::text AS effective_from,
                a.effective_to::text AS effective_to, c.npi
           FROM attributions a LEFT JOIN clinicians c ON c.id = a.pcp_clinician_id
          WHERE (a.effective_to IS NULL OR a.effective_to > $1)
            AND ($2::bigint[] IS NULL OR a.patient_id = ANY($2::bigint[]))`,
      [since, patientIds],
    ),
    pool.query<Row>(
      `SELECT patient_id, program, listed_by_org_id, practice_org_id, risk_tier, care_manager_recipient_id,
                lead_organization, status, ${dates}
           FROM care_management_enrollments WHERE status <> 'ended' AND ${recent} AND ${forPatients}`,
      [since, patientIds],
    ),
    pool.query<Row>(
      `SELECT patient_id, organization_id, program, ${dates}
           FROM consents WHERE decision = 'opt_out' AND ${recent} AND ${forPatients}`,
      [since, patientIds],
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

  const organizations = orgs.rows.map(
    (r): RoutingOrganization => ({
      id: String(r.id),
      kind: r.kind as RoutingOrganization["kind"],
      code: String(r.code),
      name: String(r.name),
      timeZone: String(r.time_zone),
    }),
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
    contexts,
    directory: {
      organizations: new Map(organizations.map((o) => [o.id, { id: o.id, kind: o.kind }])),
      recipients: people,
      rules: rulesByOrg,
    },
    organizations,
  };
}
