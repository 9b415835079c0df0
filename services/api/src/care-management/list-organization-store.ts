import type { Pool } from "@homeward/db";

/**
 * The organizations around a combined high-risk list: the list's own organization, the plans that
 * list a practice's patients, and the practices a plan's list names.
 */

export type Org = { id: string; code: string; name: string; kind: string; timeZone: string };

/** An organization by id, for the list's header and the access check. */
export async function loadOrganization(pool: Pool, id: string): Promise<Org | undefined> {
  const { rows } = await pool.query<Org>(
    `SELECT id::text, code, name, kind, time_zone AS "timeZone" FROM organizations WHERE id = $1`,
    [id],
  );
  return rows[0];
}

/**
 * The plans (health plans, ACOs) whose open care-management lists name patients of the practice,
 * by how many: the other half of a combined list, most patients first.
 */
export async function plansListing(pool: Pool, practiceId: string): Promise<(Org & { patients: number })[]> {
  const { rows } = await pool.query<Org & { patients: string }>(
    `SELECT o.id::text, o.code, o.name, o.kind, o.time_zone AS "timeZone", count(DISTINCT e.patient_id)::text AS patients
       FROM care_management_enrollments e JOIN organizations o ON o.id = e.listed_by_org_id
      WHERE o.kind IN ('health_plan', 'aco') AND e.effective_to IS NULL AND e.status <> 'ended'
        AND (e.practice_org_id = $1 OR EXISTS (SELECT 1 FROM attributions a
              WHERE a.patient_id = e.patient_id AND a.practice_org_id = $1 AND a.effective_to IS NULL))
      GROUP BY o.id ORDER BY count(DISTINCT e.patient_id) DESC, o.code`,
    [practiceId],
  );
  return rows.map((r) => ({ ...r, patients: Number(r.patients) }));
}

/**
 * The practices whose patients a plan's open list names (the row's practice, or the patient's open
 * attribution), most patients first: where a plan's care manager picks the combined list to open.
 */
export async function practicesListedBy(
  pool: Pool,
  planId: string,
): Promise<{ id: string; code: string; name: string; patients: number }[]> {
  const { rows } = await pool.query<{ id: string; code: string; name: string; patients: number }>(
    `SELECT o.id::text, o.code, o.name, count(DISTINCT e.patient_id)::int AS patients
       FROM care_management_enrollments e
       CROSS JOIN LATERAL (SELECT e.practice_org_id AS practice_id
                           UNION SELECT a.practice_org_id FROM attributions a
                                  WHERE a.patient_id = e.patient_id AND a.effective_to IS NULL) p
       JOIN organizations o ON o.id = p.practice_id AND o.kind = 'practice'
      WHERE e.listed_by_org_id = $1 AND e.effective_to IS NULL AND e.status <> 'ended'
      GROUP BY o.id ORDER BY count(DISTINCT e.patient_id) DESC, o.code`,
    [planId],
  );
  return rows;
}
