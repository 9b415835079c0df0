/**
 * The demo's organizations and people: Springvale Family Medicine (SFM) and its health plan
 * (HPLAN), their care managers (three at the practice, each with a caseload), PCP and supervisor,
 * how each wants to be alerted, and who is told about which events. Upserts only: running it again
 * changes nothing.
 */
import type { Pool } from "@homeward/db";
import { isValidNpi } from "@homeward/rosters";
import type { DemoPcp } from "./demo-rosters.ts";

export const PRACTICE = { code: "SFM", name: "Springvale Family Medicine", timeZone: "America/New_York" };
export const PLAN = {
  code: "HPLAN",
  name: "Harborview Health Plan (synthetic)",
  timeZone: "America/New_York",
};

/** The kinds that alert the PCP and the care manager: ED visits, admissions, discharges. */
export const ALERT_KINDS = [
  "ed-arrival",
  "ed-discharge",
  "inpatient-admit",
  "ed-to-inpatient",
  "outpatient-to-inpatient",
  "discharge",
] as const;

type Role = "care_manager" | "pcp" | "supervisor";

/** A recipient of the demo. Pager ids reach MailDev through the email-to-pager gateway `npm start` configures. */
export interface DemoRecipient {
  key:
    | "practiceCareManager"
    | "practiceCareManager2"
    | "practiceCareManager3"
    | "pcp"
    | "supervisor"
    | "planCareManager";
  organization: "SFM" | "HPLAN";
  role: Role;
  displayName: string;
  email: string;
  pagerId?: string;
  /** First matching rule picks the channels (notifier ChannelRule). */
  channelRules: { riskTiers?: string[]; channels: ("email" | "pager")[] }[];
}

/** A valid NPI from a 9-digit stem (the check digit computed). */
export function npiFrom(stem: string): string {
  for (let d = 0; d <= 9; d++) if (isValidNpi(`${stem}${d}`)) return `${stem}${d}`;
  throw new Error(`no NPI check digit for ${stem}`);
}

export const DEMO_PCP: DemoPcp = { npi: npiFrom("999000001"), family: "Demoson", given: "Rowan" };

const PAGE_PRIORITY_ONE = [{ riskTiers: ["I"], channels: ["email", "pager"] as ("email" | "pager")[] }];
const EMAIL = [{ channels: ["email"] as ("email" | "pager")[] }];

export const DEMO_RECIPIENTS: readonly DemoRecipient[] = [
  {
    key: "practiceCareManager",
    organization: "SFM",
    role: "care_manager",
    displayName: "Casey Careway (demo care manager)",
    email: "cm@springvale.example",
    pagerId: "7001",
    channelRules: [...PAGE_PRIORITY_ONE, ...EMAIL],
  },
  {
    key: "practiceCareManager2",
    organization: "SFM",
    role: "care_manager",
    displayName: "Riley Rounds (demo care manager)",
    email: "cm2@springvale.example",
    pagerId: "7003",
    channelRules: [...PAGE_PRIORITY_ONE, ...EMAIL],
  },
  {
    key: "practiceCareManager3",
    organization: "SFM",
    role: "care_manager",
    displayName: "Avery Bedside (demo care manager)",
    email: "cm3@springvale.example",
    pagerId: "7004",
    channelRules: [...PAGE_PRIORITY_ONE, ...EMAIL],
  },
  {
    key: "pcp",
    organization: "SFM",
    role: "pcp",
    displayName: `Dr. ${DEMO_PCP.given} ${DEMO_PCP.family} (demo PCP)`,
    email: "pcp@springvale.example",
    channelRules: EMAIL,
  },
  {
    key: "supervisor",
    organization: "SFM",
    role: "supervisor",
    displayName: "Morgan Overseer (demo supervisor)",
    email: "supervisor@springvale.example",
    pagerId: "7009",
    channelRules: EMAIL,
  },
  {
    key: "planCareManager",
    organization: "HPLAN",
    role: "care_manager",
    displayName: "Jordan Planwell (demo plan care manager)",
    email: "cm@harborview.example",
    pagerId: "7002",
    channelRules: [...PAGE_PRIORITY_ONE, ...EMAIL],
  },
];

export interface DemoDirectory {
  organizations: { SFM: string; HPLAN: string };
  recipients: Record<DemoRecipient["key"], string>;
  pcpClinicianId: string;
}

