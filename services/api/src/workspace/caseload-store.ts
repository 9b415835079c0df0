import type { Pool } from "@homeward/db";
import { type CaseloadTargets, DEFAULT_CASELOAD_TARGETS } from "./caseload-schemas.ts";

export interface CaseloadOrganizationRow {
  id: string;
  code: string;
  name: string;
  targets: CaseloadTargets;
}

export interface CaseloadPersonRow {
  organization_id: string;
  recipient_id: string;
  display_name: string;
  active: boolean;
}

/** Patients per (holder, tier): `holder` is a recipient id, or `org:<id>` for no care manager. */
export interface CaseloadTierRow {
  holder: string;
  tier: "I" | "II" | "III" | null;
  active: number;
  monitor: number;
  tracking_list: number;
}

export interface CaseloadTotalRow {
  holder: string;
  total: number;
  priority_one: number;
}

export interface CaseloadTaskRow {
  holder: string;
  open: number;
  overdue: number;
}

export interface CaseloadCounts {
  organizations: CaseloadOrganizationRow[];
  people: CaseloadPersonRow[];
  tiers: CaseloadTierRow[];
  totals: CaseloadTotalRow[];
  tasks: CaseloadTaskRow[];
}

/** An enrollment in force on the organization's calendar day `$1` (half-open [from, to)), not ended. */
const OPEN_ENROLLMENT = `c.status <> 'ended'
  AND c.effective_from <= ($1::timestamptz AT TIME ZONE o.time_zone)::date
  AND (c.effective_to IS NULL OR c.effective_to > ($1::timestamptz AT TIME ZONE o.time_zone)::date)`;

/**
 * Who carries what, counts only: per care manager of each organization (recipients with the care
 * manager role, and anyone an open enrollment or open task names, so a departed care manager's
 * patients still show), patients by tier and status, and open and overdue tasks; under
 * `org:<id>`, what no one holds. `onlyRecipient` narrows it to one person (a care manager's own row).
 */
export async function loadCaseloadCounts(
  pool: Pool,
  input: { organizationIds: readonly string[] | undefined; onlyRecipient: string | null; now: Date },
): Promise<CaseloadCounts> {
  const params = [input.now.toISOString(), input.organizationIds ?? null, input.onlyRecipient];
  const organizations = await pool.query<{
    id: string;
    code: string;
    name: string;
    priority_one: number | null;
    total_min: number | null;
    total_max: number | null;
  }>(
    `SELECT o.id::text, o.code, o.name, s.caseload_priority_one_target AS priority_one,
            s.caseload_total_min AS total_min, s.caseload_total_max AS total_max
       FROM organizations o LEFT JOIN organization_settings s ON s.organization_id = o.id
      WHERE ($1::bigint[] IS NULL OR o.id = ANY($1::bigint[]))
        AND ($2::bigint IS NULL OR EXISTS (SELECT 1 FROM recipients r WHERE r.id = $2::bigint AND r.organization_id = o.id))
      ORDER BY o.name, o.id`,
    params.slice(1),
  );
  const people = await pool.query<CaseloadPersonRow>(
    `SELECT r.organization_id::text, r.id::text AS recipient_id, r.display_name, r.active
       FROM recipients r JOIN organizations o ON o.id = r.organization_id
      WHERE ($2::bigint[] IS NULL OR r.organization_id = ANY($2::bigint[]))
        AND ($3::bigint IS NULL OR r.id = $3::bigint)
        AND ((r.role = 'care_manager' AND r.active)
             OR EXISTS (SELECT 1 FROM care_management_enrollments c
                         WHERE c.care_manager_recipient_id = r.id AND ${OPEN_ENROLLMENT})
             OR EXISTS (SELECT 1 FROM tasks t
                         WHERE t.assignee_recipient_id = r.id AND t.status IN ('open', 'in_progress')))
      ORDER BY r.display_name, r.id`,
    params,
  );
  // Enrollments held by a care manager of the organization, or on its own list with none named.
  const held = `
    SELECT c.patient_id, c.risk_tier, c.status,
           coalesce(c.care_manager_recipient_id::text, 'org:' || c.listed_by_org_id::text) AS holder
      FROM care_management_enrollments c
      LEFT JOIN recipients r ON r.id = c.care_manager_recipient_id
      JOIN organizations o ON o.id = coalesce(r.organization_id, c.listed_by_org_id)
     WHERE ${OPEN_ENROLLMENT}
       AND ($2::bigint[] IS NULL OR o.id = ANY($2::bigint[]))
       AND ($3::bigint IS NULL OR c.care_manager_recipient_id = $3::bigint)`;
  const tiers = await pool.query<CaseloadTierRow>(
    `SELECT holder, risk_tier AS tier,
            count(DISTINCT patient_id) FILTER (WHERE status = 'active')::int AS active,
            count(DISTINCT patient_id) FILTER (WHERE status = 'monitor')::int AS monitor,
            count(DISTINCT patient_id) FILTER (WHERE status = 'tracking_list')::int AS tracking_list
       FROM (${held}) h GROUP BY holder, risk_tier`,
    params,
  );
  const totals = await pool.query<CaseloadTotalRow>(
    `SELECT holder, count(DISTINCT patient_id)::int AS total,
            count(DISTINCT patient_id) FILTER (WHERE status = 'active' AND risk_tier = 'I')::int AS priority_one
       FROM (${held}) h GROUP BY holder`,
    params,
  );
  const tasks = await pool.query<CaseloadTaskRow>(
    `SELECT coalesce(t.assignee_recipient_id::text, 'org:' || t.organization_id::text) AS holder,
            count(*)::int AS open, count(*) FILTER (WHERE t.due_at < $1::timestamptz)::int AS overdue
       FROM tasks t
      WHERE t.status IN ('open', 'in_progress')
        AND ($2::bigint[] IS NULL OR t.organization_id = ANY($2::bigint[]))
        AND ($3::bigint IS NULL OR t.assignee_recipient_id = $3::bigint)
      GROUP BY 1`,
    params,
  );
  return {
    organizations: organizations.rows.map((o) => ({
      id: o.id,
      code: o.code,
      name: o.name,
      targets: {
        priorityOne: o.priority_one ?? DEFAULT_CASELOAD_TARGETS.priorityOne,
        totalMin: o.total_min ?? DEFAULT_CASELOAD_TARGETS.totalMin,
        totalMax: o.total_max ?? DEFAULT_CASELOAD_TARGETS.totalMax,
      },
    })),
    people: people.rows,
    tiers: tiers.rows,
    totals: totals.rows,
    tasks: tasks.rows,
  };
}

/** The targets are kept on the organization's settings row, whose owner (@homeward/directory) writes them. */
export { saveCaseloadTargets } from "@homeward/directory";

/** Whether an organization exists (a target for another id is a 404, not a foreign-key 500). */
export async function organizationExists(pool: Pool, organizationId: string): Promise<boolean> {
  const { rowCount } = await pool.query("SELECT 1 FROM organizations WHERE id = $1", [organizationId]);
  return (rowCount ?? 0) > 0;
}
