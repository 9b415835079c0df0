/**
 * The demo's organizations and people: Springvale Family Medicine (SFM) and its health plan
 * (HPLAN), their care managers (three at the practice, each with a caseload), PCP and supervisor,
 * how each wants to be alerted, and who is told about which events, written through
 * @homeward/directory. Upserts only: running it again changes nothing.
 */
import type { Pool } from "@homeward/db";
import {
  type ChannelRuleFields,
  DEFAULT_PREFERENCES,
  ensureOrganization,
  ensureOrganizationSettings,
  ensurePreferences,
  ensureRecipient,
  ensureRule,
} from "@homeward/directory";
import { addIdentifierAgreement, isValidNpi } from "@homeward/rosters";
import type { DemoPcp } from "./demo-rosters.ts";
import { upsertClinician } from "./seed-store.ts";

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
  channelRules: ChannelRuleFields[];
}

/** A valid NPI from a 9-digit stem (the check digit computed). */
export function npiFrom(stem: string): string {
  for (let d = 0; d <= 9; d++) if (isValidNpi(`${stem}${d}`)) return `${stem}${d}`;
  throw new Error(`no NPI check digit for ${stem}`);
}

export const DEMO_PCP: DemoPcp = { npi: npiFrom("999000001"), family: "Demoson", given: "Rowan" };

const PAGE_PRIORITY_ONE: ChannelRuleFields[] = [{ riskTiers: ["I"], channels: ["email", "pager"] }];
const EMAIL: ChannelRuleFields[] = [{ channels: ["email"] }];

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

const organization = (kind: "practice" | "health_plan", org: typeof PRACTICE, npi: string | null) => ({
  kind,
  code: org.code,
  name: org.name,
  npi,
  tin: null,
  timeZone: org.timeZone,
  parentId: null,
});

/**
 * The recipient's id, creating it (with its preferences) the first time. Later runs leave both as
 * they are, so changes made through the admin API survive a restart of the demo.
 */
async function ensureDemoRecipient(pool: Pool, orgId: string, r: DemoRecipient) {
  const id = await ensureRecipient(pool, orgId, {
    role: r.role,
    displayName: r.displayName,
    email: r.email,
    pagerId: r.pagerId ?? null,
    timeZone: "America/New_York",
    active: true,
    npi: r.role === "pcp" ? DEMO_PCP.npi : null,
  });
  // Real-time email; Priority I also paged (through quiet hours, the notifier's default for tier I).
  await ensurePreferences(pool, id, {
    ...DEFAULT_PREFERENCES,
    channelRules: r.channelRules,
    quietHours: { start: "21:00", end: "07:00" },
  });
  return id;
}

/** A notification rule for the patient's care-team member with `role` (care manager or PCP of record), added once. */
async function ensureRoleRule(pool: Pool, orgId: string, role: Role, kinds: readonly string[]) {
  // In force for the past year, like the demo's rosters, so the feed's replay of the last weeks
  // (the simulator's scenario) routes to the care team as it would have then.
  const now = new Date();
  const yearAgo = new Date(Date.UTC(now.getUTCFullYear() - 1, now.getUTCMonth(), 1));
  await ensureRule(
    pool,
    orgId,
    {
      recipientId: null,
      recipientRole: role,
      audience: "care_team",
      eventKinds: [...kinds],
      programs: null,
      riskTiers: null,
      facilities: null,
      channel: "email",
    },
    yearAgo,
  );
}

/** Creates (once) the demo's organizations, settings, PCP, recipients, preferences and rules. */
export async function upsertDirectory(pool: Pool): Promise<DemoDirectory> {
  const sfm = await ensureOrganization(pool, organization("practice", PRACTICE, npiFrom("999000100")));
  const hplan = await ensureOrganization(pool, organization("health_plan", PLAN, null));
  // Care managers see initials in alerts; the plan only the minimum.
  await ensureOrganizationSettings(pool, sfm, {
    alertDetailLevel: "limited",
    holidayCountry: "US",
    holidayState: "NY",
  });
  await ensureOrganizationSettings(pool, hplan, {
    alertDetailLevel: "minimal",
    holidayCountry: "US",
    holidayState: null,
  });
  const pcpClinicianId = await upsertClinician(pool, {
    npi: DEMO_PCP.npi,
    family: DEMO_PCP.family,
    given: DEMO_PCP.given,
    organizationId: sfm,
  });
  const orgs = { SFM: sfm, HPLAN: hplan };
  const recipients = {} as Record<DemoRecipient["key"], string>;
  for (const r of DEMO_RECIPIENTS) {
    recipients[r.key] = await ensureDemoRecipient(pool, orgs[r.organization], r);
  }
  await ensureRoleRule(pool, sfm, "pcp", ALERT_KINDS);
  await ensureRoleRule(pool, sfm, "care_manager", ALERT_KINDS);
  await ensureRoleRule(pool, hplan, "care_manager", ALERT_KINDS);
  // The plan's roster carries the hospitals' MRNs it knows from claims: an agreement lets it name
  // patients by them (without one, its import may only use its own member ids).
  for (const assigningAuthority of ["MERCYGEN", "STLUKES"]) {
    await addIdentifierAgreement(pool, {
      organizationCode: PLAN.code,
      assigningAuthority,
      typeCode: "MR",
      note: "demo: hospital MRNs from claims",
    });
  }
  return { organizations: orgs, recipients, pcpClinicianId };
}
