import type { Pool } from "@homeward/db";
import { listActiveRecipients, listOrganizationSummaries, listRulesInForceSince } from "@homeward/directory";
import type {
  Attribution,
  Directory,
  DirectoryPerson,
  EffectivePeriod,
  Enrollment,
  NotificationRule,
  OptOut,
  PatientContext,
} from "./routing.ts";

/**
 * Loads what `routeEvent` consults: the patients' contexts (attributions, enrollments, opt-outs) and
 * the directory (organizations, active recipients, notification rules, read through
 * @homeward/directory, their owner), every row in force at some time since `since` (ended ones
 * included, so an event routes by what was in force on its own day). The matcher loads it for every
 * patient, in memory; the api's "who would be alerted" preview for one patient (`patientIds`). One
 * database round trip per table.
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
    listOrganizationSummaries(pool),
    listActiveRecipients(pool),
    listRulesInForceSince(pool, since),
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

  const organizations = orgs.map(
    (o): RoutingOrganization => ({
      id: o.id,
      kind: o.kind,
      code: o.code,
      name: o.name,
      timeZone: o.timeZone,
    }),
  );
  const people = new Map<string, DirectoryPerson[]>();
  for (const r of recipients) {
    const list = people.get(r.organizationId) ?? [];
    list.push({ id: r.id, role: r.role, ...(r.npi === null ? {} : { npi: r.npi }) });
    people.set(r.organizationId, list);
  }
  const rulesByOrg = new Map<string, NotificationRule[]>();
  for (const r of rules) {
    const rule: NotificationRule = {};
    if (r.recipientId !== null) rule.recipientId = r.recipientId;
    if (r.recipientRole !== null) rule.recipientRole = r.recipientRole;
    rule.audience = r.audience === "everyone_in_role" ? "everyone_in_role" : "care_team";
    rule.activeFrom = r.activeFrom.getTime();
    if (r.activeTo !== null) rule.activeTo = r.activeTo.getTime();
    if (r.eventKinds !== null) rule.eventKinds = r.eventKinds;
    if (r.programs !== null) rule.programs = r.programs;
    if (r.riskTiers !== null) rule.riskTiers = r.riskTiers;
    if (r.facilities !== null) rule.facilities = r.facilities;
    const list = rulesByOrg.get(r.organizationId) ?? [];
    list.push(rule);
    rulesByOrg.set(r.organizationId, list);
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