async function ensureOrganization(pool: Pool, kind: string, org: typeof PRACTICE, npi: string | null) {
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO organizations (kind, code, name, npi, time_zone) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (code) DO UPDATE SET code = organizations.code RETURNING id::text`,
    [kind, org.code, org.name, npi, org.timeZone],
  );
  return rows[0]?.id ?? "";
}

/**
 * The recipient's id, creating it (with its preferences) the first time. Later runs leave both as
 * they are, so changes made through the admin API survive a restart of the demo.
 */
async function ensureRecipient(pool: Pool, orgId: string, r: DemoRecipient, clinicianId: string | null) {
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO recipients (organization_id, clinician_id, role, display_name, email, pager_id, time_zone)
     VALUES ($1, $2, $3, $4, $5, $6, 'America/New_York')
     ON CONFLICT (organization_id, lower(email)) WHERE email IS NOT NULL
     DO UPDATE SET clinician_id = recipients.clinician_id
     RETURNING id::text`,
    [orgId, clinicianId, r.role, r.displayName, r.email, r.pagerId ?? null],
  );
  const id = rows[0]?.id ?? "";
  // Real-time email; Priority I also paged (through quiet hours, the notifier's default for tier I).
  await pool.query(
    `INSERT INTO recipient_preferences (recipient_id, channel_rules, email_mode, quiet_start, quiet_end)
     VALUES ($1, $2::jsonb, 'realtime', '21:00', '07:00') ON CONFLICT (recipient_id) DO NOTHING`,
    [id, JSON.stringify(r.channelRules)],
  );
  return id;
}

/** A notification rule for the patient's care-team member with `role` (care manager or PCP of record), added once. */
async function ensureRoleRule(pool: Pool, orgId: string, role: Role, kinds: readonly string[]) {
  await pool.query(
    // In force for the past year, like the demo's rosters, so the feed's replay of the last weeks
    // (the simulator's scenario) routes to the care team as it would have then.
    `INSERT INTO notification_rules (organization_id, recipient_role, event_kinds, channel, active_from)
     SELECT $1, $2, $3::text[], 'email', date_trunc('month', now()) - interval '1 year'
      WHERE NOT EXISTS (SELECT 1 FROM notification_rules
                         WHERE organization_id = $1 AND recipient_role = $2 AND event_kinds = $3::text[]
                           AND programs IS NULL AND risk_tiers IS NULL AND facilities IS NULL AND active)`,
    [orgId, role, kinds],
  );
}

/** Creates (once) the demo's organizations, settings, PCP, recipients, preferences and rules. */
export async function upsertDirectory(pool: Pool): Promise<DemoDirectory> {
  const sfm = await ensureOrganization(pool, "practice", PRACTICE, npiFrom("999000100"));
  const hplan = await ensureOrganization(pool, "health_plan", PLAN, null);
  // Care managers see initials in alerts; the plan only the minimum.
  await pool.query(
    `INSERT INTO organization_settings (organization_id, alert_detail_level, holiday_country, holiday_state)
     VALUES ($1, 'limited', 'US', 'NY'), ($2, 'minimal', 'US', NULL)
     ON CONFLICT (organization_id) DO NOTHING`,
    [sfm, hplan],
  );
  const clinician = await pool.query<{ id: string }>(
    `INSERT INTO clinicians (npi, family_name, given_name, organization_id) VALUES ($1, $2, $3, $4)
     ON CONFLICT (npi) DO UPDATE SET organization_id = EXCLUDED.organization_id RETURNING id::text`,
    [DEMO_PCP.npi, DEMO_PCP.family, DEMO_PCP.given, sfm],
  );
  const pcpClinicianId = clinician.rows[0]?.id ?? "";
  const orgs = { SFM: sfm, HPLAN: hplan };
  const recipients = {} as Record<DemoRecipient["key"], string>;
  for (const r of DEMO_RECIPIENTS) {
    recipients[r.key] = await ensureRecipient(
      pool,
      orgs[r.organization],
      r,
      r.role === "pcp" ? pcpClinicianId : null,
    );
  }
  await ensureRoleRule(pool, sfm, "pcp", ALERT_KINDS);
  await ensureRoleRule(pool, sfm, "care_manager", ALERT_KINDS);
  await ensureRoleRule(pool, hplan, "care_manager", ALERT_KINDS);
  // The plan's roster carries the hospitals' MRNs it knows from claims: an agreement lets it name
  // patients by them (without one, its import may only use its own member ids).
  await pool.query(
    `INSERT INTO organization_identifier_authorities (organization_id, assigning_authority, type_code, note)
     SELECT $1, authority, 'MR', 'demo: hospital MRNs from claims' FROM unnest($2::text[]) AS authority
     ON CONFLICT DO NOTHING`,
    [hplan, ["MERCYGEN", "STLUKES"]],
  );
  return { organizations: orgs, recipients, pcpClinicianId };
}
